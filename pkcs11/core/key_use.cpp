#include "pkcs11/core/key_use.hpp"

#include <cstring>

namespace tessera::p11 {
namespace {

std::uint64_t FlagFor(OpKind kind) {
  switch (kind) {
    case OpKind::kSign: return mech_flag::kSign;
    case OpKind::kVerify: return mech_flag::kVerify;
    case OpKind::kEncrypt: return mech_flag::kEncrypt;
    case OpKind::kDecrypt: return mech_flag::kDecrypt;
    case OpKind::kDigest: break;
  }
  return mech_flag::kDigest;
}

Attr UsageFor(OpKind kind) {
  switch (kind) {
    case OpKind::kSign: return Attr::kSign;
    case OpKind::kVerify: return Attr::kVerify;
    case OpKind::kEncrypt: return Attr::kEncrypt;
    case OpKind::kDecrypt: return Attr::kDecrypt;
    case OpKind::kDigest: break;
  }
  return Attr::kClass;
}

bool ClassFits(OpKind kind, ObjectClass cls) {
  if (cls == ObjectClass::kSecretKey) return true;
  const bool private_side = kind == OpKind::kSign || kind == OpKind::kDecrypt;
  return cls == (private_side ? ObjectClass::kPrivateKey : ObjectClass::kPublicKey);
}

// §4.7 CKA_ALLOWED_MECHANISMS: when present, only the listed mechanisms.
bool Allowed(const Object& key, Mech mechanism) {
  auto list = key.Get(Attr::kAllowedMechanisms);
  if (!list) return true;
  for (std::size_t at = 0; at + sizeof(unsigned long) <= list->size();
       at += sizeof(unsigned long)) {
    unsigned long m = 0;
    std::memcpy(&m, list->data() + at, sizeof m);
    if (m == static_cast<unsigned long>(mechanism)) return true;
  }
  return false;
}

// A generic secret serves HMAC; an AES key serves the AES mechanisms.
bool TypeFits(Mech mechanism, std::optional<KeyType> type) {
  if (!type) return false;
  // HKDF takes any secret key as its input keying material (3.0 "HKDF").
  if (mechanism == Mech::kHkdfDerive) return IsSecretKeyType(*type) || *type == KeyType::kHkdf;
  auto wanted = KeyTypeFor(mechanism);
  if (!wanted) return false;
  if (*wanted == *type) return true;
  // ECDH takes Montgomery (X25519) keys too; ECDH-AES wrap is P-256/P-384.
  return *wanted == KeyType::kEc && *type == KeyType::kEcMontgomery &&
         (mechanism == Mech::kEcdh1Derive);
}

}  // namespace

Status CheckMechanismHas(Mech mechanism, std::uint64_t flag) {
  const MechanismInfo* info = FindMechanism(mechanism);
  if (info == nullptr || (info->flags & flag) == 0) {
    return Refuse(Fault::kMechanismInvalid, "mechanism not for this operation");
  }
  return Status::Ok();
}

Status CheckMechanismFor(OpKind kind, Mech mechanism) {
  return CheckMechanismHas(mechanism, FlagFor(kind));
}

Status CheckKeyUse(OpKind kind, const Mechanism& mechanism, const Object& key) {
  TESSERA_RETURN_IF_ERROR(CheckMechanismFor(kind, mechanism.type));
  if (!key.is_key()) return Refuse(Fault::kKeyHandleInvalid, "not a key");
  // A key of the wrong class (a public key to sign, a private key to
  // verify) lacks the usage attribute: §5.1 CKR_KEY_FUNCTION_NOT_PERMITTED.
  if (!ClassFits(kind, key.cls))
    return Refuse(Fault::kKeyFunctionNotPermitted, "wrong kind of key");
  if (!TypeFits(mechanism.type, key.key_type())) {
    return Refuse(Fault::kKeyTypeInconsistent, "mechanism does not fit the key");
  }
  if (!key.Flag(UsageFor(kind))) {
    return Refuse(Fault::kKeyFunctionNotPermitted, "the key does not allow this operation");
  }
  if (!Allowed(key, mechanism.type)) {
    return Refuse(Fault::kMechanismInvalid, "not among the key's CKA_ALLOWED_MECHANISMS");
  }
  return Status::Ok();
}

Status CheckKeyUse(Attr usage, Mech mechanism, const Object& key, Fault wrong_type) {
  if (!key.is_key()) return Refuse(wrong_type, "not a key");
  if (!TypeFits(mechanism, key.key_type()))
    return Refuse(wrong_type, "mechanism does not fit the key");
  if (!key.Flag(usage))
    return Refuse(Fault::kKeyFunctionNotPermitted, "the key does not allow this");
  if (!Allowed(key, mechanism)) {
    return Refuse(Fault::kMechanismInvalid, "not among the key's CKA_ALLOWED_MECHANISMS");
  }
  return Status::Ok();
}

}  // namespace tessera::p11
