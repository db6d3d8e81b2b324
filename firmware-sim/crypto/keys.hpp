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

#include "common/crypto/private_ops.hpp"
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

// The private-key operations GENERAL AUTHENTICATE runs (common/crypto/private_ops.hpp).
using crypto::DeriveShared;
using crypto::EcdsaSignDigest;
using crypto::Ed25519Sign;
using crypto::RsaPrivateRaw;

}  // namespace tessera::sim
