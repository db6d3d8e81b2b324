// Fuzzes the BER-TLV decoder: any input either fails cleanly or decodes into
// TLVs whose re-encoding decodes to the same tags and values.
#include <cstdlib>

#include "common/tlv.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tessera;
  auto parsed = ParseTlvs(ByteView(data, size));
  if (!parsed.ok()) return 0;
  Bytes again;
  for (const Tlv& t : *parsed) AppendTlv(again, t.tag, t.value);
  auto reparsed = ParseTlvs(again);
  if (!reparsed.ok() || reparsed->size() != parsed->size()) std::abort();
  for (std::size_t i = 0; i < parsed->size(); ++i) {
    const Tlv& a = (*parsed)[i];
    const Tlv& b = (*reparsed)[i];
    if (a.tag != b.tag ||
        !std::equal(a.value.begin(), a.value.end(), b.value.begin(), b.value.end())) {
      std::abort();
    }
    // Nested templates get decoded too, as applets do.
    if (a.constructed()) (void)ParseTlvs(a.value);
  }
  return 0;
}
