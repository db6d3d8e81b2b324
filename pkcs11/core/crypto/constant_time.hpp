// Internal to core/crypto: branch-free helpers for padding checks on secret
// data (RSA decryption), so that which check failed, and where, does not show
// in timing (RFC 8017 §7.1.2 note, Manger's and Bleichenbacher's attacks).
// A mask is all ones (true) or all zeros (false). Pure functions.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tessera::p11::crypto::ct {

using Mask = std::uint32_t;

inline Mask Msb(Mask a) { return Mask{0} - (a >> 31); }
inline Mask IsZero(Mask a) { return Msb(~a & (a - 1)); }
inline Mask Eq(Mask a, Mask b) { return IsZero(a ^ b); }
// a < b for a, b < 2^31.
inline Mask Lt(Mask a, Mask b) { return Msb(a - b); }
inline Mask Select(Mask mask, Mask a, Mask b) { return (mask & a) | (~mask & b); }

inline Mask Size(std::size_t n) { return static_cast<Mask>(n); }

}  // namespace tessera::p11::crypto::ct
