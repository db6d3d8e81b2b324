#include "common/scp03/key_set.hpp"

#include <openssl/evp.h>

#include <string>
#include <string_view>

#include "common/scp03/aes.hpp"

namespace tessera::scp03 {
namespace {

constexpr std::string_view kDerivationLabel = "TESSERA-SCP03";  // 13 bytes
constexpr std::string_view kUnlockLabel = "TESSERA-UNLOCK";     // 14 bytes
constexpr std::string_view kSessionDekLabel = "TESSERA-S-DEK";  // 13 bytes

// B(role, i) = "TESSERA-SCP03" || role || 00 || i (16 bytes: one AES block).
void AppendDerivationBlock(Bytes& out, KeyRole role, std::uint8_t i) {
  Append(out, AsBytes(kDerivationLabel));
  Append(out, {static_cast<std::uint8_t>(role), 0x00, i});
}

}  // namespace

std::array<std::uint8_t, 32> FactoryBaseKey() {
  std::array<std::uint8_t, 32> key{};
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(0x40 + i);
  return key;
}

Bytes StaticKeyDerivationData(KeyRole role) {
  Bytes d;
  AppendDerivationBlock(d, role, 1);
  AppendDerivationBlock(d, role, 2);
  return d;
}

// docs/card-manager.md "SCP03 static keys from one base key": the same
// computation as CKM_AES_ECB_ENCRYPT_DATA over D(role) inside an HSM.
Result<SecureBytes> StaticKeyFromBase(ByteView base, KeyRole role) {
  if (base.size() != 32) return Status::InvalidArgument("SCP03 base key must be 32 bytes");
  return AesEcbEncrypt(base, StaticKeyDerivationData(role));
}

Result<StaticKeys> StaticKeysFromBase(ByteView base) {
  TESSERA_ASSIGN_OR_RETURN(SecureBytes enc, StaticKeyFromBase(base, KeyRole::kEnc));
  TESSERA_ASSIGN_OR_RETURN(SecureBytes mac, StaticKeyFromBase(base, KeyRole::kMac));
  return StaticKeys{CmacPrf(enc.view()), CmacPrf(mac.view())};
}

// docs/card-manager.md "Session keys": hashing makes X one fixed-size value
// for both modes, two AES blocks, as CKM_AES_ECB_ENCRYPT_DATA wants.
Bytes SessionDekDerivationData(ByteView context) {
  const Bytes message = Concat({AsBytes(kSessionDekLabel), context});
  Bytes x(EVP_MAX_MD_SIZE);
  unsigned int len = 0;
  if (EVP_Digest(message.data(), message.size(), x.data(), &len, EVP_sha256(), nullptr) != 1) {
    return {};
  }
  x.resize(len);
  return x;
}

Result<SecureBytes> SessionDekFromStatic(ByteView k_dek, ByteView context) {
  if (k_dek.size() != 32) return Status::InvalidArgument("K-DEK must be 32 bytes");
  if (context.size() != 16 && context.size() != 32) {
    return Status::WrongLength("SCP03 context must be host || card challenge (16 or 32 bytes)");
  }
  Bytes x = SessionDekDerivationData(context);
  if (x.size() != 32) return Status::Internal("SHA-256 of the S-DEK derivation input failed");
  return AesEcbEncrypt(k_dek, x);
}

// GlobalPlatform AES key check value (Amd D, PUT KEY key data; docs/card-manager.md
// "Key check value"): AES-ECB over 16 bytes of 01, first 3 bytes.
Result<Bytes> KeyCheckValue(ByteView key) {
  if (!IsAesKeyLength(key.size())) {
    return Status::InvalidArgument("KCV key must be 16, 24 or 32 bytes");
  }
  Bytes ones(kAesBlock, 0x01);
  TESSERA_ASSIGN_OR_RETURN(SecureBytes block, AesEcbEncrypt(key, ones));
  return Bytes(block.view().begin(), block.view().begin() + 3);
}

// docs/card-manager.md "PUT KEY": AES-CBC, zero ICV, no padding.
Result<Bytes> EncryptKeyData(ByteView dek, ByteView key_data) {
  Bytes zero_icv(kAesBlock, 0x00);
  TESSERA_ASSIGN_OR_RETURN(SecureBytes c, AesCbcEncrypt(dek, zero_icv, key_data));
  return Bytes(c.view().begin(), c.view().end());
}

Result<SecureBytes> DecryptKeyData(ByteView dek, ByteView encrypted) {
  Bytes zero_icv(kAesBlock, 0x00);
  return AesCbcDecrypt(dek, zero_icv, encrypted);
}

Bytes UnlockMessage(ByteView challenge, ByteView uid) {
  return Concat({AsBytes(kUnlockLabel), challenge, uid});
}

}  // namespace tessera::scp03
