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
  // K-DEK only derives S-DEK; K-ENC and K-MAC only MAC.
  AttributeTemplate key_template =
      role == scp03::KeyRole::kDek ? StaticDekTemplate() : StaticKeyTemplate();
  return DeriveByEcbEncryptData(token, base.handle(), scp03::StaticKeyDerivationData(role),
                                std::move(key_template),
                                std::string(name) + " of " + base.description());
}

scp03::Prf CmacPrf(HsmSession* session, CK_OBJECT_HANDLE key, std::string what) {
  return [session, key, what = std::move(what)](ByteView data) {
    return Sign(*session, MechanismSpec::Plain(Mechanism::kAesCmac), key, data, what);
  };
}

// docs/card-manager.md "Session keys" and "PUT KEY": S-DEK = AES-256-ECB(
// K-DEK, X) is made inside the HSM, wraps `key` once, and is destroyed when
// this returns.
Result<Bytes> WrapUnderSessionDek(HsmToken& token, const HsmStaticKeys& keys, ByteView context,
                                  const KeyObject& key) {
  TESSERA_ASSIGN_OR_RETURN(
      KeyObject s_dek,
      DeriveByEcbEncryptData(token, keys.dek().handle(), scp03::SessionDekDerivationData(context),
                             SessionDekTemplate(), "S-DEK of " + keys.dek().description()));
  const std::array<std::uint8_t, 16> zero_icv{};
  return WrapKey(token.session(), MechanismSpec::WithIv(Mechanism::kAesCbc, zero_icv),
                 s_dek.handle(), key.handle(), key.description());
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

// docs/card-manager.md "Factory transport key": the key is public, but going
// through the HSM lets personalization wrap its PUT KEY data inside the HSM
// too, under an S-DEK the host never sees.
Result<HsmStaticKeys> HsmStaticKeys::DeriveFromPublicBase(HsmToken& token, ByteView base) {
  if (base.size() != kAesKeyBytes) {
    return Status::InvalidArgument("public SCP03 base key is " + std::to_string(base.size()) +
                                   " bytes, not 32");
  }
  // Destroyed when `imported` goes, before this returns.
  TESSERA_ASSIGN_OR_RETURN(
      KeyObject imported,
      CreateObject(token.session(), PublicBaseKeyTemplate(base), "public SCP03 base key"));
  return Derive(token, imported);
}

scp03::StaticKeys HsmStaticKeys::Prfs() const {
  return scp03::StaticKeys{CmacPrf(session_, enc_.handle(), enc_.description()),
                           CmacPrf(session_, mac_.handle(), mac_.description())};
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

Result<PutKeyData> WrapForPutKey(HsmToken& token, const HsmStaticKeys& keys, ByteView context,
                                 const KeyObject& key) {
  if (context.size() != 16 && context.size() != 32) {
    return Status::InvalidArgument("SCP03 context is " + std::to_string(context.size()) +
                                   " bytes, not host || card challenge (16 or 32)");
  }
  TESSERA_ASSIGN_OR_RETURN(Bytes encrypted, WrapUnderSessionDek(token, keys, context, key));
  TESSERA_ASSIGN_OR_RETURN(Bytes kcv, KeyCheckValue(token, key));
  return PutKeyData{std::move(encrypted), std::move(kcv)};
}

}  // namespace tessera::hsm
