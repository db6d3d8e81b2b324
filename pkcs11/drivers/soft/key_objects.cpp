// Key objects in host memory: from C_CreateObject templates, and from key
// material the module made or opened.
#include <openssl/core_names.h>

#include "common/crypto/cipher_stream.hpp"
#include "pkcs11/core/crypto/curve.hpp"
#include "pkcs11/core/crypto/key_import.hpp"
#include "pkcs11/drivers/soft/object_builder.hpp"
#include "pkcs11/drivers/soft/template_rules.hpp"
#include "pkcs11/model/fault.hpp"
#include "pkcs11/model/key_attributes.hpp"

namespace tessera::p11::soft {
namespace {

namespace tc = ::tessera::crypto;

ByteView Or(std::optional<ByteView> v) { return v.value_or(ByteView()); }

// What a key may do by default (the spec leaves it to the token, footnote 9):
// what its type is for.
void UsageDefaults(Object& o, KeyType type) {
  const bool rsa = type == KeyType::kRsa;
  const bool signs = rsa || type == KeyType::kEc || type == KeyType::kEcEdwards;
  const bool cipher = type == KeyType::kAes || type == KeyType::kDes3;
  const bool mac = type == KeyType::kAes || type == KeyType::kGenericSecret;
  switch (o.cls) {
    case ObjectClass::kPublicKey:
      SetDefault(o, Attr::kEncrypt, BoolValue(rsa));
      SetDefault(o, Attr::kVerify, BoolValue(signs));
      SetDefault(o, Attr::kVerifyRecover, BoolValue(false));
      SetDefault(o, Attr::kWrap, BoolValue(rsa));
      SetDefault(o, Attr::kTrusted, BoolValue(false));
      SetDefault(o, Attr::kSubject, {});
      break;
    case ObjectClass::kPrivateKey:
      SetDefault(o, Attr::kDecrypt, BoolValue(rsa));
      SetDefault(o, Attr::kSign, BoolValue(signs));
      SetDefault(o, Attr::kSignRecover, BoolValue(false));
      SetDefault(o, Attr::kUnwrap, BoolValue(rsa));
      SetDefault(o, Attr::kAlwaysAuthenticate, BoolValue(false));
      SetDefault(o, Attr::kSubject, {});
      break;
    case ObjectClass::kSecretKey:
      SetDefault(o, Attr::kEncrypt, BoolValue(cipher));
      SetDefault(o, Attr::kDecrypt, BoolValue(cipher));
      SetDefault(o, Attr::kWrap, BoolValue(cipher));
      SetDefault(o, Attr::kUnwrap, BoolValue(cipher));
      SetDefault(o, Attr::kSign, BoolValue(mac));
      SetDefault(o, Attr::kVerify, BoolValue(mac));
      SetDefault(o, Attr::kTrusted, BoolValue(false));
      break;
    default: break;
  }
}

// §4.10 / current mechanisms: the check value is the first three bytes of
// the key's encryption of a zero block (AES, 3DES), or of SHA-1 of the key
// (generic secrets).
Bytes SecretCheckValue(KeyType type, ByteView value) {
  if (type == KeyType::kGenericSecret) return Sha1CheckValue(value);
  tc::CipherSpec spec;
  spec.mode = type == KeyType::kAes ? tc::CipherMode::kAesEcb : tc::CipherMode::kTdesEcb;
  spec.key = value;
  auto stream = tc::CipherStream::Start(spec, true);
  if (!stream.ok()) return {};
  auto out = stream->Update(Bytes(type == KeyType::kAes ? 16 : 8, 0));
  if (!out.ok() || out->size() < 3) return {};
  return Bytes(out->data(), out->data() + 3);
}

Status CheckSecretLength(KeyType type, std::size_t len) {
  bool ok = false;
  switch (type) {
    case KeyType::kAes: ok = len == 16 || len == 24 || len == 32; break;
    case KeyType::kDes3: ok = len == 24; break;
    case KeyType::kGenericSecret: ok = len >= 1 && len <= 1024; break;
    default: return Refuse(Fault::kTemplateInconsistent, "not a secret-key type");
  }
  if (!ok) return Refuse(Fault::kAttributeValueInvalid, "the key length does not fit its type");
  return Status::Ok();
}

Status FinishSecret(Object& o, KeyType type, ByteView value, const Provenance& provenance) {
  TESSERA_RETURN_IF_ERROR(CheckSecretLength(type, value.size()));
  if (auto len = o.Get(Attr::kValueLen); len && AsUlong(*len) != value.size()) {
    return Refuse(Fault::kTemplateInconsistent, "CKA_VALUE_LEN contradicts the key");
  }
  o.Set(Attr::kValue, Bytes(value.begin(), value.end()));
  o.Set(Attr::kValueLen, UlongValue(value.size()));
  KeyDefaults(o, provenance);
  UsageDefaults(o, type);
  SensitivityFacts(o, provenance);
  return SetCheckValue(o, SecretCheckValue(type, value));
}

// Big-endian bytes of an RSA number of `key`.
Bytes RsaNumber(EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) return {};
  ossl::BnPtr owned(bn);
  return ossl::BnToBytes(owned.get());
}

// The private parts as attributes, so a key the application made readable
// (CKA_SENSITIVE false, CKA_EXTRACTABLE true) shows them (§4.9).
Status AddPrivateMaterial(Object& o, EVP_PKEY* key) {
  TESSERA_RETURN_IF_ERROR(AddPublicKeyAttributes(o, key));
  o.attrs.erase(Attr::kModulusBits);  // a public-key attribute only
  o.attrs.erase(Attr::kEcPoint);
  if (o.key_type() == KeyType::kRsa) {
    o.Set(Attr::kPrivateExponent, RsaNumber(key, OSSL_PKEY_PARAM_RSA_D));
    o.Set(Attr::kPrime1, RsaNumber(key, OSSL_PKEY_PARAM_RSA_FACTOR1));
    o.Set(Attr::kPrime2, RsaNumber(key, OSSL_PKEY_PARAM_RSA_FACTOR2));
    o.Set(Attr::kExponent1, RsaNumber(key, OSSL_PKEY_PARAM_RSA_EXPONENT1));
    o.Set(Attr::kExponent2, RsaNumber(key, OSSL_PKEY_PARAM_RSA_EXPONENT2));
    o.Set(Attr::kCoefficient, RsaNumber(key, OSSL_PKEY_PARAM_RSA_COEFFICIENT1));
    return Status::Ok();
  }
  TESSERA_ASSIGN_OR_RETURN(crypto::Curve curve, crypto::CurveOf(key));
  Bytes value(crypto::FieldBytes(curve));
  if (crypto::IsWeierstrass(curve)) {
    BIGNUM* bn = nullptr;
    if (EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_PRIV_KEY, &bn) != 1) {
      return ossl::Error("reading an EC private scalar");
    }
    ossl::BnPtr owned(bn);
    value = ossl::BnToBytes(owned.get(), value.size());
  } else {
    std::size_t len = value.size();
    if (EVP_PKEY_get_raw_private_key(key, value.data(), &len) != 1) {
      return ossl::Error("reading a raw private key");
    }
  }
  o.Set(Attr::kValue, std::move(value));
  return Status::Ok();
}

