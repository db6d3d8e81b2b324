// The host's one table from ISO 7816-4 status words to Status, the mirror of
// firmware-sim/os/sw_map.cpp. Card clients turn every non-9000 answer into a
// Status here, so callers (the PKCS#11 driver) see one error vocabulary.
#pragma once

#include <cstdint>

#include "common/status.hpp"

namespace tessera::host {

// 9000 -> OK; 63Cx -> PinIncorrect(x); 6983 -> AuthBlocked; 6982 ->
// SecurityStatus; 6A82 -> NotFound; 6A88 -> ReferenceNotFound; ...; words
// with no closer meaning -> IoError naming the word. `what` prefixes the
// message ("VERIFY").
Status SwToStatus(std::uint16_t sw, const char* what);

}  // namespace tessera::host
