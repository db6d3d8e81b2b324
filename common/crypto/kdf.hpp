// Key derivation functions shared by the token and its hosts:
// - HKDF (RFC 5869), for the on-token secret-key derivations (docs/piv-applet.md
//   "Secret keys") and PKCS#11 3.0 CKM_HKDF_DERIVE;
// - the ANSI X9.63 KDF (SEC 1 v2 §3.6.1), which PKCS#11 names CKD_SHA*_KDF
//   and CKM_ECDH_AES_KEY_WRAP uses over the ECDH shared secret.
// Outputs are keys and live in SecureBytes. Stateless; thread-safe.
#pragma once

#include <cstddef>

#include "common/bytes.hpp"
#include "common/crypto/hash.hpp"
#include "common/secure_bytes.hpp"
#include "common/status.hpp"

namespace tessera::crypto {

// RFC 5869 §2.2: PRK = HMAC-Hash(salt, IKM). An empty salt means HashSize
// zero bytes, as the RFC says.
[[nodiscard]] Result<SecureBytes> HkdfExtract(Hash hash, ByteView salt, ByteView ikm);
// RFC 5869 §2.3: OKM of `length` bytes; kInvalidArgument when `length` is 0
// or more than 255 * HashSize(hash), or `prk` is shorter than HashSize(hash).
[[nodiscard]] Result<SecureBytes> HkdfExpand(Hash hash, ByteView prk, ByteView info,
                                             std::size_t length);
// Extract, then expand.
[[nodiscard]] Result<SecureBytes> Hkdf(Hash hash, ByteView ikm, ByteView salt, ByteView info,
                                       std::size_t length);

// SEC 1 v2 §3.6.1 / ANSI X9.63: Hash(Z || counter32 || SharedInfo) for
// counter = 1, 2, ... concatenated and cut to `length` bytes (1 to 1024).
[[nodiscard]] Result<SecureBytes> X963Kdf(Hash hash, ByteView shared_secret, ByteView shared_info,
                                          std::size_t length);

}  // namespace tessera::crypto
