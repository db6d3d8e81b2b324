// KeySpec: what key a generation request asks for, in the module's terms:
// its type and size (RSA modulus bits, public exponent) or its curve. The
// core reads it from the templates; a driver turns it into its own terms (a
// PIV algorithm byte, an OpenSSL key generation). A plain value.
#pragma once

#include <cstddef>
#include <optional>

#include "common/bytes.hpp"
#include "pkcs11/core/crypto/curve.hpp"
#include "pkcs11/model/attributes.hpp"

namespace tessera::p11 {

struct KeySpec {
  KeyType type = KeyType::kEc;
  std::size_t rsa_bits = 0;
  Bytes public_exponent = {0x01, 0x00, 0x01};  // big-endian, no leading zeros
  std::optional<crypto::Curve> curve;
};

}  // namespace tessera::p11
