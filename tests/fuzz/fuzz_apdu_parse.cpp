// Fuzzes the command APDU parser: what parses must serialize back to a
// command that parses to the same fields.
#include <cstdlib>

#include "common/apdu.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tessera;
  auto apdu = CommandApdu::Parse(ByteView(data, size));
  if (!apdu.ok()) return 0;
  auto again = CommandApdu::Parse(apdu->Serialize());
  if (!again.ok() || again->data != apdu->data || again->le != apdu->le ||
      again->ins != apdu->ins || again->cla != apdu->cla || again->p1 != apdu->p1 ||
      again->p2 != apdu->p2) {
    std::abort();
  }
  for (const CommandApdu& part : SplitForChaining(*apdu)) (void)part.Serialize();
  return 0;
}