std::shared_ptr<EVP_PKEY> Share(EVP_PKEY* key) {
  EVP_PKEY_up_ref(key);
  return std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free);
}

constexpr std::initializer_list<Attr> kPublicMaterial = {
    Attr::kModulus, Attr::kPublicExponent, Attr::kModulusBits, Attr::kEcParams, Attr::kEcPoint};
constexpr std::initializer_list<Attr> kPrivateMaterial = {
    Attr::kModulus,   Attr::kPublicExponent, Attr::kPrivateExponent, Attr::kPrime1,   Attr::kPrime2,
    Attr::kExponent1, Attr::kExponent2,      Attr::kCoefficient,     Attr::kEcParams, Attr::kValue};

bool CarriesAny(const Template& tmpl, std::initializer_list<Attr> attrs) {
  for (Attr a : attrs) {
    if (FindIn(tmpl, a)) return true;
  }
  return false;
}

Result<ossl::PkeyPtr> PrivateKeyFromTemplate(const Template& tmpl, KeyType type) {
  Result<ossl::PkeyPtr> key = Status::Internal("unset");
  if (type == KeyType::kRsa) {
    crypto::RsaPrivateParts parts;
    parts.n = SecureBytes(Or(FindIn(tmpl, Attr::kModulus)));
    parts.e = SecureBytes(Or(FindIn(tmpl, Attr::kPublicExponent)));
    parts.d = SecureBytes(Or(FindIn(tmpl, Attr::kPrivateExponent)));
    parts.p = SecureBytes(Or(FindIn(tmpl, Attr::kPrime1)));
    parts.q = SecureBytes(Or(FindIn(tmpl, Attr::kPrime2)));
    parts.dp = SecureBytes(Or(FindIn(tmpl, Attr::kExponent1)));
    parts.dq = SecureBytes(Or(FindIn(tmpl, Attr::kExponent2)));
    parts.qinv = SecureBytes(Or(FindIn(tmpl, Attr::kCoefficient)));
    if (parts.e.empty() || parts.p.empty() || parts.q.empty()) {
      return Refuse(Fault::kTemplateIncomplete,
                    "an RSA private key needs CKA_PUBLIC_EXPONENT, CKA_PRIME_1 and CKA_PRIME_2");
    }
    key = crypto::RsaPrivateKey(parts);
  } else {
    auto params = FindIn(tmpl, Attr::kEcParams);
    auto value = FindIn(tmpl, Attr::kValue);
    if (!params || !value) {
      return Refuse(Fault::kTemplateIncomplete, "an EC key needs CKA_EC_PARAMS and CKA_VALUE");
    }
    key = crypto::EcPrivateKey(*params, *value);
  }
  if (!key.ok()) return Refuse(Fault::kAttributeValueInvalid, key.status().message());
  return key;
}

