// Slot: writing to the card. PIV needs the management key for every write;
// while it is the factory default a user login is enough and the driver
// authenticates it (ykcs11 does the same).
#include "pkcs11/core/crypto/curve.hpp"
#include "pkcs11/core/crypto/key_codec.hpp"
#include "pkcs11/core/slot.hpp"

namespace tessera::p11 {

Result<ObjectHandle> Slot::CreateCertificate(ByteView id, ByteView label, ByteView der) {
  std::lock_guard lock(mu_);
  return WithCard([&](host::ApduChannel& ch) -> Result<ObjectHandle> {
    TESSERA_RETURN_IF_ERROR(token_->EnsureWriteAccess(ch, UserLoggedIn()));
    return token_->WriteCertificate(ch, id, label, der);
  });
}

// The template is checked before the login and any APDU: a data object the
// card has no home for stays CKR_TEMPLATE_INCONSISTENT for everyone.
Result<ObjectHandle> Slot::CreateDataObject(const Object& probe) {
  TESSERA_RETURN_IF_ERROR(piv::PivToken::CheckDataObject(probe));
  std::lock_guard lock(mu_);
  return WithCard([&](host::ApduChannel& ch) -> Result<ObjectHandle> {
    TESSERA_RETURN_IF_ERROR(token_->EnsureWriteAccess(ch, UserLoggedIn()));
    return token_->WriteDataObject(ch, probe);
  });
}

Result<ObjectHandle> Slot::ImportPrivateKey(ByteView id, ByteView label, EVP_PKEY* key) {
  std::lock_guard lock(mu_);
  return WithCard([&](host::ApduChannel& ch) -> Result<ObjectHandle> {
    TESSERA_RETURN_IF_ERROR(token_->EnsureWriteAccess(ch, UserLoggedIn()));
    return token_->ImportPrivateKey(ch, id, label, key);
  });
}

Result<piv::KeyPairHandles> Slot::GenerateKeyPair(ByteView id, ByteView label,
                                                  const KeySpec& spec) {
  std::lock_guard lock(mu_);
  return WithCard([&](host::ApduChannel& ch) -> Result<piv::KeyPairHandles> {
    TESSERA_RETURN_IF_ERROR(token_->EnsureWriteAccess(ch, UserLoggedIn()));
    return token_->GenerateKeyPair(ch, id, label, spec);
  });
}

Result<ObjectHandle> Slot::ImportSecretKey(const Template& tmpl, KeyType type, ByteView value) {
  std::lock_guard lock(mu_);
  return WithCard([&](host::ApduChannel& ch) -> Result<ObjectHandle> {
    TESSERA_RETURN_IF_ERROR(token_->EnsureWriteAccess(ch, UserLoggedIn()));
    TESSERA_RETURN_IF_ERROR(token_->EnsureSecretKeysLoaded(ch));
    return token_->ImportSecretKey(ch, tmpl, type, value);
  });
}

Result<ObjectHandle> Slot::GenerateSecretKey(const Template& tmpl, KeyType type,
                                             std::size_t length) {
  std::lock_guard lock(mu_);
  return WithCard([&](host::ApduChannel& ch) -> Result<ObjectHandle> {
    TESSERA_RETURN_IF_ERROR(token_->EnsureWriteAccess(ch, UserLoggedIn()));
    TESSERA_RETURN_IF_ERROR(token_->EnsureSecretKeysLoaded(ch));
    return token_->GenerateSecretKey(ch, tmpl, type, length);
  });
}

Result<ObjectHandle> Slot::DeriveOnCard(ObjectHandle base, const Mechanism& mechanism,
                                        const Template& tmpl, KeyType type, std::size_t length) {
  std::lock_guard lock(mu_);
  const Object* key = VisibleTokenObject(base);
  if (key == nullptr) return Refuse(Fault::kKeyHandleInvalid, "no such key");
  if (mechanism.type == Mech::kHkdfDerive) {
    return WithCard([&](host::ApduChannel& ch) -> Result<ObjectHandle> {
      TESSERA_RETURN_IF_ERROR(token_->EnsureSecretKeysLoaded(ch));
      return token_->DeriveFromSecretKey(ch, base, mechanism.hkdf, tmpl, type, length);
    });
  }
  TESSERA_ASSIGN_OR_RETURN(crypto::Curve curve, crypto::CurveOf(key->public_key.get()));
  auto peer = crypto::UnwrapEcPoint(mechanism.ecdh.peer_public, curve);
  if (!peer.ok()) return Refuse(Fault::kMechanismParamInvalid, "peer public key: bad point");
  return WithCard([&](host::ApduChannel& ch) -> Result<ObjectHandle> {
    TESSERA_RETURN_IF_ERROR(token_->EnsureSecretKeysLoaded(ch));
    return token_->DeriveFromPrivateKey(ch, base, *peer, tmpl, type, length);
  });
}

Result<SecureBytes> Slot::HkdfToHost(ObjectHandle base, const HkdfParams& params,
                                     std::size_t length) {
  std::lock_guard lock(mu_);
  if (VisibleTokenObject(base) == nullptr) return Refuse(Fault::kKeyHandleInvalid, "no such key");
  return WithCard(
      [&](host::ApduChannel& ch) { return token_->HkdfToHost(ch, base, params, length); });
}

Result<ObjectHandle> Slot::UnwrapOnCard(ObjectHandle unwrapping, const EcdhParams& params,
                                        ByteView blob, const Template& tmpl) {
  std::lock_guard lock(mu_);
  if (VisibleTokenObject(unwrapping) == nullptr) {
    return Refuse(Fault::kUnwrappingKeyHandleInvalid, "no such key");
  }
  return WithCard([&](host::ApduChannel& ch) -> Result<ObjectHandle> {
    TESSERA_RETURN_IF_ERROR(token_->EnsureSecretKeysLoaded(ch));
    return token_->Unwrap(ch, unwrapping, params, blob, tmpl);
  });
}

Result<SecureBytes> Slot::CardPrivateOperation(ObjectHandle key, piv::PrivateOp op,
                                               ByteView input) {
  std::lock_guard lock(mu_);
  if (VisibleTokenObject(key) == nullptr) return Refuse(Fault::kKeyHandleInvalid, "no such key");
  return WithCard(
      [&](host::ApduChannel& ch) { return token_->PrivateKeyOperation(ch, key, op, input); });
}

Result<SecureBytes> Slot::CardSecretOperation(ObjectHandle key, const piv::SecretOp& op,
                                              ByteView data) {
  std::lock_guard lock(mu_);
  if (VisibleTokenObject(key) == nullptr) return Refuse(Fault::kKeyHandleInvalid, "no such key");
  return WithCard(
      [&](host::ApduChannel& ch) { return token_->SecretOperation(ch, key, op, data); });
}

}  // namespace tessera::p11
