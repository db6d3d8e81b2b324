// Asymmetric keys inside the token: generation from the token's Rng, IMPORT
// KEY decoding, and the private-key operations GENERAL AUTHENTICATE needs.
// The public-key wire encoding both sides share is common/piv/public_key.hpp.
//
// Generation draws every secret from the given Rng, so a SeededRng gives the
// same keys on every run (RSA primes are searched from Rng-drawn starting
// points; EC scalars and 25519 keys are Rng bytes). All functions are
// thread-safe; keys are not shared between threads.
#pragma once

#include <vector>

#include "common/ossl.hpp"
#include "common/piv/piv_constants.hpp"
#include "common/piv/public_key.hpp"
#include "common/secure_bytes.hpp"
#include "common/tlv.hpp"
#include "firmware-sim/os/rng.hpp"

namespace tessera::sim {

Result<ossl::PkeyPtr> GenerateKey(piv::Algorithm alg, Rng& rng);

// A private key from YubiKey IMPORT KEY (INS FE) data: RSA 01 p, 02 q, 03 dP,
// 04 dQ, 05 qInv; EC 06 scalar; Ed25519 07; X25519 08. Tags AA/AB (policies)
// are ignored here.
Result<ossl::PkeyPtr> ImportPivKey(piv::Algorithm alg, const std::vector<Tlv>& fields);

// Private keys at rest: PKCS#8 DER in a zeroizing buffer.
Result<SecureBytes> SerializePrivateKey(EVP_PKEY* key);
Result<ossl::PkeyPtr> DeserializePrivateKey(ByteView der);

// Raw RSA private operation (no padding) on a block exactly the modulus size
// and numerically below the modulus; kInvalidArgument otherwise.
Result<SecureBytes> RsaPrivateRaw(EVP_PKEY* key, ByteView block);
// ECDSA over a precomputed hash. As PIV specifies, a hash longer than the
// field is truncated to its leftmost bytes and a shorter one is used as is.
// Returns the DER Ecdsa-Sig-Value.
Result<Bytes> EcdsaSignDigest(EVP_PKEY* key, ByteView digest);
// Ed25519 (pure) signature of `message`: 64 bytes.
Result<Bytes> Ed25519Sign(EVP_PKEY* key, ByteView message);
// ECDH on P-256/P-384 (peer: uncompressed point, result: x coordinate) or
// X25519 (peer and result: 32 bytes).
Result<SecureBytes> DeriveShared(EVP_PKEY* key, ByteView peer_public);

}  // namespace tessera::sim
