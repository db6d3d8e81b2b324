// A JWS signer over an OpenSSL key, for the CMS and JOSE tests: what an officer's
// terminal or the HSM does, done in software. ES256/ES384 turn OpenSSL's
// DER signature into r || s (RFC 7518 §3.4); PS256 signs with PSS and a
// salt as long as the digest. The key must outlive the signer.
#pragma once

#include <openssl/evp.h>

#include "services/jose/jws.hpp"

namespace tessera::testing {

jose::JwsSigner JwsKeySigner(jose::JwsAlg alg, const EVP_PKEY& key);

}  // namespace tessera::testing
