#include "common/crypto/pkcs7_padding.hpp"

#include <gtest/gtest.h>

namespace tessera::crypto {
namespace {

TEST(Pkcs7Padding, AddsOneToBlockSizeBytesOfThePadLength) {
  EXPECT_EQ(ToHex(Pkcs7Padding(0, 16)), "10101010101010101010101010101010");
  EXPECT_EQ(ToHex(Pkcs7Padding(15, 16)), "01");
  EXPECT_EQ(ToHex(Pkcs7Padding(33, 16)), "0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f");
  EXPECT_EQ(ToHex(Pkcs7Padding(8, 8)), "0808080808080808");
}

TEST(Pkcs7Padding, UnpaddedLengthReadsEveryGoodPad) {
  for (std::size_t data = 0; data < 16; ++data) {
    Bytes block(data, 0x77);
    Append(block, Pkcs7Padding(data, 16));
    auto n = Pkcs7UnpaddedLength(block);
    ASSERT_TRUE(n.ok()) << data;
    EXPECT_EQ(*n, data);
  }
}

TEST(Pkcs7Padding, UnpaddedLengthRefusesEveryBadPadAsSignatureInvalid) {
  const char* bad[] = {
      "00000000000000000000000000000000",  // pad 0
      "11111111111111111111111111111111",  // pad 17 > block
      "ffffffffffffffffffffffffffffffff",  // pad 255
      "77777777777777777777777777770302",  // 02 preceded by 03
      "77777777777777777777777777040404",  // four 04s wanted, three given
      "0f101010101010101010101010101010",  // full-block pad with one byte off
  };
  for (const char* hex : bad) {
    auto n = Pkcs7UnpaddedLength(HexOrDie(hex));
    EXPECT_EQ(n.status().code(), Code::kSignatureInvalid) << hex;
  }
}

}  // namespace
}  // namespace tessera::crypto
