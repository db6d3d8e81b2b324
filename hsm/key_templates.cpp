#include "hsm/key_templates.hpp"

namespace tessera::hsm {
namespace {

// Usage flags, all stated.
struct Uses {
  bool encrypt = false;
  bool decrypt = false;
  bool sign = false;
  bool verify = false;
  bool wrap = false;
  bool unwrap = false;
  bool derive = false;
};

AttributeTemplate SecretKey(std::string_view label, bool token, bool extractable, const Uses& u) {
  AttributeTemplate t;
  t.Add(Attr::kClass, ObjectClass::kSecretKey)
      .Add(Attr::kKeyType, KeyType::kAes)
      .Add(Attr::kToken, token)
      .Add(Attr::kPrivate, true)
      .Add(Attr::kSensitive, true)
      .Add(Attr::kExtractable, extractable)
      .Add(Attr::kEncrypt, u.encrypt)
      .Add(Attr::kDecrypt, u.decrypt)
      .Add(Attr::kSign, u.sign)
      .Add(Attr::kVerify, u.verify)
      .Add(Attr::kWrap, u.wrap)
      .Add(Attr::kUnwrap, u.unwrap)
      .Add(Attr::kDerive, u.derive);
  if (!label.empty()) t.Add(Attr::kLabel, label);
  if (token) t.Add(Attr::kModifiable, false);
  return t;
}

AttributeTemplate EcPublic(ByteView curve_params, const Uses& u) {
  AttributeTemplate t;
  t.Add(Attr::kClass, ObjectClass::kPublicKey)
      .Add(Attr::kKeyType, KeyType::kEc)
      .Add(Attr::kToken, false)
      .Add(Attr::kPrivate, false)
      .Add(Attr::kVerify, u.verify)
      .Add(Attr::kEncrypt, u.encrypt)
      .Add(Attr::kWrap, u.wrap)
      .Add(Attr::kDerive, u.derive)
      .Add(Attr::kEcParams, curve_params);
  return t;
}

AttributeTemplate EcPrivate(bool extractable, const Uses& u) {
  AttributeTemplate t;
  t.Add(Attr::kClass, ObjectClass::kPrivateKey)
      .Add(Attr::kKeyType, KeyType::kEc)
      .Add(Attr::kToken, false)
      .Add(Attr::kPrivate, true)
      .Add(Attr::kSensitive, true)
      .Add(Attr::kExtractable, extractable)
      .Add(Attr::kSign, u.sign)
      .Add(Attr::kDecrypt, u.decrypt)
      .Add(Attr::kUnwrap, u.unwrap)
      .Add(Attr::kDerive, u.derive);
  return t;
}

AttributeTemplate RsaPublic(std::string_view label, bool token, bool encrypt, bool wrap) {
  AttributeTemplate t;
  t.Add(Attr::kClass, ObjectClass::kPublicKey)
      .Add(Attr::kKeyType, KeyType::kRsa)
      .Add(Attr::kToken, token)
      .Add(Attr::kPrivate, false)
      .Add(Attr::kEncrypt, encrypt)
      .Add(Attr::kWrap, wrap)
      .Add(Attr::kVerify, false)
      .Add(Attr::kLabel, label);
  if (token) t.Add(Attr::kModifiable, false);
  return t;
}

AttributeTemplate RsaPrivate(std::string_view label, bool extractable, bool decrypt, bool unwrap,
                             bool unmodifiable = true) {
  AttributeTemplate t;
  t.Add(Attr::kClass, ObjectClass::kPrivateKey)
      .Add(Attr::kKeyType, KeyType::kRsa)
      .Add(Attr::kToken, true)
      .Add(Attr::kPrivate, true)
      .Add(Attr::kSensitive, true)
      .Add(Attr::kExtractable, extractable)
      .Add(Attr::kDecrypt, decrypt)
      .Add(Attr::kUnwrap, unwrap)
      .Add(Attr::kSign, false)
      .Add(Attr::kLabel, label);
  if (unmodifiable) t.Add(Attr::kModifiable, false);
  return t;
}

}  // namespace

AttributeTemplate BlockTemplate(std::string_view label, Residence residence) {
  return SecretKey(label, true, residence == Residence::kKeyManagement, Uses{.derive = true});
}

AttributeTemplate CryptogramPublicTemplate(std::string_view label) {
  return RsaPublic(label, true, /*encrypt=*/true, /*wrap=*/false);
}

AttributeTemplate CryptogramPrivateTemplate(std::string_view label, Residence residence) {
  // SoftHSM2 2.6 fails C_UnwrapKey of a private key whose template has both
  // CKA_LABEL and CKA_MODIFIABLE false (CKR_ATTRIBUTE_READ_ONLY: it sets the
  // label after creating the object). The unwrapped key stays modifiable;
  // what matters cannot be undone anyway (PKCS#11 3.0 §4.9: CKA_SENSITIVE
  // only goes to true, CKA_EXTRACTABLE only to false).
  const bool generated = residence == Residence::kKeyManagement;
  return RsaPrivate(label, generated, /*decrypt=*/true, /*unwrap=*/false,
                    /*unmodifiable=*/generated);
}

AttributeTemplate TransportPublicTemplate(std::string_view label, bool token) {
  return RsaPublic(label, token, /*encrypt=*/false, /*wrap=*/true);
}

AttributeTemplate TransportPrivateTemplate(std::string_view label) {
  return RsaPrivate(label, /*extractable=*/false, /*decrypt=*/false, /*unwrap=*/true);
}

AttributeTemplate KekSourceTemplate(std::string_view label) {
  return SecretKey(label, true, /*extractable=*/true, Uses{.wrap = true});
}

AttributeTemplate KekDestinationTemplate() {
  return SecretKey({}, false, /*extractable=*/false, Uses{.unwrap = true});
}

AttributeTemplate PerTokenKeyTemplate() {
  AttributeTemplate t = SecretKey({}, false, /*extractable=*/true,
                                  Uses{.encrypt = true, .sign = true, .derive = true});
  t.Add(Attr::kValueLen, kAesKeyBytes);
  return t;
}

AttributeTemplate StaticKeyTemplate() {
  AttributeTemplate t = SecretKey({}, false, /*extractable=*/false, Uses{.sign = true});
  t.Add(Attr::kValueLen, kAesKeyBytes);
  return t;
}

AttributeTemplate StaticDekTemplate() {
  AttributeTemplate t = SecretKey({}, false, /*extractable=*/false, Uses{.derive = true});
  t.Add(Attr::kValueLen, kAesKeyBytes);
  return t;
}

// The value is public (docs/card-manager.md "Factory transport key"), but the
// key is made like any other, so only derivation can use it.
AttributeTemplate PublicBaseKeyTemplate(ByteView value) {
  AttributeTemplate t = SecretKey({}, false, /*extractable=*/false, Uses{.derive = true});
  t.Add(Attr::kValue, value);
  return t;
}

AttributeTemplate SessionDekTemplate() {
  AttributeTemplate t = SecretKey({}, false, /*extractable=*/false, Uses{.wrap = true});
  t.Add(Attr::kValueLen, kAesKeyBytes);
  return t;
}

AttributeTemplate CheckKeyTemplate() {
  AttributeTemplate t = SecretKey({}, false, /*extractable=*/false, Uses{.encrypt = true});
  t.Add(Attr::kValueLen, kAesKeyBytes);
  return t;
}

AttributeTemplate DeliverablePublicTemplate(ByteView curve_params) {
  return EcPublic(curve_params, Uses{.verify = true});
}

AttributeTemplate DeliverablePrivateTemplate() {
  return EcPrivate(/*extractable=*/true, Uses{.sign = true});
}

AttributeTemplate EphemeralPublicTemplate(ByteView curve_params) {
  return EcPublic(curve_params, Uses{.derive = true});
}

AttributeTemplate EphemeralPrivateTemplate() {
  return EcPrivate(/*extractable=*/false, Uses{.derive = true});
}

AttributeTemplate TokenPublicKeyTemplate(ByteView curve_params, ByteView ec_point_der) {
  AttributeTemplate t = EcPublic(curve_params, Uses{.wrap = true});
  t.Add(Attr::kEcPoint, ec_point_der);
  return t;
}

AttributeTemplate DeliveryKekTemplate() {
  return SecretKey({}, false, /*extractable=*/false, Uses{.wrap = true});
}

}  // namespace tessera::hsm
