// Factory state of the PIV applet: the parts Manufacture and RESET share
// (default PIN, PUK and management key, a fresh CHUID and CCC), the per-slot
// defaults for PIN and touch policies, and the attestation certificate made
// at manufacture. Functions draw randomness from the given Rng and only add
// writes to the caller's Transaction. Thread-compatible.
#pragma once

#include <cstdint>

#include "common/piv/piv_constants.hpp"
#include "firmware-sim/os/rng.hpp"
#include "firmware-sim/os/storage.hpp"

namespace tessera::sim::piv_applet {

// PIN 123456, PUK 12345678 with the given tries, both flagged default.
void PutDefaultPins(Transaction& txn, std::uint8_t pin_tries, std::uint8_t puk_tries);
// Default PIN/PUK (3/3), the default 3DES management key, a new CHUID and CCC.
void PutFactoryDefaults(Rng& rng, Transaction& txn);

// As yubico-piv-tool's set-chuid and set-ccc write them.
Bytes NewChuid(Rng& rng);
Bytes NewCcc(Rng& rng);

// YubiKey defaults for a key stored with policy "default": 9A once, 9C
// always, 9D once, 9E never, retired once; F9 and F0 never. Touch: never.
piv::PinPolicy ResolvePinPolicy(std::uint8_t slot, piv::PinPolicy requested);
piv::TouchPolicy ResolveTouchPolicy(piv::TouchPolicy requested);

}  // namespace tessera::sim::piv_applet
