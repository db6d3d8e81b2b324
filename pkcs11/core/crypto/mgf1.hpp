// MGF1, the mask generation function of RSA-PSS and RSA-OAEP (RFC 8017 §B.2.1).
// The mask is secret whenever its seed is (OAEP), so it comes back as
// SecureBytes. Stateless and thread-safe.
#pragma once

#include <cstddef>

#include "common/secure_bytes.hpp"
#include "pkcs11/core/crypto/hash.hpp"

namespace tessera::p11::crypto {

// `length` bytes of Hash(seed || C) for C = 0, 1, ... (big-endian 32-bit).
[[nodiscard]] Result<SecureBytes> Mgf1(Hash hash, ByteView seed, std::size_t length);

// dst[i] ^= mask[i] for i < dst.size(). Precondition: mask.size() >= dst.size().
void XorInto(std::span<std::uint8_t> dst, ByteView mask);

}  // namespace tessera::p11::crypto
