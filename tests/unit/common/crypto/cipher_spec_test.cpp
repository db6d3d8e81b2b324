#include "common/crypto/cipher_spec.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace tessera::crypto {
namespace {

constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();

TEST(CtrBlocksAvailable, CountsTheValuesLeftInTheLowCounterBits) {
  Bytes block = HexOrDie("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");  // SP 800-38A F.5.1
  EXPECT_EQ(CtrBlocksAvailable(block, 8), 1u);                 // ff: one value left
  EXPECT_EQ(CtrBlocksAvailable(block, 16), 0x101u);            // feff .. ffff
  EXPECT_EQ(CtrBlocksAvailable(block, 1), 1u);
  Bytes zero(16, 0x00);
  EXPECT_EQ(CtrBlocksAvailable(zero, 1), 2u);
  EXPECT_EQ(CtrBlocksAvailable(zero, 32), std::uint64_t{1} << 32);
  EXPECT_EQ(CtrBlocksAvailable(zero, 63), std::uint64_t{1} << 63);
}

TEST(CtrBlocksAvailable, CapsWideCountersAtUint64Max) {
  Bytes zero(16, 0x00);
  EXPECT_EQ(CtrBlocksAvailable(zero, 64), kMax);
  EXPECT_EQ(CtrBlocksAvailable(zero, 128), kMax);
  Bytes near_end = HexOrDie("0000000000000000fffffffffffffff0");
  EXPECT_EQ(CtrBlocksAvailable(near_end, 64), 16u);
  EXPECT_EQ(CtrBlocksAvailable(near_end, 65), kMax);  // bit 64 is 0: 2^64 + 16 left
  Bytes all_ones_above = HexOrDie("00000000000000fffffffffffffffff0");
  EXPECT_EQ(CtrBlocksAvailable(all_ones_above, 72), 16u);
  EXPECT_EQ(CtrBlocksAvailable(all_ones_above, 73), kMax);
}

TEST(ChooseCipher, ReportsTheBlockSizeOfEachMode) {
  Bytes aes(16, 0x01), tdes(24, 0x02), iv16(16, 0x03), iv8(8, 0x04);
  struct Row {
    CipherMode mode;
    ByteView key;
    ByteView iv;
    std::size_t block;
  };
  const Row rows[] = {
      {CipherMode::kAesEcb, aes, {}, 16},      {CipherMode::kAesCbc, aes, iv16, 16},
      {CipherMode::kAesCbcPad, aes, iv16, 16}, {CipherMode::kAesCtr, aes, iv16, 1},
      {CipherMode::kAesGcm, aes, iv16, 1},     {CipherMode::kTdesEcb, tdes, {}, 8},
      {CipherMode::kTdesCbc, tdes, iv8, 8},
  };
  for (const Row& r : rows) {
    CipherSpec spec;
    spec.mode = r.mode;
    spec.key = r.key;
    spec.iv = r.iv;
    auto choice = ChooseCipher(spec);
    ASSERT_TRUE(choice.ok()) << static_cast<int>(r.mode) << ": " << choice.status().ToString();
    EXPECT_NE(choice->cipher, nullptr);
    EXPECT_EQ(choice->block, r.block) << static_cast<int>(r.mode);
  }
}

TEST(ChooseCipher, RefusesWhatTheModeCannotTake) {
  Bytes aes(16, 0x01), iv16(16, 0x03), iv8(8, 0x04);
  auto code = [](CipherMode mode, ByteView key, ByteView iv, auto tweak) {
    CipherSpec spec;
    spec.mode = mode;
    spec.key = key;
    spec.iv = iv;
    tweak(spec);
    return ChooseCipher(spec).status().code();
  };
  auto none = [](CipherSpec&) {};
  EXPECT_EQ(code(CipherMode::kAesEcb, Bytes(8, 1), {}, none), Code::kInvalidArgument);
  EXPECT_EQ(code(CipherMode::kTdesEcb, Bytes(8, 1), {}, none), Code::kInvalidArgument);  // DES
  EXPECT_EQ(code(CipherMode::kAesEcb, aes, iv16, none), Code::kInvalidArgument);
  EXPECT_EQ(code(CipherMode::kAesCbc, aes, iv8, none), Code::kInvalidArgument);
  EXPECT_EQ(code(CipherMode::kTdesCbc, Bytes(24, 1), iv16, none), Code::kInvalidArgument);
  EXPECT_EQ(code(CipherMode::kAesCtr, aes, iv16, [](CipherSpec& s) { s.counter_bits = 0; }),
            Code::kInvalidArgument);
  EXPECT_EQ(code(CipherMode::kAesCtr, aes, iv16, [](CipherSpec& s) { s.counter_bits = 129; }),
            Code::kInvalidArgument);
  EXPECT_EQ(code(CipherMode::kAesGcm, aes, {}, none), Code::kInvalidArgument);
  EXPECT_EQ(code(CipherMode::kAesGcm, aes, iv16, [](CipherSpec& s) { s.tag_len = 11; }),
            Code::kInvalidArgument);
  EXPECT_EQ(code(CipherMode::kAesGcm, aes, iv16, [](CipherSpec& s) { s.tag_len = 8; }), Code::kOk);
  Bytes aad(4, 0x05);
  EXPECT_EQ(code(CipherMode::kAesCbc, aes, iv16, [&](CipherSpec& s) { s.aad = aad; }),
            Code::kInvalidArgument);
}

}  // namespace
}  // namespace tessera::crypto
