#include "tests/hil/pcsc/openssl_checks.hpp"

#include <openssl/ec.h>
#include <openssl/pem.h>

#include <fstream>
#include <sstream>

namespace tessera::testing {
namespace {

std::string Slurp(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

Result<ossl::PkeyPtr> ReadPublicKeyPem(const std::filesystem::path& path) {
  std::string pem = Slurp(path);
  ossl::BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  ossl::PkeyPtr key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (key == nullptr) return Status::InvalidArgument("not a public key PEM: " + pem);
  return key;
}

Result<ossl::X509Ptr> ReadCertPem(const std::filesystem::path& path) {
  std::string pem = Slurp(path);
  ossl::BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  ossl::X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (cert == nullptr) return Status::InvalidArgument("not a certificate PEM: " + pem);
  return cert;
}

bool VerifyRawEcdsa(EVP_PKEY* key, ByteView digest, ByteView rs) {
  const std::size_t half = rs.size() / 2;
  ECDSA_SIG* sig = ECDSA_SIG_new();
  if (sig == nullptr) return false;
  ECDSA_SIG_set0(sig, BN_bin2bn(rs.data(), static_cast<int>(half), nullptr),
                 BN_bin2bn(rs.data() + half, static_cast<int>(half), nullptr));
  unsigned char* der = nullptr;
  const int der_len = i2d_ECDSA_SIG(sig, &der);
  ECDSA_SIG_free(sig);
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new(key, nullptr));
  const bool ok = der_len > 0 && ctx != nullptr && EVP_PKEY_verify_init(ctx.get()) == 1 &&
                  EVP_PKEY_verify(ctx.get(), der, static_cast<std::size_t>(der_len), digest.data(),
                                  digest.size()) == 1;
  OPENSSL_free(der);
  return ok;
}

}  // namespace tessera::testing
