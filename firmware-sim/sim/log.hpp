// Diagnostics of the simulator process on stderr, one "tessera-sim: ..." line
// per call, written with a single write() so lines from token threads do not
// interleave. Never carries secrets (no APDU data: that is the trace's job).
// Thread-safe.
#pragma once

#include <string_view>

namespace tessera::sim {

void LogLine(std::string_view message);

}  // namespace tessera::sim
