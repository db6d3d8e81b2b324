// Checking a PIN or PUK against its stored reference data, the one way the
// PIN commands (VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER) do it.
//
// The rule (DESIGN.md, SP 800-73-4 Part 2 §3.2.1): refuse when no tries are
// left; otherwise decrement the counter and COMMIT, then compare in constant
// time. A mismatch leaves the decremented counter (63Cx); a match returns the
// record with its counter restored in memory, for the caller to commit along
// with whatever else the command changes. Thread-compatible.
#pragma once

#include <cstdint>

#include "common/bytes.hpp"
#include "firmware-sim/applets/piv/piv_context.hpp"
#include "firmware-sim/applets/piv/piv_records.hpp"

namespace tessera::sim::piv_applet {

// `reference` is 80 (PIN) or 81 (PUK); `candidate` is a padded 8-byte block.
Result<PinRecord> CheckReferenceData(PivContext& c, std::uint8_t reference, ByteView candidate);

// A new PIN or PUK (SP 800-73-4 Part 2 §2.4.3, YubiKey rule): 6 to 8 bytes,
// then only 0xFF padding up to 8 bytes; kInvalidArgument otherwise.
Status ValidateNewReferenceData(ByteView block);

}  // namespace tessera::sim::piv_applet
