#include "tests/integration/tools/client/test_certificates.hpp"

#include <openssl/ecdsa.h>
#include <openssl/pem.h>

#include <cstdio>

#include "common/ossl.hpp"

namespace tessera::testing {
namespace {

std::shared_ptr<EVP_PKEY> ReadKey(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) return nullptr;
  EVP_PKEY* key = PEM_read_PrivateKey(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  return std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free);
}

Bytes ReadCertDer(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) return {};
  ossl::X509Ptr cert(PEM_read_X509(f, nullptr, nullptr, nullptr));
  std::fclose(f);
  if (cert == nullptr) return {};
  auto der = ossl::CertToDer(cert.get());
  return der.ok() ? *der : Bytes{};
}

}  // namespace

Bytes SelfSignedFor(ByteView spki, const std::string& cn) {
  auto subject_key = ossl::PublicKeyFromDer(spki);
  ossl::PkeyPtr signer(EVP_EC_gen("P-256"));
  ossl::X509Ptr cert(X509_new());
  if (!subject_key.ok() || signer == nullptr || cert == nullptr) return {};
  X509_set_version(cert.get(), X509_VERSION_3);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 0x1234);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400);
  X509_set_pubkey(cert.get(), subject_key->get());
  if (X509_sign(cert.get(), signer.get(), EVP_sha256()) <= 0) return {};
  auto der = ossl::CertToDer(cert.get());
  return der.ok() ? *der : Bytes{};
}

Bytes RawToDerSignature(ByteView raw) {
  const std::size_t half = raw.size() / 2;
  ECDSA_SIG* sig = ECDSA_SIG_new();
  ECDSA_SIG_set0(sig, ossl::BnFromBytes(raw.first(half)).release(),
                 ossl::BnFromBytes(raw.subspan(half)).release());
  unsigned char* der = nullptr;
  const int n = i2d_ECDSA_SIG(sig, &der);
  ECDSA_SIG_free(sig);
  Bytes out(der, der + (n > 0 ? n : 0));
  OPENSSL_free(der);
  return out;
}

cli::ClientCertificate SoftwareClientCertificate(const std::string& cert_pem,
                                                 const std::string& key_pem,
                                                 std::shared_ptr<int> calls) {
  cli::ClientCertificate out;
  out.certificate_der = ReadCertDer(cert_pem);
  std::shared_ptr<EVP_PKEY> key = ReadKey(key_pem);
  if (key == nullptr) return out;
  auto spki = ossl::PublicKeyToDer(key.get());
  if (spki.ok()) out.public_key_spki = *spki;
  out.sign = [key, calls](std::string_view /*digest*/, ByteView hash) -> Result<Bytes> {
    ++*calls;
    // The digest is signed as it is (no hashing here), as C_Sign with CKM_ECDSA would.
    ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new(key.get(), nullptr));
    std::size_t length = 0;
    if (ctx == nullptr || EVP_PKEY_sign_init(ctx.get()) != 1 ||
        EVP_PKEY_sign(ctx.get(), nullptr, &length, hash.data(), hash.size()) != 1) {
      return ossl::Error("signing the handshake digest");
    }
    Bytes sig(length);
    if (EVP_PKEY_sign(ctx.get(), sig.data(), &length, hash.data(), hash.size()) != 1) {
      return ossl::Error("signing the handshake digest");
    }
    sig.resize(length);
    return sig;
  };
  return out;
}

}  // namespace tessera::testing
