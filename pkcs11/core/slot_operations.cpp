// Slot: starting an operation with a key wherever it lives. The key's
// fitness is checked in one place (key_use.hpp); then a session key gets a
// host engine, a card private key a host engine whose raw private operation
// is the card's, a card public key a host engine, and a card secret key the
// card's own engine.
#include "pkcs11/core/key_use.hpp"
#include "pkcs11/core/slot.hpp"
#include "pkcs11/drivers/piv/piv_secret_engine.hpp"
#include "pkcs11/drivers/soft/engines.hpp"

namespace tessera::p11 {

Result<std::unique_ptr<OperationEngine>> Slot::StartOperation(OpKind kind,
                                                              const Mechanism& mechanism,
                                                              ObjectHandle key) {
  if (kind == OpKind::kDigest) return soft::StartDigest(mechanism);
  {
    std::lock_guard lock(session_mu_);
    const Object* o = session_objects_.Find(key);
    if (o != nullptr && (UserLoggedIn() || !o->Flag(Attr::kPrivate))) {
      TESSERA_RETURN_IF_ERROR(CheckKeyUse(kind, mechanism, *o));
      if (o->cls == ObjectClass::kSecretKey) return soft::StartSymmetric(kind, mechanism, *o);
      return soft::StartAsymmetric(kind, mechanism, *o, nullptr);
    }
  }
  // One look at the key, no copy of its attributes: this runs per signature.
  // No GET METADATA to settle CKA_ALWAYS_AUTHENTICATE either: the card
  // enforces its PIN policy itself (6982 becomes CKR_USER_NOT_LOGGED_IN),
  // and a first signature has no APDU to spare (docs/pkcs11-module.md).
  std::lock_guard lock(mu_);
  const Object* o = VisibleTokenObject(key);
  if (o == nullptr) return Refuse(Fault::kKeyHandleInvalid, "no such key");
  TESSERA_RETURN_IF_ERROR(CheckKeyUse(kind, mechanism, *o));
  if (o->cls == ObjectClass::kSecretKey) {
    return piv::StartSecretOperation(kind, mechanism, *o,
                                     [this, key](const piv::SecretOp& op, ByteView data) {
                                       return CardSecretOperation(key, op, data);
                                     });
  }
  soft::RawPrivateOp card;
  if (o->cls == ObjectClass::kPrivateKey) {
    card = [this, key](RawOp op, ByteView input) { return CardPrivateOperation(key, op, input); };
  }
  return soft::StartAsymmetric(kind, mechanism, *o, std::move(card));
}

}  // namespace tessera::p11
