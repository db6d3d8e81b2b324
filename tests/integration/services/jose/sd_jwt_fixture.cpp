#include "tests/integration/services/jose/sd_jwt_fixture.hpp"

#include <openssl/ecdsa.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "tests/integration/services/jose/jws_key_signer.hpp"

namespace tessera::testing {
namespace {

ossl::PkeyPtr P256() { return ossl::PkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")); }

// RFC 4648 §5 without padding, decoded with OpenSSL's base64 after the
// alphabet swap.
Bytes B64UrlDecode(std::string text) {
  for (char& c : text) c = c == '-' ? '+' : c == '_' ? '/' : c;
  while (text.size() % 4 != 0) text.push_back('=');
  Bytes out(text.size());
  const int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return {};
  const std::size_t pad = text.size() - text.find_last_not_of('=') - 1;
  out.resize(static_cast<std::size_t>(n) - pad);
  return out;
}

}  // namespace

jose::RandomFn OpenSslRandom() {
  return [](std::size_t n) -> Result<Bytes> {
    Bytes out(n);
    if (RAND_bytes(out.data(), static_cast<int>(n)) != 1) return Status::Internal("RAND_bytes");
    return out;
  };
}

Bytes SelfSignedCertificate(EVP_PKEY* key, const char* common_name) {
  ossl::X509Ptr cert(X509_new());
  X509_set_version(cert.get(), X509_VERSION_3);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600L * 24 * 365 * 20);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509_set_pubkey(cert.get(), key);
  X509_sign(cert.get(), key, EVP_sha256());
  return ossl::CertToDer(cert.get()).value();
}

bool Es256VerifiesWithOpenSsl(const std::string& jws, EVP_PKEY* key) {
  const std::size_t dot = jws.rfind('.');
  const Bytes rs = B64UrlDecode(jws.substr(dot + 1));
  if (rs.size() != 64) return false;
  ECDSA_SIG* sig = ECDSA_SIG_new();
  ECDSA_SIG_set0(sig, BN_bin2bn(rs.data(), 32, nullptr), BN_bin2bn(rs.data() + 32, 32, nullptr));
  unsigned char* der = nullptr;
  const int der_len = i2d_ECDSA_SIG(sig, &der);
  ECDSA_SIG_free(sig);
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  const bool ok = EVP_DigestVerifyInit(md, nullptr, EVP_sha256(), nullptr, key) == 1 &&
                  EVP_DigestVerify(md, der, static_cast<std::size_t>(der_len),
                                   reinterpret_cast<const unsigned char*>(jws.data()), dot) == 1;
  EVP_MD_CTX_free(md);
  OPENSSL_free(der);
  return ok;
}

SdJwtFixture::SdJwtFixture() : issuer_key(P256()), device_key(P256()), other_key(P256()) {
  issuer_cert = SelfSignedCertificate(issuer_key.get(), "Tessera soft-token issuer");
  ca_cert = SelfSignedCertificate(other_key.get(), "Tessera test CA");
  device_spki = ossl::PublicKeyToDer(device_key.get()).value();
}

jose::SdJwtClaims SdJwtFixture::Claims() const {
  jose::SdJwtClaims c;
  c.iss = "https://tessera.example/softtoken";
  c.iat = kNow;
  c.exp = kNow + 86400;
  c.vct = std::string(jose::kSoftTokenVct);
  c.cnf_spki = device_spki;
  c.status = jose::StatusReference{42, "https://tessera.example/softtoken/v1/status/default"};
  return c;
}

jose::Disclosable SdJwtFixture::Attributes() {
  return {{"user_id", "jdoe"},
          {"name", "Jane Doe"},
          {"organization", "Example Ministry"},
          {"email", "jane.doe@example.org"},
          {"document", "X1234567"},
          {"subject", "CN=Jane Doe,O=Example Ministry"},
          {"card_serial", 12345678}};
}

std::string SdJwtFixture::Issue() const {
  auto issued = jose::IssueSdJwt(Claims(), Attributes(), {issuer_cert, ca_cert},
                                 JwsKeySigner(jose::JwsAlg::kEs256, *issuer_key), OpenSslRandom());
  return issued.ok() ? *issued : "issue failed: " + issued.status().ToString();
}

jose::KeyBinding SdJwtFixture::Binding(const EVP_PKEY& key) const {
  return {"https://rp.example", "n-0S6_WzA2Mj", kNow, JwsKeySigner(jose::JwsAlg::kEs256, key)};
}

jose::SdJwtVerifyOptions SdJwtFixture::Options() const {
  jose::SdJwtVerifyOptions o;
  o.now = kNow + 10;
  o.expected_aud = "https://rp.example";
  o.expected_nonce = "n-0S6_WzA2Mj";
  return o;
}

std::string SdJwtFixture::Present(const std::string& issued) const {
  auto p = jose::PresentSdJwt(issued, {"name", "email"}, Binding(*device_key));
  return p.ok() ? *p : "present failed: " + p.status().ToString();
}

}  // namespace tessera::testing
