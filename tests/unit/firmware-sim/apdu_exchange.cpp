#include "tests/unit/firmware-sim/apdu_exchange.hpp"

namespace tessera::sim::testing {

std::optional<ResponseApdu> ExchangeWhole(
    const std::function<std::optional<Bytes>(ByteView)>& transmit, const CommandApdu& apdu) {
  static const Bytes kGetResponse = {0x00, 0xC0, 0x00, 0x00, 0x00};
  std::optional<Bytes> raw;
  for (const CommandApdu& part : SplitForChaining(apdu)) {
    raw = transmit(part.Serialize());
    if (!raw) return std::nullopt;
  }
  auto first = ResponseApdu::Parse(*raw);
  if (!first.ok()) return std::nullopt;
  ResponseApdu response = *first;
  while (response.sw1() == 0x61) {
    raw = transmit(kGetResponse);
    if (!raw) return std::nullopt;
    auto next = ResponseApdu::Parse(*raw);
    if (!next.ok()) return std::nullopt;
    Append(response.data, next->data);
    response.sw = next->sw;
  }
  return response;
}

}  // namespace tessera::sim::testing
