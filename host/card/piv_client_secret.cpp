// PivClient's Tessera extensions, part 1: UNWRAP AND STORE (F2), SECRET KEY
// MANAGE (F4) and the secret-key metadata (docs/piv-extensions.md). The F5
// operations are in piv_client_secret_ops.cpp.
#include <openssl/crypto.h>

#include "common/piv/public_key.hpp"
#include "common/piv/secret_keys.hpp"
#include "common/piv/wrapped_key.hpp"
#include "common/tlv.hpp"
#include "host/card/piv_client.hpp"

namespace tessera::host {
namespace {

namespace secret = piv::secret;
namespace wrap = piv::wrap;

std::uint8_t U8(auto v) { return static_cast<std::uint8_t>(v); }

CommandApdu Command(std::uint8_t ins, std::uint8_t p1, std::uint8_t p2, Bytes data) {
  CommandApdu c;
  c.ins = ins;
  c.p1 = p1;
  c.p2 = p2;
  c.data = std::move(data);
  c.le = kShortMaxLe;
  return c;
}

Status AppendAttributes(Bytes& out, const SecretKeyAttributes& a) {
  if (a.label.size() > secret::kMaxLabel || a.id.size() > secret::kMaxId) {
    return Status::InvalidArgument("a secret key's label and ID are at most 32 bytes");
  }
  AppendTlv(out, secret::tag::kUsage, Bytes{U8(a.usage >> 8), U8(a.usage)});
  if (a.pin_policy != piv::PinPolicy::kDefault) {
    AppendTlv(out, secret::tag::kPolicy, Bytes{U8(a.pin_policy)});
  }
  if (!a.label.empty()) AppendTlv(out, secret::tag::kLabel, a.label);
  if (!a.id.empty()) AppendTlv(out, secret::tag::kId, a.id);
  return Status::Ok();
}

// 01 type and, when asked for, 0E length.
Result<Bytes> NewKeyFields(secret::KeyType type, std::size_t length) {
  if (length > 0xFF) return Status::InvalidArgument("secret key length out of range");
  Bytes out = EncodeTlv(secret::tag::kAlgorithm, Bytes{U8(type)});
  if (length != 0) AppendTlv(out, secret::tag::kLength, Bytes{U8(length)});
  return out;
}

Result<Bytes> UnwrapData(const UnwrapRequest& r) {
  auto kdf = wrap::KdfByte(r.wrapped.kdf);
  if (!kdf) return Status::InvalidArgument("the wrap KDF is SHA-256, SHA-384 or SHA-512");
  Bytes d;
  if (r.algorithm) AppendTlv(d, wrap::tag::kAlgorithm, Bytes{*r.algorithm});
  if (r.key_family) AppendTlv(d, wrap::tag::kKeyFamily, Bytes{*r.key_family});
  AppendTlv(d, wrap::tag::kKdf, Bytes{*kdf});
  AppendTlv(d, wrap::tag::kKekLength, Bytes{U8(r.wrapped.kek_bytes)});
  AppendTlv(d, wrap::tag::kSharedData, r.wrapped.shared_data);
  AppendTlv(d, wrap::tag::kBlob, r.wrapped.blob);
  if (secret::IsSlot(r.target) || r.target == wrap::kAnySecretSlot) {
    TESSERA_RETURN_IF_ERROR(AppendAttributes(d, r.secret));
    return d;
  }
  if (r.pin_policy != piv::PinPolicy::kDefault) {
    AppendTlv(d, wrap::tag::kPinPolicy, Bytes{U8(r.pin_policy)});
  }
  if (r.touch_policy != piv::TouchPolicy::kDefault) {
    AppendTlv(d, wrap::tag::kTouchPolicy, Bytes{U8(r.touch_policy)});
  }
  return d;
}

Result<ByteView> Field(const std::vector<Tlv>& fields, std::uint32_t tag, std::size_t size) {
  auto v = FindTag(fields, tag);
  if (!v || (size != 0 && v->size() != size)) {
    return Status::InvalidArgument("secret-key metadata: tag " + std::to_string(tag) +
                                   " missing or malformed");
  }
  return *v;
}

}  // namespace

Result<SecretKeyInfo> ParseSecretKeyInfo(ByteView metadata, std::optional<std::uint8_t> slot) {
  TESSERA_ASSIGN_OR_RETURN(std::vector<Tlv> f, ParseTlvs(metadata));
  TESSERA_ASSIGN_OR_RETURN(ByteView type, Field(f, secret::tag::kAlgorithm, 1));
  TESSERA_ASSIGN_OR_RETURN(ByteView policy, Field(f, secret::tag::kPolicy, 2));
  TESSERA_ASSIGN_OR_RETURN(ByteView origin, Field(f, secret::tag::kOrigin, 1));
  TESSERA_ASSIGN_OR_RETURN(ByteView usage, Field(f, secret::tag::kUsage, 2));
  TESSERA_ASSIGN_OR_RETURN(ByteView length, Field(f, secret::tag::kLength, 1));
  auto key_type = secret::KeyTypeFromByte(type[0]);
  if (!key_type || policy[0] < 1 || policy[0] > 3 || origin[0] < 1 || origin[0] > 3) {
    return Status::InvalidArgument("secret-key metadata: unknown type, policy or origin");
  }
  SecretKeyInfo info;
  info.type = *key_type;
  info.length = length[0];
  info.pin_policy = static_cast<piv::PinPolicy>(policy[0]);
  info.origin = static_cast<piv::KeyOrigin>(origin[0]);
  info.usage = GetU16(usage);
  if (auto label = FindTag(f, secret::tag::kLabel)) info.label.assign(label->begin(), label->end());
  if (auto id = FindTag(f, secret::tag::kId)) info.id.assign(id->begin(), id->end());
  if (auto s = FindTag(f, secret::tag::kSlot); s && s->size() == 1) {
    info.slot = (*s)[0];
  } else if (slot) {
    info.slot = *slot;
  } else {
    return Status::InvalidArgument("secret-key metadata: no slot");
  }
  return info;
}

Result<Bytes> PivClient::CallWiping(CommandApdu& command, const char* what) {
  Result<Bytes> r = Call(command, what);
  OPENSSL_cleanse(command.data.data(), command.data.size());
  return r;
}

Result<SecretKeyInfo> PivClient::CallForSecretKey(CommandApdu& command, const char* what) {
  TESSERA_ASSIGN_OR_RETURN(Bytes r, CallWiping(command, what));
  return ParseSecretKeyInfo(r, std::nullopt);
}

Result<UnwrapResult> PivClient::UnwrapAndStore(const UnwrapRequest& request) {
  TESSERA_ASSIGN_OR_RETURN(Bytes data, UnwrapData(request));
  TESSERA_ASSIGN_OR_RETURN(
      Bytes r, Call(Command(piv::ins::kUnwrapAndStore, 0x00, request.target, std::move(data)),
                    "UNWRAP AND STORE"));
  UnwrapResult result;
  if (secret::IsSlot(request.target) || request.target == wrap::kAnySecretSlot) {
    TESSERA_ASSIGN_OR_RETURN(SecretKeyInfo info, ParseSecretKeyInfo(r, std::nullopt));
    result.slot = info.slot;
    result.secret_key = std::move(info);
    return result;
  }
  result.slot = request.target;
  // 7F49 does not say which algorithm it is; without tag 80 the slot's
  // metadata does (one GET METADATA more).
  if (!request.algorithm) {
    TESSERA_ASSIGN_OR_RETURN(PivKeyMetadata m, GetKeyMetadata(request.target));
    result.public_key = std::move(m.public_key);
    return result;
  }
  auto alg = piv::AlgorithmFromByte(*request.algorithm);
  if (!alg) return Status::InvalidArgument("UNWRAP AND STORE: unknown algorithm");
  TESSERA_ASSIGN_OR_RETURN(ByteView contents, ParseSingle(r, piv::tag::kPublicKey));
  TESSERA_ASSIGN_OR_RETURN(result.public_key, piv::DecodePublicKey(*alg, contents));
  return result;
}

Result<SecretKeyInfo> PivClient::GetSecretKeyMetadata(std::uint8_t slot) {
  TESSERA_ASSIGN_OR_RETURN(
      Bytes r, Call(Command(piv::ins::kGetMetadata, 0x00, slot, {}), "GET METADATA (secret key)"));
  return ParseSecretKeyInfo(r, slot);
}

Result<SecretKeyInfo> PivClient::ImportSecretKey(std::uint8_t slot, secret::KeyType type,
                                                 ByteView value,
                                                 const SecretKeyAttributes& attributes) {
  TESSERA_ASSIGN_OR_RETURN(Bytes data, NewKeyFields(type, 0));
  AppendTlv(data, secret::tag::kValue, value);
  TESSERA_RETURN_IF_ERROR(AppendAttributes(data, attributes));
  CommandApdu command =
      Command(piv::ins::kSecretKeyManage, secret::manage::kImport, slot, std::move(data));
  return CallForSecretKey(command, "SECRET KEY MANAGE (import)");
}

Result<SecretKeyInfo> PivClient::GenerateSecretKey(std::uint8_t slot, secret::KeyType type,
                                                   std::size_t length,
                                                   const SecretKeyAttributes& attributes) {
  TESSERA_ASSIGN_OR_RETURN(Bytes data, NewKeyFields(type, length));
  TESSERA_RETURN_IF_ERROR(AppendAttributes(data, attributes));
  CommandApdu command =
      Command(piv::ins::kSecretKeyManage, secret::manage::kGenerate, slot, std::move(data));
  return CallForSecretKey(command, "SECRET KEY MANAGE (generate)");
}

Result<SecretKeyInfo> PivClient::DeriveSecretKeyEcdh(const EcdhDeriveRequest& r) {
  TESSERA_ASSIGN_OR_RETURN(Bytes data, NewKeyFields(r.type, r.length));
  AppendTlv(data, secret::tag::kBaseKey, Bytes{r.base});
  AppendTlv(data, secret::tag::kPeerPublic, r.peer_public);
  AppendTlv(data, secret::tag::kEcdhKdf, Bytes{U8(r.kdf)});
  if (r.kdf == secret::EcdhKdf::kHkdfSha256) {
    if (!r.salt.empty()) AppendTlv(data, secret::tag::kSalt, r.salt);
    if (!r.info.empty()) AppendTlv(data, secret::tag::kInfo, r.info);
  }
  TESSERA_RETURN_IF_ERROR(AppendAttributes(data, r.attributes));
  CommandApdu command =
      Command(piv::ins::kSecretKeyManage, secret::manage::kDeriveEcdh, r.target, std::move(data));
  return CallForSecretKey(command, "SECRET KEY MANAGE (derive ECDH)");
}

Result<SecretKeyInfo> PivClient::DeriveSecretKeyHkdf(const HkdfDeriveRequest& r) {
  TESSERA_ASSIGN_OR_RETURN(Bytes data, NewKeyFields(r.type, r.length));
  AppendTlv(data, secret::tag::kBaseKey, Bytes{r.base});
  AppendTlv(data, secret::tag::kHkdfMode, Bytes{U8(r.mode)});
  if (r.mode == secret::HkdfMode::kExtractExpand && !r.salt.empty()) {
    AppendTlv(data, secret::tag::kSalt, r.salt);
  }
  if (!r.info.empty()) AppendTlv(data, secret::tag::kInfo, r.info);
  TESSERA_RETURN_IF_ERROR(AppendAttributes(data, r.attributes));
  CommandApdu command =
      Command(piv::ins::kSecretKeyManage, secret::manage::kDeriveHkdf, r.target, std::move(data));
  return CallForSecretKey(command, "SECRET KEY MANAGE (derive HKDF)");
}

Status PivClient::DeleteSecretKey(std::uint8_t slot) {
  CommandApdu command = Command(piv::ins::kSecretKeyManage, secret::manage::kDelete, slot, {});
  command.le.reset();
  return Call(command, "SECRET KEY MANAGE (delete)").status();
}

}  // namespace tessera::host