Result<ossl::PkeyPtr> PublicKeyFromTemplate(const Template& tmpl, KeyType type) {
  Result<ossl::PkeyPtr> key = Status::Internal("unset");
  if (type == KeyType::kRsa) {
    auto n = FindIn(tmpl, Attr::kModulus);
    auto e = FindIn(tmpl, Attr::kPublicExponent);
    if (!n || !e) {
      return Refuse(Fault::kTemplateIncomplete, "needs CKA_MODULUS and CKA_PUBLIC_EXPONENT");
    }
    key = crypto::RsaPublicKey(*n, *e);
  } else {
    auto params = FindIn(tmpl, Attr::kEcParams);
    auto point = FindIn(tmpl, Attr::kEcPoint);
    if (!params || !point) {
      return Refuse(Fault::kTemplateIncomplete, "needs CKA_EC_PARAMS and CKA_EC_POINT");
    }
    key = crypto::EcPublicKey(*params, *point);
  }
  if (!key.ok()) return Refuse(Fault::kAttributeValueInvalid, key.status().message());
  return key;
}

bool IsAsymmetricType(KeyType t) {
  return t == KeyType::kRsa || t == KeyType::kEc || t == KeyType::kEcEdwards ||
         t == KeyType::kEcMontgomery;
}

}  // namespace

