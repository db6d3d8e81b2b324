// OpenSSL checks the PC/SC tests share: the public keys the tools print, and
// the raw r||s signatures of PKCS#11 CKM_ECDSA.
#pragma once

#include <openssl/evp.h>

#include <filesystem>

#include "common/bytes.hpp"
#include "common/ossl.hpp"
#include "common/status.hpp"

namespace tessera::testing {

// A PEM SubjectPublicKeyInfo file, such as `yubico-piv-tool -a generate -o`.
Result<ossl::PkeyPtr> ReadPublicKeyPem(const std::filesystem::path& path);
// A PEM certificate file.
Result<ossl::X509Ptr> ReadCertPem(const std::filesystem::path& path);
// Whether `rs` (r || s, PKCS#11 CKM_ECDSA) is `key`'s signature of `digest`.
bool VerifyRawEcdsa(EVP_PKEY* key, ByteView digest, ByteView rs);

}  // namespace tessera::testing
