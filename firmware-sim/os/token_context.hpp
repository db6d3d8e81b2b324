// TokenContext: what an applet may use of its token. The token owns every
// member; applets borrow them for the token's lifetime and are driven under
// the token's lock.
#pragma once

#include <cstdint>

#include "common/bytes.hpp"
#include "firmware-sim/os/clock.hpp"
#include "firmware-sim/os/latency.hpp"
#include "firmware-sim/os/rng.hpp"
#include "firmware-sim/os/storage.hpp"

namespace tessera::sim {

// Firmware version reported by GET VERSION (YubiKey INS FD). 5.7 is the
// YubiKey release that added RSA 3072/4096 and Ed25519/X25519, so tools that
// gate features on the version enable them.
inline constexpr std::uint8_t kFirmwareVersion[3] = {5, 7, 2};

struct TokenContext {
  Storage* storage = nullptr;
  Rng* rng = nullptr;
  Clock* clock = nullptr;
  const LatencyModel* latency = nullptr;
  std::uint32_t serial = 0;
  Bytes uid;  // 16 bytes, set at manufacture, never changes
};

}  // namespace tessera::sim
