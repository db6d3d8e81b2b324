// Internal to core/crypto: the few OpenSSL 3 provider-API steps that key
// assembly repeats (OSSL_PARAM builders, BIGNUM parameters, secure BIGNUMs).
// Stateless and thread-safe. BIGNUMs that hold secrets come from the secure
// heap, flagged constant-time, and are cleared on free.
#pragma once

#include "common/ossl.hpp"

namespace tessera::p11::crypto {

// A secure-heap, BN_FLG_CONSTTIME BIGNUM holding big-endian `bytes` (0 if empty).
[[nodiscard]] Result<ossl::BnPtr> SecretBn(ByteView bytes);
// A numeric key parameter (OSSL_PKEY_PARAM_RSA_N, ...).
[[nodiscard]] Result<ossl::BnPtr> GetBnParam(EVP_PKEY* key, const char* name);
// EVP_PKEY_fromdata over `bld`; `selection` is EVP_PKEY_KEYPAIR or
// EVP_PKEY_PUBLIC_KEY, `type` "RSA" or "EC".
[[nodiscard]] Result<ossl::PkeyPtr> PkeyFromParams(const char* type, int selection,
                                                   OSSL_PARAM_BLD* bld);

}  // namespace tessera::p11::crypto
