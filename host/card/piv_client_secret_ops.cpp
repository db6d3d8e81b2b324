// PivClient's Tessera extensions, part 2: SECRET KEY OPERATE (F5,
// docs/piv-extensions.md "F5"): the list, MACs, AES-GCM and HKDF output.
// Messages and plaintexts are wiped from the command buffers once sent.
#include <openssl/crypto.h>

#include "common/piv/secret_keys.hpp"
#include "common/tlv.hpp"
#include "host/card/piv_client.hpp"

namespace tessera::host {
namespace {

namespace secret = piv::secret;
namespace tag = secret::tag;

std::uint8_t U8(auto v) { return static_cast<std::uint8_t>(v); }

Status CheckMessage(ByteView message) {
  if (message.size() > secret::kMaxMessage) {
    return Status::InvalidArgument("the token takes messages of at most 64512 bytes");
  }
  return Status::Ok();
}

Result<Bytes> GcmData(ByteView body, ByteView iv, ByteView aad, std::size_t tag_len) {
  if (tag_len < secret::kMinGcmTag || tag_len > secret::kMaxGcmTag) {
    return Status::InvalidArgument("GCM tag length must be 12 to 16 bytes");
  }
  Bytes d = EncodeTlv(tag::kMessage, body);
  AppendTlv(d, tag::kIv, iv);
  if (!aad.empty()) AppendTlv(d, tag::kAad, aad);
  AppendTlv(d, tag::kTagLength, Bytes{U8(tag_len)});
  return d;
}

}  // namespace

Result<Bytes> PivClient::Operate(std::uint8_t p1, std::uint8_t slot, Bytes data, const char* what) {
  CommandApdu c;
  c.ins = piv::ins::kSecretKeyOperate;
  c.p1 = p1;
  c.p2 = slot;
  c.data = std::move(data);
  c.le = kShortMaxLe;
  return CallWiping(c, what);
}

Result<std::vector<SecretKeyInfo>> PivClient::ListSecretKeys() {
  TESSERA_ASSIGN_OR_RETURN(Bytes r,
                           Operate(secret::operate::kList, 0x00, {}, "SECRET KEY OPERATE (list)"));
  TESSERA_ASSIGN_OR_RETURN(std::vector<Tlv> entries, ParseTlvs(r));
  std::vector<SecretKeyInfo> keys;
  for (const Tlv& entry : entries) {
    if (entry.tag != tag::kListEntry) {
      return Status::InvalidArgument("secret-key list: unexpected tag");
    }
    TESSERA_ASSIGN_OR_RETURN(SecretKeyInfo info, ParseSecretKeyInfo(entry.value, std::nullopt));
    keys.push_back(std::move(info));
  }
  return keys;
}

Result<Bytes> PivClient::SecretKeyMac(std::uint8_t slot, secret::MacAlgorithm alg, ByteView message,
                                      std::size_t mac_length) {
  TESSERA_RETURN_IF_ERROR(CheckMessage(message));
  if (mac_length > 0xFF) return Status::InvalidArgument("MAC length out of range");
  Bytes d = EncodeTlv(tag::kMessage, message);
  if (mac_length != 0) AppendTlv(d, tag::kMac, Bytes{U8(mac_length)});
  return Operate(U8(alg), slot, std::move(d), "SECRET KEY OPERATE (MAC)");
}

Status PivClient::SecretKeyVerify(std::uint8_t slot, secret::MacAlgorithm alg, ByteView message,
                                  ByteView mac) {
  TESSERA_RETURN_IF_ERROR(CheckMessage(message));
  Bytes d = Concat({EncodeTlv(tag::kMessage, message), EncodeTlv(tag::kMac, mac)});
  return Operate(U8(U8(alg) + 1), slot, std::move(d), "SECRET KEY OPERATE (verify)").status();
}

Result<Bytes> PivClient::GcmEncrypt(std::uint8_t slot, ByteView iv, ByteView aad,
                                    ByteView plaintext, std::size_t tag_len) {
  TESSERA_RETURN_IF_ERROR(CheckMessage(plaintext));
  TESSERA_ASSIGN_OR_RETURN(Bytes d, GcmData(plaintext, iv, aad, tag_len));
  return Operate(secret::operate::kGcmEncrypt, slot, std::move(d),
                 "SECRET KEY OPERATE (GCM encrypt)");
}

Result<SecureBytes> PivClient::GcmDecrypt(std::uint8_t slot, ByteView iv, ByteView aad,
                                          ByteView ciphertext_and_tag, std::size_t tag_len) {
  TESSERA_ASSIGN_OR_RETURN(Bytes d, GcmData(ciphertext_and_tag, iv, aad, tag_len));
  TESSERA_ASSIGN_OR_RETURN(Bytes r, Operate(secret::operate::kGcmDecrypt, slot, std::move(d),
                                            "SECRET KEY OPERATE (GCM decrypt)"));
  SecureBytes plaintext(r);
  OPENSSL_cleanse(r.data(), r.size());
  return plaintext;
}

Result<SecureBytes> PivClient::HkdfToHost(std::uint8_t slot, std::optional<ByteView> salt,
                                          ByteView info, std::size_t length) {
  if (length == 0 || length > secret::kMaxHkdfOutput) {
    return Status::InvalidArgument("HKDF output must be 1 to 1024 bytes");
  }
  Bytes d;
  if (salt) AppendTlv(d, tag::kSalt, *salt);
  if (!info.empty()) AppendTlv(d, tag::kInfo, info);
  AppendTlv(d, tag::kOutputLength, Bytes{U8(length >> 8), U8(length)});
  TESSERA_ASSIGN_OR_RETURN(
      Bytes r, Operate(secret::operate::kHkdf, slot, std::move(d), "SECRET KEY OPERATE (HKDF)"));
  SecureBytes okm(r);
  OPENSSL_cleanse(r.data(), r.size());
  return okm;
}

}  // namespace tessera::host