Result<Object> BuildKeyFromTemplate(const Template& tmpl, bool so) {
  const auto cls = static_cast<ObjectClass>(*AsUlong(*FindIn(tmpl, Attr::kClass)));
  TESSERA_ASSIGN_OR_RETURN(std::optional<KeyType> type, TemplateKeyType(tmpl));
  if (!type) return Refuse(Fault::kTemplateIncomplete, "CKA_KEY_TYPE is required");
  if (cls == ObjectClass::kSecretKey) {
    if (!IsSecretKeyType(*type)) {
      return Refuse(Fault::kTemplateInconsistent, "not a secret-key type");
    }
    auto value = FindIn(tmpl, Attr::kValue);
    if (!value) return Refuse(Fault::kTemplateIncomplete, "a secret key needs CKA_VALUE");
    Object o = NewObject(cls, *type);
    TESSERA_RETURN_IF_ERROR(ApplyTemplate(o, tmpl, so, {Attr::kValue}));
    TESSERA_RETURN_IF_ERROR(FinishSecret(o, *type, *value, Provenance{}));
    return o;
  }
  if (!IsAsymmetricType(*type)) return Refuse(Fault::kTemplateInconsistent, "not a key-pair type");
  Object o = NewObject(cls, *type);
  if (cls == ObjectClass::kPrivateKey) {
    TESSERA_ASSIGN_OR_RETURN(ossl::PkeyPtr key, PrivateKeyFromTemplate(tmpl, *type));
    TESSERA_RETURN_IF_ERROR(ApplyTemplate(o, tmpl, so, kPrivateMaterial));
    TESSERA_RETURN_IF_ERROR(AddPrivateMaterial(o, key.get()));
    o.private_key = Share(key.get());
    o.KeepPublicKey(key.get());
  } else {
    TESSERA_ASSIGN_OR_RETURN(ossl::PkeyPtr key, PublicKeyFromTemplate(tmpl, *type));
    TESSERA_RETURN_IF_ERROR(ApplyTemplate(o, tmpl, so, kPublicMaterial));
    TESSERA_RETURN_IF_ERROR(AddPublicKeyAttributes(o, key.get()));
    o.KeepPublicKey(key.get());
  }
  if (o.key_type() != type) return Refuse(Fault::kTemplateInconsistent, "key type and key differ");
  KeyDefaults(o, Provenance{});
  UsageDefaults(o, *type);
  SensitivityFacts(o, Provenance{});
  return o;
}

Result<Object> SecretKeyObject(const Template& tmpl, ByteView value,
                               std::optional<KeyType> default_type, const Provenance& provenance) {
  TESSERA_ASSIGN_OR_RETURN(std::optional<KeyType> type, TemplateKeyType(tmpl));
  if (!type) type = default_type;
  if (!type) return Refuse(Fault::kTemplateIncomplete, "CKA_KEY_TYPE is required");
  if (!IsSecretKeyType(*type)) return Refuse(Fault::kTemplateInconsistent, "not a secret-key type");
  if (FindIn(tmpl, Attr::kValue)) {
    return Refuse(Fault::kTemplateInconsistent, "the key's value is not the template's to give");
  }
  Object o = NewObject(ObjectClass::kSecretKey, *type);
  TESSERA_RETURN_IF_ERROR(ApplyTemplate(o, tmpl, false, {}));
  TESSERA_RETURN_IF_ERROR(FinishSecret(o, *type, value, provenance));
  return o;
}

Result<Object> PrivateKeyObject(const Template& tmpl, EVP_PKEY* key, const Provenance& provenance) {
  TESSERA_ASSIGN_OR_RETURN(KeyType type, KeyTypeOf(key));
  if (CarriesAny(tmpl, {Attr::kPrivateExponent, Attr::kPrime1, Attr::kPrime2, Attr::kValue})) {
    return Refuse(Fault::kTemplateInconsistent, "key material is not the template's to give");
  }
  Object o = NewObject(ObjectClass::kPrivateKey, type);
  TESSERA_RETURN_IF_ERROR(
      ApplyTemplate(o, tmpl, false, {Attr::kEcParams, Attr::kModulus, Attr::kPublicExponent}));
  TESSERA_RETURN_IF_ERROR(AddPrivateMaterial(o, key));
  o.private_key = Share(key);
  o.KeepPublicKey(key);
  KeyDefaults(o, provenance);
  UsageDefaults(o, type);
  SensitivityFacts(o, provenance);
  return o;
}

Result<Object> PublicKeyObject(const Template& tmpl, EVP_PKEY* key, const Provenance& provenance) {
  TESSERA_ASSIGN_OR_RETURN(KeyType type, KeyTypeOf(key));
  Object o = NewObject(ObjectClass::kPublicKey, type);
  TESSERA_RETURN_IF_ERROR(ApplyTemplate(o, tmpl, false, kPublicMaterial));
  TESSERA_RETURN_IF_ERROR(AddPublicKeyAttributes(o, key));
  o.KeepPublicKey(key);
  KeyDefaults(o, provenance);
  UsageDefaults(o, type);
  return o;
}

}  // namespace tessera::p11::soft
