#include "firmware-sim/os/crc32.hpp"

#include <array>

namespace tessera::sim {
namespace {

constexpr std::uint32_t kReflectedPolynomial = 0xEDB88320;

// One entry per byte value: the byte run through eight shift-and-XOR steps.
constexpr std::array<std::uint32_t, 256> MakeTable() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t i = 0; i < table.size(); ++i) {
    std::uint32_t c = i;
    for (int bit = 0; bit < 8; ++bit) c = (c & 1) != 0 ? kReflectedPolynomial ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  return table;
}

constexpr std::array<std::uint32_t, 256> kTable = MakeTable();

}  // namespace

std::uint32_t Crc32(ByteView data, std::uint32_t crc) {
  // The running value is kept inverted between calls, as zlib's crc32() does,
  // so chained calls equal one call over the concatenation.
  std::uint32_t c = ~crc;
  for (std::uint8_t b : data) c = kTable[(c ^ b) & 0xFF] ^ (c >> 8);
  return ~c;
}

}  // namespace tessera::sim
