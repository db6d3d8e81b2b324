#include "firmware-sim/applets/piv/secret_key_crypto.hpp"

#include "common/crypto/aead.hpp"
#include "common/crypto/kdf.hpp"
#include "common/crypto/mac.hpp"
#include "common/piv/secret_keys.hpp"
#include "firmware-sim/applets/piv/command_fields.hpp"

namespace tessera::sim::piv_applet {
namespace {

namespace secret = piv::secret;
namespace tag = secret::tag;
using crypto::Hash;

Bytes ToBytes(const SecureBytes& s) { return {s.view().begin(), s.view().end()}; }

ByteView OptionalBytes(const CommandFields& f, std::uint32_t t) {
  auto v = f.Find(t);
  return v ? *v : ByteView();
}

Result<ByteView> RequireMessage(const CommandFields& f, std::size_t extra = 0) {
  TESSERA_ASSIGN_OR_RETURN(ByteView message, f.Require(tag::kMessage));
  if (message.size() > secret::kMaxMessage + extra) {
    return Status::InvalidArgument("message longer than 64512 bytes");
  }
  return message;
}

// The full MAC of the algorithm P1 names (P1 & FE: the generate code).
Result<Bytes> FullMac(const SecretKeyRecord& key, std::uint8_t p1, ByteView message) {
  switch (static_cast<secret::MacAlgorithm>(p1 & 0xFE)) {
    case secret::MacAlgorithm::kAesCmac: return crypto::AesCmac(key.value.view(), message);
    case secret::MacAlgorithm::kHmacSha256:
      return crypto::Hmac(Hash::kSha256, key.value.view(), message);
    case secret::MacAlgorithm::kHmacSha384:
      return crypto::Hmac(Hash::kSha384, key.value.view(), message);
    case secret::MacAlgorithm::kHmacSha512:
      return crypto::Hmac(Hash::kSha512, key.value.view(), message);
  }
  return Status::Internal("not a MAC operation");
}

Result<std::size_t> GcmTagLength(const CommandFields& f) {
  TESSERA_ASSIGN_OR_RETURN(std::optional<std::uint16_t> n, f.OptionalNumber(tag::kTagLength, 1));
  if (!n) return secret::kMaxGcmTag;
  if (*n < secret::kMinGcmTag || *n > secret::kMaxGcmTag) {
    return Status::InvalidArgument("GCM tag length must be 12 to 16");
  }
  return std::size_t{*n};
}

Result<ByteView> GcmIv(const CommandFields& f) {
  TESSERA_ASSIGN_OR_RETURN(ByteView iv, f.Require(tag::kIv));
  if (iv.empty() || iv.size() > secret::kMaxGcmIv) {
    return Status::InvalidArgument("GCM IV must be 1 to 128 bytes");
  }
  return iv;
}

}  // namespace

Result<Bytes> SecretKeyMac(const SecretKeyRecord& key, const CommandApdu& apdu) {
  TESSERA_ASSIGN_OR_RETURN(CommandFields f,
                           CommandFields::Parse(apdu.data, {tag::kMessage, tag::kMac}));
  TESSERA_ASSIGN_OR_RETURN(ByteView message, RequireMessage(f));
  TESSERA_ASSIGN_OR_RETURN(std::optional<std::uint16_t> length, f.OptionalNumber(tag::kMac, 1));
  TESSERA_ASSIGN_OR_RETURN(Bytes mac, FullMac(key, apdu.p1, message));
  if (length) {
    if (*length == 0 || *length > mac.size()) return Status::InvalidArgument("MAC length");
    mac.resize(*length);
  }
  return mac;
}

Result<Bytes> SecretKeyVerify(const SecretKeyRecord& key, const CommandApdu& apdu) {
  TESSERA_ASSIGN_OR_RETURN(CommandFields f,
                           CommandFields::Parse(apdu.data, {tag::kMessage, tag::kMac}));
  TESSERA_ASSIGN_OR_RETURN(ByteView message, RequireMessage(f));
  TESSERA_ASSIGN_OR_RETURN(ByteView candidate, f.Require(tag::kMac));
  TESSERA_ASSIGN_OR_RETURN(Bytes mac, FullMac(key, apdu.p1, message));
  if (candidate.empty() || candidate.size() > mac.size()) {
    return Status::InvalidArgument("MAC length");
  }
  if (!ConstantTimeEqual(ByteView(mac).first(candidate.size()), candidate)) {
    return Status::SignatureInvalid("MAC does not verify");
  }
  return Bytes{};
}

Result<Bytes> SecretKeyGcmEncrypt(const SecretKeyRecord& key, const CommandApdu& apdu) {
  TESSERA_ASSIGN_OR_RETURN(
      CommandFields f,
      CommandFields::Parse(apdu.data, {tag::kMessage, tag::kIv, tag::kAad, tag::kTagLength}));
  TESSERA_ASSIGN_OR_RETURN(ByteView plaintext, RequireMessage(f));
  TESSERA_ASSIGN_OR_RETURN(ByteView iv, GcmIv(f));
  TESSERA_ASSIGN_OR_RETURN(std::size_t tag_len, GcmTagLength(f));
  return crypto::AesGcmSeal(key.value.view(), iv, OptionalBytes(f, tag::kAad), plaintext, tag_len);
}

Result<Bytes> SecretKeyGcmDecrypt(const SecretKeyRecord& key, const CommandApdu& apdu) {
  TESSERA_ASSIGN_OR_RETURN(
      CommandFields f,
      CommandFields::Parse(apdu.data, {tag::kMessage, tag::kIv, tag::kAad, tag::kTagLength}));
  TESSERA_ASSIGN_OR_RETURN(std::size_t tag_len, GcmTagLength(f));
  TESSERA_ASSIGN_OR_RETURN(ByteView sealed, RequireMessage(f, tag_len));
  TESSERA_ASSIGN_OR_RETURN(ByteView iv, GcmIv(f));
  if (sealed.size() < tag_len) return Status::InvalidArgument("ciphertext shorter than its tag");
  TESSERA_ASSIGN_OR_RETURN(
      SecureBytes plaintext,
      crypto::AesGcmOpen(key.value.view(), iv, OptionalBytes(f, tag::kAad), sealed, tag_len));
  return ToBytes(plaintext);
}

Result<Bytes> SecretKeyHkdf(const SecretKeyRecord& key, const CommandApdu& apdu) {
  TESSERA_ASSIGN_OR_RETURN(CommandFields f, CommandFields::Parse(apdu.data, {tag::kSalt, tag::kInfo,
                                                                             tag::kOutputLength}));
  TESSERA_ASSIGN_OR_RETURN(std::optional<std::uint16_t> length,
                           f.OptionalNumber(tag::kOutputLength, 2));
  if (!length || *length == 0 || *length > secret::kMaxHkdfOutput) {
    return Status::InvalidArgument("HKDF output length must be 1 to 1024");
  }
  const ByteView info = OptionalBytes(f, tag::kInfo);
  auto salt = f.Find(tag::kSalt);
  TESSERA_ASSIGN_OR_RETURN(
      SecureBytes okm, salt ? crypto::Hkdf(Hash::kSha256, key.value.view(), *salt, info, *length)
                            : crypto::HkdfExpand(Hash::kSha256, key.value.view(), info, *length));
  return ToBytes(okm);
}

}  // namespace tessera::sim::piv_applet
