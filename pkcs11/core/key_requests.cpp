#include "pkcs11/core/key_requests.hpp"

#include <openssl/crypto.h>

#include "pkcs11/core/crypto/key_codec.hpp"
#include "pkcs11/core/key_spec_reader.hpp"
#include "pkcs11/core/key_use.hpp"
#include "pkcs11/core/object_requests.hpp"
#include "pkcs11/drivers/soft/engines.hpp"
#include "pkcs11/drivers/soft/key_material.hpp"
#include "pkcs11/drivers/soft/object_builder.hpp"

namespace tessera::p11 {
namespace {

std::optional<ByteView> Either(const Template& a, const Template& b, Attr attr) {
  auto v = FindIn(a, attr);
  return v ? v : FindIn(b, attr);
}

Status RequireUserForPrivate(const Slot& slot, const Object& object) {
  if (object.Flag(Attr::kPrivate) && slot.login_state() != LoginState::kUser) {
    return Refuse(Fault::kUserNotLoggedIn, "a private object needs the user's login");
  }
  return Status::Ok();
}

Result<ObjectHandle> AddToSession(Session& session, Object object) {
  TESSERA_RETURN_IF_ERROR(RequireUserForPrivate(session.slot(), object));
  object.session = session.handle();
  return session.slot().AddSessionObject(std::move(object));
}

// A key object for key management, with `missing` as the refusal when the
// handle names none (CKR_KEY_HANDLE_INVALID, CKR_WRAPPING_KEY_HANDLE_INVALID ...).
Result<Object> KeyObject(Slot& slot, ObjectHandle handle, Fault missing) {
  auto read = slot.ReadObject(handle, {});
  if (!read.ok()) return Recast(read.status(), Fault::kObjectHandleInvalid, missing);
  if (!read->is_key()) return Refuse(missing, "not a key");
  return read;
}

soft::Provenance DerivedFrom(const Object& base) {
  soft::Provenance p;
  p.always_sensitive_source = base.Flag(Attr::kAlwaysSensitive);
  p.never_extractable_source = base.Flag(Attr::kNeverExtractable);
  return p;
}

// The length a derived secret key gets: CKA_VALUE_LEN, else the key type's
// own (AES-256 when the type is AES and no length is given is a guess the
// spec does not make: CKR_TEMPLATE_INCOMPLETE), else `natural`.
Result<std::size_t> DerivedLength(const Template& tmpl, std::size_t natural) {
  TESSERA_ASSIGN_OR_RETURN(std::optional<std::size_t> len, soft::TemplateValueLen(tmpl));
  if (len) {
    if (*len == 0) return Refuse(Fault::kAttributeValueInvalid, "CKA_VALUE_LEN is 0");
    return *len;
  }
  TESSERA_ASSIGN_OR_RETURN(std::optional<KeyType> type, soft::TemplateKeyType(tmpl));
  if (type == KeyType::kDes3) return std::size_t{24};
  if (type == KeyType::kAes) return Refuse(Fault::kTemplateIncomplete, "CKA_VALUE_LEN is required");
  return natural;
}

// The key type and length a secret key made on the card gets.
Result<std::pair<KeyType, std::size_t>> CardKeyShape(const Template& tmpl, std::size_t natural) {
  TESSERA_ASSIGN_OR_RETURN(std::optional<KeyType> type, soft::TemplateKeyType(tmpl));
  TESSERA_ASSIGN_OR_RETURN(std::size_t len, DerivedLength(tmpl, natural));
  return std::pair{type.value_or(KeyType::kGenericSecret), len};
}

Result<ObjectHandle> DeriveEcdh(Session& session, const Mechanism& mechanism, const Object& base,
                                const Template& tmpl) {
  Slot& slot = session.slot();
  if (WantsTokenObject(tmpl)) {
    if (base.is_session_object()) {
      return Refuse(Fault::kTemplateInconsistent, "a session key's secret stays in the session");
    }
    // The card stores Z itself (CKD_NULL); a KDF over it is CKM_HKDF_DERIVE's.
    if (mechanism.ecdh.kdf) {
      return Refuse(Fault::kMechanismParamInvalid, "into the card, ECDH takes CKD_NULL");
    }
    if (!session.read_write()) return Refuse(Fault::kSessionReadOnly, "a token key needs RW");
    const std::size_t field = crypto::EcFieldBytes(base.public_key.get());
    TESSERA_ASSIGN_OR_RETURN(auto shape, CardKeyShape(tmpl, field == 0 ? 32 : field));
    return slot.DeriveOnCard(base.handle, mechanism, tmpl, shape.first, shape.second);
  }
  // What the token key derives stays on the card: its ECDH results open
  // the keys wrapped to it (docs/piv-extensions.md).
  if (base.where.token_key) {
    return Refuse(Fault::kTemplateInconsistent, "the token key's secrets stay on the card");
  }
  TESSERA_ASSIGN_OR_RETURN(crypto::Curve curve, crypto::CurveOf(base.public_key.get()));
  auto peer = crypto::UnwrapEcPoint(mechanism.ecdh.peer_public, curve);
  if (!peer.ok()) return Refuse(Fault::kMechanismParamInvalid, "peer public key: bad point");
  Result<SecureBytes> z = base.is_session_object()
                              ? soft::HostRawPrivate(base.private_key.get(), RawOp::kAgree, *peer)
                              : slot.CardPrivateOperation(base.handle, RawOp::kAgree, *peer);
  if (!z.ok()) {
    if (z.status().code() == Code::kInvalidArgument) {
      return Refuse(Fault::kMechanismParamInvalid, z.status().message());
    }
    return z.status();
  }
  TESSERA_ASSIGN_OR_RETURN(std::size_t len, DerivedLength(tmpl, z->size()));
  TESSERA_ASSIGN_OR_RETURN(SecureBytes secret, soft::EcdhKdf(mechanism.ecdh, z->view(), len));
  TESSERA_ASSIGN_OR_RETURN(
      Object derived,
      soft::SecretKeyObject(tmpl, secret.view(), KeyType::kGenericSecret, DerivedFrom(base)));
  return AddToSession(session, std::move(derived));
}

Result<ObjectHandle> DeriveHkdfFromCard(Session& session, const Mechanism& mechanism,
                                        const Object& base, const Template& tmpl) {
  Slot& slot = session.slot();
  TESSERA_ASSIGN_OR_RETURN(auto shape, CardKeyShape(tmpl, 32));
  if (WantsTokenObject(tmpl)) {
    if (!session.read_write()) return Refuse(Fault::kSessionReadOnly, "a token key needs RW");
    return slot.DeriveOnCard(base.handle, mechanism, tmpl, shape.first, shape.second);
  }
  // Out to the host: only what the key's owner allowed (usage 0020).
  if (!base.Flag(Attr::kTesseraExportDerived)) {
    return Refuse(Fault::kKeyFunctionNotPermitted,
                  "the key does not allow derived keys out of the card");
  }
  TESSERA_ASSIGN_OR_RETURN(SecureBytes okm,
                           slot.HkdfToHost(base.handle, mechanism.hkdf, shape.second));
  TESSERA_ASSIGN_OR_RETURN(
      Object derived,
      soft::SecretKeyObject(tmpl, okm.view(), KeyType::kGenericSecret, DerivedFrom(base)));
  return AddToSession(session, std::move(derived));
}

Result<ObjectHandle> DeriveHkdf(Session& session, const Mechanism& mechanism, const Object& base,
                                const Template& tmpl) {
  Slot& slot = session.slot();
  if (!base.is_session_object()) return DeriveHkdfFromCard(session, mechanism, base, tmpl);
  if (WantsTokenObject(tmpl)) {
    return Refuse(Fault::kTemplateInconsistent, "a session key's secret stays in the session");
  }
  auto value = base.Get(Attr::kValue);
  if (!value) return Refuse(Fault::kKeyTypeInconsistent, "HKDF needs a secret key");
  Bytes salt;
  if (mechanism.hkdf.salt) salt = *mechanism.hkdf.salt;
  if (mechanism.hkdf.salt_key != 0) {
    TESSERA_ASSIGN_OR_RETURN(
        Object salt_key, KeyObject(slot, mechanism.hkdf.salt_key, Fault::kMechanismParamInvalid));
    auto salt_value = salt_key.Get(Attr::kValue);
    if (salt_key.cls != ObjectClass::kSecretKey || !salt_value) {
      return Refuse(Fault::kMechanismParamInvalid, "the salt key is not a secret key");
    }
    // A card secret key's value never leaves the card: it cannot salt a
    // derivation on the host (its object holds no value to use).
    if (!salt_key.is_session_object()) {
      return Refuse(Fault::kMechanismParamInvalid,
                    "a salt key on the token cannot salt on the host");
    }
    salt.assign(salt_value->begin(), salt_value->end());
  }
  const std::size_t natural = crypto::HashSize(mechanism.hkdf.hash);
  TESSERA_ASSIGN_OR_RETURN(std::size_t len, DerivedLength(tmpl, natural));
  auto okm = soft::HkdfDerive(mechanism.hkdf, *value, salt, len);
  OPENSSL_cleanse(salt.data(), salt.size());
  if (!okm.ok()) return okm.status();
  TESSERA_ASSIGN_OR_RETURN(
      Object derived,
      soft::SecretKeyObject(tmpl, okm->view(), KeyType::kGenericSecret, DerivedFrom(base)));
  return AddToSession(session, std::move(derived));
}

}  // namespace

Result<ObjectHandle> GenerateKey(Session& session, const Mechanism& mechanism,
                                 const Template& tmpl) {
  std::optional<KeyType> type;
  switch (mechanism.type) {
    case Mech::kAesKeyGen: type = KeyType::kAes; break;
    case Mech::kGenericSecretKeyGen: type = KeyType::kGenericSecret; break;
    case Mech::kDes3KeyGen: type = KeyType::kDes3; break;
    default: return Refuse(Fault::kMechanismInvalid, "not a secret-key generation mechanism");
  }
  TESSERA_ASSIGN_OR_RETURN(std::optional<KeyType> given, soft::TemplateKeyType(tmpl));
  if (given && *given != *type) {
    return Refuse(Fault::kTemplateInconsistent, "CKA_KEY_TYPE contradicts the mechanism");
  }
  TESSERA_ASSIGN_OR_RETURN(std::optional<std::size_t> len, soft::TemplateValueLen(tmpl));
  if (type == KeyType::kDes3) len = len.value_or(24);
  if (!len) return Refuse(Fault::kTemplateIncomplete, "CKA_VALUE_LEN is required");
  if (WantsTokenObject(tmpl)) {
    if (!session.read_write()) return Refuse(Fault::kSessionReadOnly, "a token key needs RW");
    if (type == KeyType::kDes3) return Refuse(Fault::kTemplateInconsistent, "no 3DES on the card");
    return session.slot().GenerateSecretKey(tmpl, *type, *len);
  }
  TESSERA_ASSIGN_OR_RETURN(SecureBytes value, soft::RandomSecret(*type, *len));
  soft::Provenance provenance;
  provenance.generated = true;
  provenance.mechanism = mechanism.type;
  TESSERA_ASSIGN_OR_RETURN(Object key, soft::SecretKeyObject(tmpl, value.view(), type, provenance));
  return AddToSession(session, std::move(key));
}

Result<KeyPair> GenerateKeyPair(Session& session, const Mechanism& mechanism,
                                const Template& public_tmpl, const Template& private_tmpl) {
  TESSERA_ASSIGN_OR_RETURN(KeySpec spec, ReadKeySpec(mechanism.type, public_tmpl, private_tmpl));
  Slot& slot = session.slot();
  const bool on_card = WantsTokenObject(private_tmpl);
  if (WantsTokenObject(public_tmpl) != on_card && FindIn(public_tmpl, Attr::kToken)) {
    return Refuse(Fault::kTemplateInconsistent, "both halves live on the card or neither does");
  }
  if (on_card) {
    if (!session.read_write()) return Refuse(Fault::kSessionReadOnly, "a token key needs RW");
    auto priv = FindIn(private_tmpl, Attr::kPrivate);
    if (priv && !AsBool(*priv).value_or(true)) {
      return Refuse(Fault::kTemplateInconsistent,
                    "a key on the card is a private object (visible after login)");
    }
    const ByteView id = Either(private_tmpl, public_tmpl, Attr::kId).value_or(ByteView());
    const ByteView label = Either(private_tmpl, public_tmpl, Attr::kLabel).value_or(ByteView());
    TESSERA_ASSIGN_OR_RETURN(piv::KeyPairHandles made, slot.GenerateKeyPair(id, label, spec));
    return KeyPair{made.public_key, made.private_key};
  }
  TESSERA_ASSIGN_OR_RETURN(ossl::PkeyPtr key, soft::GenerateKeyPair(spec));
  soft::Provenance provenance;
  provenance.generated = true;
  provenance.mechanism = mechanism.type;
  TESSERA_ASSIGN_OR_RETURN(Object pub, soft::PublicKeyObject(public_tmpl, key.get(), provenance));
  TESSERA_ASSIGN_OR_RETURN(Object priv,
                           soft::PrivateKeyObject(private_tmpl, key.get(), provenance));
  TESSERA_RETURN_IF_ERROR(RequireUserForPrivate(slot, pub));
  TESSERA_RETURN_IF_ERROR(RequireUserForPrivate(slot, priv));
  KeyPair pair;
  TESSERA_ASSIGN_OR_RETURN(pair.public_key, AddToSession(session, std::move(pub)));
  TESSERA_ASSIGN_OR_RETURN(pair.private_key, AddToSession(session, std::move(priv)));
  return pair;
}

Result<ObjectHandle> DeriveKey(Session& session, const Mechanism& mechanism, ObjectHandle base,
                               const Template& tmpl) {
  TESSERA_RETURN_IF_ERROR(CheckMechanismHas(mechanism.type, mech_flag::kDerive));
  TESSERA_ASSIGN_OR_RETURN(Object key, KeyObject(session.slot(), base, Fault::kKeyHandleInvalid));
  TESSERA_RETURN_IF_ERROR(
      CheckKeyUse(Attr::kDerive, mechanism.type, key, Fault::kKeyTypeInconsistent));
  switch (mechanism.type) {
    case Mech::kEcdh1Derive:
      if (key.cls != ObjectClass::kPrivateKey) {
        return Refuse(Fault::kKeyTypeInconsistent, "ECDH needs an EC or X25519 private key");
      }
      return DeriveEcdh(session, mechanism, key, tmpl);
    case Mech::kHkdfDerive:
      if (key.cls != ObjectClass::kSecretKey) {
        return Refuse(Fault::kKeyTypeInconsistent, "HKDF needs a secret key");
      }
      return DeriveHkdf(session, mechanism, key, tmpl);
    default: return Refuse(Fault::kMechanismInvalid, "not a derivation mechanism");
  }
}

Result<Bytes> WrapKey(Session& session, const Mechanism& mechanism, ObjectHandle wrapping_key,
                      ObjectHandle key) {
  Slot& slot = session.slot();
  TESSERA_ASSIGN_OR_RETURN(Object wrapping,
                           KeyObject(slot, wrapping_key, Fault::kWrappingKeyHandleInvalid));
  TESSERA_ASSIGN_OR_RETURN(Object target, KeyObject(slot, key, Fault::kKeyHandleInvalid));
  TESSERA_RETURN_IF_ERROR(CheckMechanismHas(mechanism.type, mech_flag::kWrap));
  TESSERA_RETURN_IF_ERROR(
      CheckKeyUse(Attr::kWrap, mechanism.type, wrapping, Fault::kWrappingKeyTypeInconsistent));
  // §4.9/§4.10: only an extractable key leaves, and a key marked
  // CKA_WRAP_WITH_TRUSTED only under a trusted key. A key on the card never
  // leaves it.
  if (target.cls == ObjectClass::kPublicKey) {
    return Refuse(Fault::kKeyNotWrappable, "public keys are not wrapped");
  }
  if (!target.is_session_object() || !target.Flag(Attr::kExtractable)) {
    return Refuse(Fault::kKeyUnextractable, "the key cannot leave the token");
  }
  if (target.Flag(Attr::kWrapWithTrusted) && !wrapping.Flag(Attr::kTrusted)) {
    return Refuse(Fault::kKeyNotWrappable, "the key wants a trusted wrapping key");
  }
  return soft::WrapKey(mechanism, wrapping, target);
}

Result<ObjectHandle> UnwrapKey(Session& session, const Mechanism& mechanism,
                               ObjectHandle unwrapping_key, ByteView wrapped,
                               const Template& tmpl) {
  Slot& slot = session.slot();
  TESSERA_RETURN_IF_ERROR(CheckMechanismHas(mechanism.type, mech_flag::kUnwrap));
  TESSERA_ASSIGN_OR_RETURN(Object unwrapping,
                           KeyObject(slot, unwrapping_key, Fault::kUnwrappingKeyHandleInvalid));
  TESSERA_RETURN_IF_ERROR(CheckKeyUse(Attr::kUnwrap, mechanism.type, unwrapping,
                                      Fault::kUnwrappingKeyTypeInconsistent));
  auto cls = FindIn(tmpl, Attr::kClass);
  if (!cls || !FindIn(tmpl, Attr::kKeyType)) {
    return Refuse(Fault::kTemplateIncomplete, "CKA_CLASS and CKA_KEY_TYPE are required");
  }
  if (!unwrapping.is_session_object()) {
    // A key wrapped to the token key opens inside the card and stays there.
    if (mechanism.type != Mech::kEcdhAesKeyWrap) {
      return Refuse(Fault::kUnwrappingKeyTypeInconsistent, "the card unwraps ECDH-AES blobs");
    }
    if (!WantsTokenObject(tmpl)) {
      return Refuse(Fault::kTemplateInconsistent,
                    "a key unwrapped by the token key is a token object (CKA_TOKEN true)");
    }
    if (!session.read_write()) return Refuse(Fault::kSessionReadOnly, "a token key needs RW");
    return slot.UnwrapOnCard(unwrapping.handle, mechanism.ecdh, wrapped, tmpl);
  }
  if (WantsTokenObject(tmpl)) {
    return Refuse(Fault::kTemplateInconsistent,
                  "a key unwrapped by a session key stays in the session");
  }
  TESSERA_ASSIGN_OR_RETURN(SecureBytes plain, soft::UnwrapKey(mechanism, unwrapping, wrapped));
  soft::Provenance provenance;  // it was outside the token: never "always sensitive"
  Result<Object> made = Status::Internal("unset");
  if (AsUlong(*cls) == static_cast<unsigned long>(ObjectClass::kSecretKey)) {
    TESSERA_ASSIGN_OR_RETURN(std::optional<std::size_t> len, soft::TemplateValueLen(tmpl));
    ByteView value = plain.view();
    if (len) {
      if (*len > value.size())
        return Refuse(Fault::kTemplateInconsistent, "CKA_VALUE_LEN too long");
      value = value.first(*len);  // block-mode wraps carry zero padding
    }
    made = soft::SecretKeyObject(tmpl, value, std::nullopt, provenance);
  } else if (AsUlong(*cls) == static_cast<unsigned long>(ObjectClass::kPrivateKey)) {
    auto key = ossl::PrivateKeyFromDer(plain.view());
    if (!key.ok()) return Refuse(Fault::kWrappedKeyInvalid, "not a PKCS#8 private key");
    made = soft::PrivateKeyObject(tmpl, key->get(), provenance);
  } else {
    return Refuse(Fault::kTemplateInconsistent, "only secret and private keys are unwrapped");
  }
  if (!made.ok()) return made.status();
  return AddToSession(session, std::move(*made));
}

}  // namespace tessera::p11
