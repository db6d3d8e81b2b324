#include "hsm/scp03_keys.hpp"

#include <array>
#include <string>
#include <utility>

#include "common/scp03/key_set.hpp"
#include "hsm/crypto_ops.hpp"
#include "hsm/derive.hpp"
#include "hsm/key_ops.hpp"
#include "hsm/key_templates.hpp"
#include "hsm/mechanism.hpp"

namespace tessera::hsm {
namespace {

Result<KeyObject> DeriveStaticKey(HsmToken& token, const KeyObject& base, scp03::KeyRole role,
                                  std::string_view name) {
  return DeriveByEcbEncryptData(token, base.handle(), scp03::StaticKeyDerivationData(role),
                                StaticKeyTemplate(),
                                std::string(name) + " of " + base.description());
}

scp03::Prf CmacPrf(HsmSession* session, CK_OBJECT_HANDLE key, std::string what) {
  return [session, key, what = std::move(what)](ByteView data) {
    return Sign(*session, MechanismSpec::Plain(Mechanism::kAesCmac), key, data, what);
  };
}

}  // namespace

Result<HsmStaticKeys> HsmStaticKeys::Derive(HsmToken& token, const KeyObject& base) {
  TESSERA_ASSIGN_OR_RETURN(KeyObject enc,
                           DeriveStaticKey(token, base, scp03::KeyRole::kEnc, "K-ENC"));
  TESSERA_ASSIGN_OR_RETURN(KeyObject mac,
                           DeriveStaticKey(token, base, scp03::KeyRole::kMac, "K-MAC"));
  TESSERA_ASSIGN_OR_RETURN(KeyObject dek,
                           DeriveStaticKey(token, base, scp03::KeyRole::kDek, "K-DEK"));
  return HsmStaticKeys(token.session(), std::move(enc), std::move(mac), std::move(dek));
}

scp03::StaticKeys HsmStaticKeys::Prfs() const {
  return scp03::StaticKeys{CmacPrf(session_, enc_.handle(), enc_.description()),
                           CmacPrf(session_, mac_.handle(), mac_.description()),
                           CmacPrf(session_, dek_.handle(), dek_.description())};
}

Result<SecureBytes> Cmac(HsmToken& token, const KeyObject& key, ByteView data) {
  return Sign(token.session(), MechanismSpec::Plain(Mechanism::kAesCmac), key.handle(), data,
              key.description());
}

Result<Bytes> KeyCheckValue(HsmToken& token, CK_OBJECT_HANDLE key, std::string_view what) {
  std::array<std::uint8_t, 16> ones{};
  ones.fill(0x01);
  TESSERA_ASSIGN_OR_RETURN(
      Bytes block,
      Encrypt(token.session(), MechanismSpec::Plain(Mechanism::kAesEcb), key, ones, what));
  if (block.size() < 3) {
    return Status::Internal("key check value of " + std::string(what) + ": C_Encrypt gave " +
                            std::to_string(block.size()) + " bytes");
  }
  block.resize(3);
  return block;
}

Result<Bytes> KeyCheckValue(HsmToken& token, const KeyObject& key) {
  return KeyCheckValue(token, key.handle(), key.description());
}

Result<PutKeyData> WrapForPutKey(HsmToken& token, ByteView s_dek, const KeyObject& key) {
  if (s_dek.size() != 16 && s_dek.size() != 24 && s_dek.size() != 32) {
    return Status::InvalidArgument("S-DEK is " + std::to_string(s_dek.size()) +
                                   " bytes, not an AES key");
  }
  // Destroyed when `dek` goes, before this returns.
  TESSERA_ASSIGN_OR_RETURN(
      KeyObject dek, CreateObject(token.session(), ImportedWrappingKeyTemplate(s_dek), "S-DEK"));
  const std::array<std::uint8_t, 16> zero_icv{};
  TESSERA_ASSIGN_OR_RETURN(
      Bytes encrypted, WrapKey(token.session(), MechanismSpec::WithIv(Mechanism::kAesCbc, zero_icv),
                               dek.handle(), key.handle(), key.description()));
  TESSERA_ASSIGN_OR_RETURN(Bytes kcv, KeyCheckValue(token, key));
  return PutKeyData{std::move(encrypted), std::move(kcv)};
}

}  // namespace tessera::hsm
