// Asymmetric keys in PIV slots: which references hold them, generating one
// from the token's Rng with the right latency, and turning a stored record
// back into an OpenSSL key. Thread-compatible.
#pragma once

#include <cstdint>

#include "common/ossl.hpp"
#include "firmware-sim/applets/piv/piv_context.hpp"
#include "firmware-sim/applets/piv/piv_records.hpp"

namespace tessera::sim::piv_applet {

// Slots GENERATE, IMPORT and GENERAL AUTHENTICATE accept: 9A, 9C, 9D, 9E and
// the retired 82..95. F9 and F0 are the token's own keys and refused there.
bool IsUserSlot(std::uint8_t slot);
// Slots GET METADATA and ATTEST describe: the user slots plus F9 and F0.
bool IsDescribableSlot(std::uint8_t slot);

// RSA 1024..4096, P-256, P-384, Ed25519, X25519.
bool IsAsymmetricAlgorithm(piv::Algorithm alg);

// Generates a key for `alg` from the token Rng, charging generation latency.
Result<ossl::PkeyPtr> GenerateSlotKey(PivContext& c, piv::Algorithm alg);
// A record for `key` with policies resolved for `slot`.
Result<KeyRecord> MakeKeyRecord(EVP_PKEY* key, std::uint8_t slot, piv::PinPolicy pin,
                                piv::TouchPolicy touch, piv::KeyOrigin origin);
Result<ossl::PkeyPtr> PrivateKeyOf(const KeyRecord& record);

// Parses one YubiKey policy byte (0..3) from AA/AB.
Result<piv::PinPolicy> ParsePinPolicy(ByteView value);
Result<piv::TouchPolicy> ParseTouchPolicy(ByteView value);

}  // namespace tessera::sim::piv_applet
