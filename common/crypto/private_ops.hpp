// The raw private-key operations a PIV card's GENERAL AUTHENTICATE performs
// (SP 800-73-4 Part 2 §3.2.4): raw RSA, ECDSA over a digest, Ed25519 and key
// agreement. The token runs them for its slots; the PKCS#11 module runs the
// same ones on the host for session keys, with the same paddings around them.
// Thread-safe; keys are borrowed, and each thread keeps a few initialized
// contexts for the keys it used last (they hold a reference to their key).
#pragma once

#include <openssl/evp.h>

#include "common/bytes.hpp"
#include "common/secure_bytes.hpp"
#include "common/status.hpp"

namespace tessera::crypto {

// Raw RSA private operation (no padding) on a block exactly the modulus size
// and numerically below the modulus; kInvalidArgument otherwise.
[[nodiscard]] Result<SecureBytes> RsaPrivateRaw(EVP_PKEY* key, ByteView block);
// ECDSA over a precomputed hash. As PIV specifies, a hash longer than the
// field is truncated to its leftmost bytes and a shorter one is used as is.
// Returns the DER Ecdsa-Sig-Value.
[[nodiscard]] Result<Bytes> EcdsaSignDigest(EVP_PKEY* key, ByteView digest);
// Ed25519 (pure) signature of `message`: 64 bytes.
[[nodiscard]] Result<Bytes> Ed25519Sign(EVP_PKEY* key, ByteView message);
// ECDH on P-256/P-384 (peer: uncompressed point, result: x coordinate) or
// X25519 (peer and result: 32 bytes).
[[nodiscard]] Result<SecureBytes> DeriveShared(EVP_PKEY* key, ByteView peer_public);

}  // namespace tessera::crypto
