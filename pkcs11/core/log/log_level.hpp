// Level: how much the module logs. Each level includes the ones before it:
// kError < kInfo < kDebug. A plain enum; names are for the log line.
#pragma once

#include <cstdint>

namespace tessera::p11::log {

enum class Level : std::uint8_t { kError, kInfo, kDebug };

// "ERROR", "INFO" or "DEBUG" (defined in log_line.cpp).
const char* LevelName(Level level);

}  // namespace tessera::p11::log
