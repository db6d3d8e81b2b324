#include "services/ca/x509_signing.hpp"

#include <openssl/evp.h>

#include "services/ca/der.hpp"

namespace tessera::ca {
namespace {

// A host key whose only use is to make OpenSSL write the right
// AlgorithmIdentifiers; its signature is thrown away.
Result<EVP_PKEY*> PlaceholderKey(hsm::SigningKeyType type) {
  static EVP_PKEY* const kEc = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  static EVP_PKEY* const kRsa = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{1024});
  EVP_PKEY* key = type == hsm::SigningKeyType::kRsa3072 ? kRsa : kEc;
  if (key == nullptr) return ossl::Error("making the placeholder signing key");
  return key;
}

const EVP_MD* Digest(hsm::SigningKeyType type) {
  return type == hsm::SigningKeyType::kP384 ? EVP_sha384() : EVP_sha256();
}

template <typename Fn>
Result<Bytes> Encode(Fn encode, const char* what) {
  unsigned char* out = nullptr;
  const int len = encode(&out);
  if (len <= 0) return ossl::Error(what);
  Bytes der(out, out + len);
  OPENSSL_free(out);
  return der;
}

}  // namespace

Result<ossl::X509Ptr> SignCertificate(X509* certificate, hsm::HsmSession& session,
                                      const hsm::SigningKey& key, EVP_PKEY* issuer_key) {
  TESSERA_ASSIGN_OR_RETURN(EVP_PKEY * placeholder, PlaceholderKey(key.type));
  if (X509_sign(certificate, placeholder, Digest(key.type)) <= 0) return ossl::Error("X509_sign");
  TESSERA_ASSIGN_OR_RETURN(
      Bytes tbs, Encode([&](unsigned char** out) { return i2d_re_X509_tbs(certificate, out); },
                        "i2d_re_X509_tbs"));
  TESSERA_ASSIGN_OR_RETURN(Bytes signature, hsm::SignForX509(session, key, tbs));
  const Bytes der = der::SignedObject(tbs, hsm::SignatureAlgorithmDer(key.type), signature);
  TESSERA_ASSIGN_OR_RETURN(ossl::X509Ptr signed_certificate, ossl::CertFromDer(der));
  if (X509_verify(signed_certificate.get(), issuer_key) != 1) {
    ossl::DrainErrors();
    return Status::Internal("the certificate signed by " + key.label + " on HSM token '" +
                            session.token_label() + "' does not verify with the issuer's key");
  }
  return signed_certificate;
}

Result<CrlPtr> SignCrl(X509_CRL* crl, hsm::HsmSession& session, const hsm::SigningKey& key,
                       EVP_PKEY* issuer_key) {
  TESSERA_ASSIGN_OR_RETURN(EVP_PKEY * placeholder, PlaceholderKey(key.type));
  if (X509_CRL_sign(crl, placeholder, Digest(key.type)) <= 0) return ossl::Error("X509_CRL_sign");
  TESSERA_ASSIGN_OR_RETURN(
      Bytes tbs, Encode([&](unsigned char** out) { return i2d_re_X509_CRL_tbs(crl, out); },
                        "i2d_re_X509_CRL_tbs"));
  TESSERA_ASSIGN_OR_RETURN(Bytes signature, hsm::SignForX509(session, key, tbs));
  const Bytes der = der::SignedObject(tbs, hsm::SignatureAlgorithmDer(key.type), signature);
  const unsigned char* p = der.data();
  CrlPtr signed_crl(d2i_X509_CRL(nullptr, &p, static_cast<long>(der.size())));
  if (!signed_crl) return ossl::Error("d2i_X509_CRL of the assembled CRL");
  if (X509_CRL_verify(signed_crl.get(), issuer_key) != 1) {
    ossl::DrainErrors();
    return Status::Internal("the CRL signed by " + key.label + " on HSM token '" +
                            session.token_label() + "' does not verify with the issuer's key");
  }
  return signed_crl;
}

Result<Bytes> CrlToDer(X509_CRL* crl) {
  return Encode([&](unsigned char** out) { return i2d_X509_CRL(crl, out); }, "i2d_X509_CRL");
}

}  // namespace tessera::ca
