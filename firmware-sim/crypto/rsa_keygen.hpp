// Private to firmware-sim/crypto: deterministic RSA key generation. Every
// random bit comes from the caller's Rng, so a SeededRng reproduces the key.
// Thread-safe as long as the Rng is not shared.
#pragma once

#include <cstddef>

#include "common/ossl.hpp"
#include "firmware-sim/os/rng.hpp"

namespace tessera::sim::internal {

// An RSA key of exactly `bits` bits (a multiple of 16, at least 1024) with
// e = 65537, built as FIPS 186-4 §B.3.3 asks of its primes: each p, q has
// bits/2 bits with the top two set, gcd(p-1, e) = 1, |p - q| > 2^(bits/2 -
// 100), and d > 2^(bits/2).
Result<ossl::PkeyPtr> GenerateRsaKey(std::size_t bits, Rng& rng);

}  // namespace tessera::sim::internal
