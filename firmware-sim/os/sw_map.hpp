// The one table from Status to ISO 7816-4 status words (§5.6) on the token.
#pragma once

#include <cstdint>

#include "common/status.hpp"
#include "common/status_words.hpp"

namespace tessera::sim {

// 9000 for OK; kPinIncorrect gives 63Cx with x = tries left (capped at 15).
// kPowerLost has no word: the card answers nothing. It maps to 6F00 here for
// completeness; the card OS never sends it.
std::uint16_t StatusToSw(const Status& status);

// The names live in common/status_words.hpp, shared with the host.
namespace sw = tessera::sw;

}  // namespace tessera::sim
