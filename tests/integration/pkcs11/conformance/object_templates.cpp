#include "tests/integration/pkcs11/conformance/object_templates.hpp"

#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/x509.h>

#include "common/ossl.hpp"
#include "tests/integration/pkcs11/api_openssl.hpp"

namespace tessera::testing::conformance {
namespace {

Bytes NameDer(const X509_NAME* name) {
  unsigned char* der = nullptr;
  const int len = i2d_X509_NAME(name, &der);
  Bytes out(der, der + std::max(len, 0));
  OPENSSL_free(der);
  return out;
}

}  // namespace

Bytes DerOctetString(ByteView value) {
  Bytes out = {0x04};
  if (value.size() < 0x80) {
    out.push_back(static_cast<std::uint8_t>(value.size()));
  } else {
    out.push_back(0x81);
    out.push_back(static_cast<std::uint8_t>(value.size()));
  }
  Append(out, value);
  return out;
}

AttrList DataObject(const std::string& label, ByteView value) {
  AttrList t;
  t.Ulong(CKA_CLASS, CKO_DATA)
      .Text(CKA_LABEL, label)
      .Text(CKA_APPLICATION, "tessera conformance")
      .Value(CKA_VALUE, value);
  return t;
}

AttrList Certificate(ByteView der, ByteView id) {
  AttrList t;
  t.Ulong(CKA_CLASS, CKO_CERTIFICATE).Ulong(CKA_CERTIFICATE_TYPE, CKC_X_509).Value(CKA_VALUE, der);
  t.Value(CKA_ID, id);
  auto cert = ossl::CertFromDer(der);
  EXPECT_TRUE(cert.ok()) << "the test's certificate does not parse";
  if (!cert.ok()) return t;
  t.Value(CKA_SUBJECT, NameDer(X509_get_subject_name(cert->get())));
  t.Value(CKA_ISSUER, NameDer(X509_get_issuer_name(cert->get())));
  const ASN1_INTEGER* serial = X509_get0_serialNumber(cert->get());
  unsigned char* sder = nullptr;
  const int len = i2d_ASN1_INTEGER(serial, &sder);
  t.Value(CKA_SERIAL_NUMBER, Bytes(sder, sder + std::max(len, 0)));
  OPENSSL_free(sder);
  return t;
}

AttrList SecretKey(CK_KEY_TYPE key_type, ByteView value) {
  AttrList t;
  t.Ulong(CKA_CLASS, CKO_SECRET_KEY).Ulong(CKA_KEY_TYPE, key_type).Value(CKA_VALUE, value);
  return t;
}

AttrList RsaPublicKey(EVP_PKEY* key) {
  AttrList t;
  t.Ulong(CKA_CLASS, CKO_PUBLIC_KEY)
      .Ulong(CKA_KEY_TYPE, CKK_RSA)
      .Value(CKA_MODULUS, RsaPart(key, OSSL_PKEY_PARAM_RSA_N))
      .Value(CKA_PUBLIC_EXPONENT, RsaPart(key, OSSL_PKEY_PARAM_RSA_E));
  return t;
}

AttrList RsaPrivateKey(EVP_PKEY* key) {
  AttrList t;
  t.Ulong(CKA_CLASS, CKO_PRIVATE_KEY)
      .Ulong(CKA_KEY_TYPE, CKK_RSA)
      .Value(CKA_MODULUS, RsaPart(key, OSSL_PKEY_PARAM_RSA_N))
      .Value(CKA_PUBLIC_EXPONENT, RsaPart(key, OSSL_PKEY_PARAM_RSA_E))
      .Value(CKA_PRIVATE_EXPONENT, RsaPart(key, OSSL_PKEY_PARAM_RSA_D))
      .Value(CKA_PRIME_1, RsaPart(key, OSSL_PKEY_PARAM_RSA_FACTOR1))
      .Value(CKA_PRIME_2, RsaPart(key, OSSL_PKEY_PARAM_RSA_FACTOR2))
      .Value(CKA_EXPONENT_1, RsaPart(key, OSSL_PKEY_PARAM_RSA_EXPONENT1))
      .Value(CKA_EXPONENT_2, RsaPart(key, OSSL_PKEY_PARAM_RSA_EXPONENT2))
      .Value(CKA_COEFFICIENT, RsaPart(key, OSSL_PKEY_PARAM_RSA_COEFFICIENT1));
  return t;
}

AttrList EcPublicKey(EVP_PKEY* key, ByteView params) {
  AttrList t;
  t.Ulong(CKA_CLASS, CKO_PUBLIC_KEY)
      .Ulong(CKA_KEY_TYPE, CKK_EC)
      .Value(CKA_EC_PARAMS, params)
      .Value(CKA_EC_POINT, DerOctetString(EcPublicPoint(key)));
  return t;
}

AttrList EcPrivateKey(EVP_PKEY* key, ByteView params) {
  AttrList t;
  t.Ulong(CKA_CLASS, CKO_PRIVATE_KEY)
      .Ulong(CKA_KEY_TYPE, CKK_EC)
      .Value(CKA_EC_PARAMS, params)
      .Value(CKA_VALUE, EcPrivateScalar(key));
  return t;
}

}  // namespace tessera::testing::conformance
