// Test helpers for common/crypto: a Result's bytes as lower-case hex, or its
// Status as text, so a failing EXPECT_EQ shows either the wrong bytes or why
// there were none. Header-only; thread-safe.
#pragma once

#include <string>

#include "common/bytes.hpp"
#include "common/secure_bytes.hpp"
#include "common/status.hpp"

namespace tessera::crypto::testutil {

inline std::string Hex(const Result<Bytes>& r) {
  return r.ok() ? ToHex(*r) : "error: " + r.status().ToString();
}
inline std::string Hex(const Result<SecureBytes>& r) {
  return r.ok() ? ToHex(r->view()) : "error: " + r.status().ToString();
}

template <typename T>
Code CodeOf(const Result<T>& r) {
  return r.status().code();
}

}  // namespace tessera::crypto::testutil
