// Keys, certificates and tokens for the SD-JWT tests: a P-256 issuer key
// with a self-signed certificate standing for the soft-token issuer's (the
// HSM signs in production, OpenSSL here), a device key for the cnf claim
// and the KB-JWT, the seven attributes issue 15 discloses, and a check of
// a JWS signature written with plain OpenSSL calls (not the library's).
#pragma once

#include <openssl/evp.h>

#include <string>
#include <vector>

#include "common/bytes.hpp"
#include "common/ossl.hpp"
#include "services/jose/sd_jwt.hpp"

namespace tessera::testing {

inline constexpr std::int64_t kNow = 1767225600;  // 2026-01-01T00:00:00Z

struct SdJwtFixture {
  SdJwtFixture();

  ossl::PkeyPtr issuer_key;
  ossl::PkeyPtr device_key;
  ossl::PkeyPtr other_key;  // neither the issuer's nor the device's
  Bytes issuer_cert;        // self-signed over issuer_key
  Bytes ca_cert;            // self-signed over other_key, the chain's second
  Bytes device_spki;

  jose::SdJwtClaims Claims() const;
  static jose::Disclosable Attributes();
  std::string Issue() const;  // all seven attributes disclosable
  jose::KeyBinding Binding(const EVP_PKEY& key) const;
  jose::SdJwtVerifyOptions Options() const;  // now kNow, aud and nonce set
  // A presentation of `issued` disclosing name and email, bound by the device.
  std::string Present(const std::string& issued) const;
};

jose::RandomFn OpenSslRandom();
Bytes SelfSignedCertificate(EVP_PKEY* key, const char* common_name);

// EVP_DigestVerify over "<header>.<payload>" of a compact ES256 JWS, the
// r || s signature turned to DER with ECDSA_SIG: no tessera_jose code.
bool Es256VerifiesWithOpenSsl(const std::string& jws, EVP_PKEY* key);

}  // namespace tessera::testing
