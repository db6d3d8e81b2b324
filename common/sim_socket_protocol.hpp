// The tessera-sim UNIX-socket protocol, shared by the simulator and its hosts
// (docs/sim-socket-protocol.md).
//
// The framing is vsmartcard vpcd's: every message is a 2-byte big-endian
// length and that many bytes of payload. A 1-byte payload is a control code;
// a longer one is an APDU. A zero-length reply means the card is mute
// (unpowered, or its power was cut during the command). Constants and pure
// functions only; thread-safe.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include "common/bytes.hpp"

namespace tessera::simsock {

// Control codes (vpcd's VPCD_CTRL_*). Only kGetAtr is answered.
inline constexpr std::uint8_t kPowerOff = 0;
inline constexpr std::uint8_t kPowerOn = 1;
inline constexpr std::uint8_t kReset = 2;
inline constexpr std::uint8_t kGetAtr = 4;

inline constexpr std::size_t kLengthBytes = 2;
// The 2-byte length caps every payload, commands and responses alike.
inline constexpr std::size_t kMaxPayload = 0xFFFF;

// RUNDIR/<serial>.sock serves one token; RUNDIR/tessera-sim.ctl controls them.
inline constexpr std::string_view kTokenSocketSuffix = ".sock";
inline constexpr std::string_view kControlSocketName = "tessera-sim.ctl";

// Precondition: payload.size() <= kMaxPayload.
inline Bytes EncodeFrame(ByteView payload) {
  Bytes out;
  out.reserve(kLengthBytes + payload.size());
  PutU16(out, static_cast<std::uint16_t>(payload.size()));
  Append(out, payload);
  return out;
}

inline std::filesystem::path TokenSocketPath(const std::filesystem::path& run_dir,
                                             std::uint32_t serial) {
  return run_dir / (std::to_string(serial) + std::string(kTokenSocketSuffix));
}

// $XDG_RUNTIME_DIR/tessera, or /tmp/tessera-$UID when XDG_RUNTIME_DIR is unset.
inline std::filesystem::path DefaultRunDir() {
  const char* xdg = std::getenv("XDG_RUNTIME_DIR");  // NOLINT(concurrency-mt-unsafe)
  if (xdg != nullptr && *xdg != '\0') return std::filesystem::path(xdg) / "tessera";
  return std::filesystem::path("/tmp") / ("tessera-" + std::to_string(::getuid()));
}

}  // namespace tessera::simsock
