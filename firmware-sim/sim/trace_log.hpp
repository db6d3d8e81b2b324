// TraceLog: the optional APDU trace (--trace FILE), one line per event:
//
//   2026-11-21T10:00:00.123456Z 12345678 > 00a4040005a000000308
//   2026-11-21T10:00:00.123789Z 12345678 < 61119000
//   2026-11-21T10:00:01.000000Z 12345678 power-off
//
// The timestamp is UTC with microseconds, then the token's serial, then the
// event: ">" with a command, "<" with a response, "mute" when a command got
// no answer, or a control event (power-on, power-off, reset, atr, remove,
// insert, tear armed N). APDU economy is measured from this file, so every
// command the card receives appears. Each line is one append-mode write(),
// so lines are whole and on disk when the call returns. Thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string_view>

#include "common/bytes.hpp"
#include "common/unique_fd.hpp"
#include "firmware-sim/os/clock.hpp"

namespace tessera::sim {

class TraceLog {
 public:
  // A log that records nothing (no --trace).
  TraceLog() = default;
  // Appends to `path`, creating it (mode 0600) if needed.
  static Result<std::unique_ptr<TraceLog>> Open(const std::filesystem::path& path,
                                                const Clock& clock);

  bool enabled() const { return fd_.valid(); }
  void Command(std::uint32_t serial, ByteView apdu) { Write(serial, ">", ToHex(apdu)); }
  void Response(std::uint32_t serial, ByteView apdu) { Write(serial, "<", ToHex(apdu)); }
  void Event(std::uint32_t serial, std::string_view event) { Write(serial, event, {}); }

  // "2026-11-21T10:00:00.123456Z"
  static std::string Timestamp(Clock::TimePoint t);

 private:
  TraceLog(UniqueFd fd, const Clock& clock) : fd_(std::move(fd)), clock_(&clock) {}
  void Write(std::uint32_t serial, std::string_view event, std::string_view hex);

  std::mutex mu_;  // keeps lines in timestamp order across token threads
  UniqueFd fd_;
  const Clock* clock_ = nullptr;
};

}  // namespace tessera::sim
