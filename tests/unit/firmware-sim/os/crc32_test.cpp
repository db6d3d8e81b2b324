#include "firmware-sim/os/crc32.hpp"

#include <gtest/gtest.h>

namespace tessera::sim {
namespace {

TEST(Crc32, MatchesTheStandardCheckValue) {
  // The catalogue check value of CRC-32/ISO-HDLC (zlib, IEEE 802.3).
  EXPECT_EQ(Crc32(AsBytes("123456789")), 0xCBF43926u);
}

TEST(Crc32, MatchesZlibOnOtherInputs) {
  EXPECT_EQ(Crc32({}), 0u);
  EXPECT_EQ(Crc32(AsBytes("a")), 0xE8B7BE43u);
  EXPECT_EQ(Crc32(AsBytes("The quick brown fox jumps over the lazy dog")), 0x414FA339u);
}

TEST(Crc32, ContinuesAcrossCalls) {
  std::uint32_t crc = Crc32(AsBytes("1234"));
  crc = Crc32(AsBytes("56789"), crc);
  EXPECT_EQ(crc, 0xCBF43926u);
}

}  // namespace
}  // namespace tessera::sim
