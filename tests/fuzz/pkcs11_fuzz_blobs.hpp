// Valid values the PKCS#11 API fuzzer mixes into its templates and
// mechanism parameters, so that inputs reach past the first checks: a
// certificate, EC, Ed25519 and RSA private keys in their PKCS#11 encodings,
// curve parameters, and peer public points for ECDH. Made once with
// OpenSSL (fixed for the process) and never changed.
#pragma once

#include <p11-kit/pkcs11.h>

#include <array>
#include <cstdint>
#include <vector>

namespace tessera::fuzz {

using FuzzBytes = std::vector<std::uint8_t>;

struct Blobs {
  static constexpr std::array<CK_ATTRIBUTE_TYPE, 8> kRsaPartTypes = {
      CKA_MODULUS, CKA_PUBLIC_EXPONENT, CKA_PRIVATE_EXPONENT, CKA_PRIME_1,
      CKA_PRIME_2, CKA_EXPONENT_1,      CKA_EXPONENT_2,       CKA_COEFFICIENT};

  FuzzBytes cert_der;                // self-signed, for the P-256 key
  FuzzBytes ec_scalar;               // P-256 private key, 32 bytes
  FuzzBytes ed25519_private;         // 32 bytes
  std::vector<FuzzBytes> rsa_parts;  // RSA-1024, in kRsaPartTypes order
  std::vector<FuzzBytes> curves;     // CKA_EC_PARAMS values, good and bad
  std::vector<FuzzBytes> points;     // ECDH peer points, good and bad

  FuzzBytes Curve(std::uint8_t i) const { return curves[i % curves.size()]; }
  FuzzBytes Point(std::uint8_t i) const { return points[i % points.size()]; }
  // Any of the above.
  FuzzBytes Pick(std::uint8_t i) const;
};

const Blobs& TheBlobs();

}  // namespace tessera::fuzz
