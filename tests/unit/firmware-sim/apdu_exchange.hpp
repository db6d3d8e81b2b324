// ExchangeWhole: sends one command to a simulated card as the host's
// ApduChannel would, chained when long (ISO 7816-4 §5.4.1) and with GET
// RESPONSE until the answer is whole (§7.6.1), for the applet unit tests.
#pragma once

#include <functional>
#include <optional>

#include "common/apdu.hpp"

namespace tessera::sim::testing {

// `transmit` sends raw bytes and returns the raw answer, or nullopt when the
// card answered nothing (power cut). nullopt also for an unparsable answer.
std::optional<ResponseApdu> ExchangeWhole(
    const std::function<std::optional<Bytes>(ByteView)>& transmit, const CommandApdu& apdu);

}  // namespace tessera::sim::testing
