#include "tests/fuzz/pkcs11_fuzz_blobs.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <cstdlib>
#include <string>

namespace tessera::fuzz {
namespace {

FuzzBytes Hex(const std::string& hex) {
  FuzzBytes out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<std::uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

EVP_PKEY* KeyOrDie(EVP_PKEY* key) {
  if (key == nullptr) std::abort();
  return key;
}

FuzzBytes BnParam(EVP_PKEY* key, const char* name, std::size_t width = 0) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) std::abort();
  FuzzBytes out(width == 0 ? static_cast<std::size_t>(BN_num_bytes(bn)) : width);
  if (BN_bn2binpad(bn, out.data(), static_cast<int>(out.size())) < 0) std::abort();
  BN_clear_free(bn);
  return out;
}

FuzzBytes PublicPoint(EVP_PKEY* key) {
  FuzzBytes out(200);
  std::size_t len = 0;
  if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, out.data(), out.size(), &len) !=
      1) {
    std::abort();
  }
  out.resize(len);
  return out;
}

FuzzBytes SelfSigned(EVP_PKEY* key) {
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 7);
  X509_gmtime_adj(X509_getm_notBefore(cert), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert), 86400);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("fuzz"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  X509_set_pubkey(cert, key);
  if (X509_sign(cert, key, EVP_sha256()) <= 0) std::abort();
  unsigned char* der = nullptr;
  const int len = i2d_X509(cert, &der);
  if (len <= 0) std::abort();
  FuzzBytes out(der, der + len);
  OPENSSL_free(der);
  X509_free(cert);
  return out;
}

Blobs Make() {
  Blobs b;
  EVP_PKEY* ec = KeyOrDie(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  EVP_PKEY* p384 = KeyOrDie(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"));
  EVP_PKEY* x25519 = KeyOrDie(EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519"));
  EVP_PKEY* ed = KeyOrDie(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  EVP_PKEY* rsa =
      KeyOrDie(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(1024)));
  b.cert_der = SelfSigned(ec);
  b.ec_scalar = BnParam(ec, OSSL_PKEY_PARAM_PRIV_KEY, 32);
  b.ed25519_private.resize(32);
  std::size_t len = b.ed25519_private.size();
  if (EVP_PKEY_get_raw_private_key(ed, b.ed25519_private.data(), &len) != 1) std::abort();
  for (const char* part :
       {OSSL_PKEY_PARAM_RSA_N, OSSL_PKEY_PARAM_RSA_E, OSSL_PKEY_PARAM_RSA_D,
        OSSL_PKEY_PARAM_RSA_FACTOR1, OSSL_PKEY_PARAM_RSA_FACTOR2, OSSL_PKEY_PARAM_RSA_EXPONENT1,
        OSSL_PKEY_PARAM_RSA_EXPONENT2, OSSL_PKEY_PARAM_RSA_COEFFICIENT1}) {
    b.rsa_parts.push_back(BnParam(rsa, part));
  }
  b.curves = {Hex("06082A8648CE3D030107"),
              Hex("06052B81040022"),
              Hex("06032B6570"),
              Hex("06032B656E"),
              Hex("130c656477617264733235353139"),  // PrintableString "edwards25519"
              Hex("130a63757276653235353139"),      // PrintableString "curve25519"
              Hex("06052B8104000A"),
              Hex("0608"),
              Hex("130a")};
  const FuzzBytes p256 = PublicPoint(ec);
  FuzzBytes wrapped{0x04, static_cast<std::uint8_t>(p256.size())};
  wrapped.insert(wrapped.end(), p256.begin(), p256.end());
  FuzzBytes off_curve = p256;
  off_curve.back() ^= 1;
  b.points = {p256,
              wrapped,
              PublicPoint(p384),
              PublicPoint(x25519),
              off_curve,
              FuzzBytes(65, 0x04),
              FuzzBytes{0x04, 0x41}};
  for (EVP_PKEY* k : {ec, p384, x25519, ed, rsa}) EVP_PKEY_free(k);
  return b;
}

}  // namespace

FuzzBytes Blobs::Pick(std::uint8_t i) const {
  switch (i % 6) {
    case 0: return cert_der;
    case 1: return ec_scalar;
    case 2: return ed25519_private;
    case 3: return rsa_parts[(i / 6) % rsa_parts.size()];
    case 4: return Curve(i / 6);
    default: return Point(i / 6);
  }
}

const Blobs& TheBlobs() {
  static const Blobs* blobs = new Blobs(Make());
  return *blobs;
}

}  // namespace tessera::fuzz
