#include "pkcs11/model/key_attributes.hpp"

#include "common/ossl.hpp"
#include "pkcs11/core/crypto/key_codec.hpp"

namespace tessera::p11 {
namespace {

Result<Bytes> NameDer(const X509_NAME* name) {
  unsigned char* out = nullptr;
  int len = i2d_X509_NAME(name, &out);
  if (len < 0) return ossl::Error("encoding a certificate name");
  Bytes der(out, out + len);
  OPENSSL_free(out);
  return der;
}

}  // namespace

Result<KeyType> KeyTypeOf(EVP_PKEY* key) {
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA: return KeyType::kRsa;
    case EVP_PKEY_EC: return KeyType::kEc;
    case EVP_PKEY_ED25519: return KeyType::kEcEdwards;
    case EVP_PKEY_X25519: return KeyType::kEcMontgomery;
    default: return Status::InvalidArgument("a key type PKCS#11 tokens here do not hold");
  }
}

Status AddPublicKeyAttributes(Object& object, EVP_PKEY* key) {
  TESSERA_ASSIGN_OR_RETURN(KeyType type, KeyTypeOf(key));
  object.Set(Attr::kKeyType, UlongValue(static_cast<unsigned long>(type)));
  TESSERA_ASSIGN_OR_RETURN(Bytes spki, ossl::PublicKeyToDer(key));
  object.Set(Attr::kPublicKeyInfo, std::move(spki));
  if (type == KeyType::kRsa) {
    TESSERA_ASSIGN_OR_RETURN(crypto::RsaPublicParts parts, crypto::RsaPublic(key));
    object.Set(Attr::kModulus, std::move(parts.modulus));
    object.Set(Attr::kPublicExponent, std::move(parts.public_exponent));
    object.Set(Attr::kModulusBits, UlongValue(crypto::RsaModulusBits(key)));
    return Status::Ok();
  }
  TESSERA_ASSIGN_OR_RETURN(Bytes params, crypto::EcParamsDer(key));
  TESSERA_ASSIGN_OR_RETURN(Bytes point, crypto::EcPointDer(key));
  object.Set(Attr::kEcParams, std::move(params));
  object.Set(Attr::kEcPoint, std::move(point));
  return Status::Ok();
}

Status AddCertificateAttributes(Object& object, ByteView der, ossl::PkeyPtr* public_key) {
  TESSERA_ASSIGN_OR_RETURN(ossl::X509Ptr cert, ossl::CertFromDer(der));
  object.Set(Attr::kCertificateType, UlongValue(kCertX509));
  object.Set(Attr::kValue, Bytes(der.begin(), der.end()));
  TESSERA_ASSIGN_OR_RETURN(Bytes subject, NameDer(X509_get_subject_name(cert.get())));
  TESSERA_ASSIGN_OR_RETURN(Bytes issuer, NameDer(X509_get_issuer_name(cert.get())));
  object.Set(Attr::kSubject, std::move(subject));
  object.Set(Attr::kIssuer, std::move(issuer));
  unsigned char* serial = nullptr;
  int len = i2d_ASN1_INTEGER(X509_get0_serialNumber(cert.get()), &serial);
  if (len < 0) return ossl::Error("encoding a certificate serial number");
  object.Set(Attr::kSerialNumber, Bytes(serial, serial + len));
  OPENSSL_free(serial);
  ossl::PkeyPtr key(X509_get_pubkey(cert.get()));
  if (key == nullptr) return ossl::Error("reading a certificate's public key");
  TESSERA_ASSIGN_OR_RETURN(Bytes spki, ossl::PublicKeyToDer(key.get()));
  object.Set(Attr::kPublicKeyInfo, std::move(spki));
  if (public_key != nullptr) *public_key = std::move(key);
  return Status::Ok();
}

Result<Bytes> CertificateSubject(ByteView der) {
  TESSERA_ASSIGN_OR_RETURN(ossl::X509Ptr cert, ossl::CertFromDer(der));
  return NameDer(X509_get_subject_name(cert.get()));
}

}  // namespace tessera::p11
