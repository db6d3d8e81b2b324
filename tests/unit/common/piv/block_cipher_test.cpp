#include "common/piv/block_cipher.hpp"

#include <gtest/gtest.h>

namespace tessera::piv {
namespace {

using piv::Algorithm;

TEST(BlockCipher, Aes128MatchesFips197AppendixC1) {
  Bytes key = HexOrDie("000102030405060708090a0b0c0d0e0f");
  Bytes plain = HexOrDie("00112233445566778899aabbccddeeff");
  auto cipher = BlockEncrypt(Algorithm::kAes128, key, plain);
  ASSERT_TRUE(cipher.ok()) << cipher.status().ToString();
  EXPECT_EQ(ToHex(*cipher), "69c4e0d86a7b0430d8cdb78070b4c55a");
  auto back = BlockDecrypt(Algorithm::kAes128, key, *cipher);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, plain);
}

TEST(BlockCipher, Aes192And256MatchFips197AppendixC2AndC3) {
  Bytes plain = HexOrDie("00112233445566778899aabbccddeeff");
  auto c192 = BlockEncrypt(Algorithm::kAes192,
                           HexOrDie("000102030405060708090a0b0c0d0e0f1011121314151617"), plain);
  ASSERT_TRUE(c192.ok());
  EXPECT_EQ(ToHex(*c192), "dda97ca4864cdfe06eaf70a0ec0d7191");
  auto c256 = BlockEncrypt(
      Algorithm::kAes256,
      HexOrDie("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"), plain);
  ASSERT_TRUE(c256.ok());
  EXPECT_EQ(ToHex(*c256), "8ea2b7ca516745bfeafc49904b496089");
}

// SP 800-67 Rev. 2 Appendix B example: three keys, "The qufck brown fox jump"
// in three ECB blocks.
TEST(BlockCipher, TdesMatchesTheSp80067Example) {
  Bytes key = HexOrDie("0123456789abcdef23456789abcdef01456789abcdef0123");
  constexpr const char* kBlocks[][2] = {{"5468652071756663", "a826fd8ce53b855f"},
                                        {"6b2062726f776e20", "cce21c8112256fe6"},
                                        {"666f78206a756d70", "68d5c05dd9b6b900"}};
  for (const auto& [plain_hex, cipher_hex] : kBlocks) {
    Bytes plain = HexOrDie(plain_hex);
    auto cipher = BlockEncrypt(Algorithm::kTdes, key, plain);
    ASSERT_TRUE(cipher.ok()) << cipher.status().ToString();
    EXPECT_EQ(ToHex(*cipher), cipher_hex);
    auto back = BlockDecrypt(Algorithm::kTdes, key, *cipher);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, plain);
  }
}

TEST(BlockCipher, RoundTripsForEveryAlgorithm) {
  for (Algorithm alg :
       {Algorithm::kTdes, Algorithm::kAes128, Algorithm::kAes192, Algorithm::kAes256}) {
    Bytes key(piv::SymmetricKeySize(alg), 0x3C);
    key[0] = 0x01;
    Bytes block(piv::BlockSize(alg), 0xA5);
    auto cipher = BlockEncrypt(alg, key, block);
    ASSERT_TRUE(cipher.ok()) << piv::AlgorithmName(alg);
    EXPECT_NE(*cipher, block);
    auto back = BlockDecrypt(alg, key, *cipher);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, block) << piv::AlgorithmName(alg);
  }
}

TEST(BlockCipher, RejectsWrongKeyAndBlockSizes) {
  Bytes aes_key(16, 1);
  EXPECT_EQ(BlockEncrypt(Algorithm::kAes128, Bytes(24, 1), Bytes(16, 0)).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(BlockEncrypt(Algorithm::kAes128, aes_key, Bytes(15, 0)).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(BlockDecrypt(Algorithm::kAes128, aes_key, Bytes(32, 0)).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(BlockEncrypt(Algorithm::kTdes, Bytes(16, 1), Bytes(8, 0)).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(BlockDecrypt(Algorithm::kTdes, Bytes(24, 1), Bytes(16, 0)).status().code(),
            Code::kInvalidArgument);
}

TEST(BlockCipher, RejectsAsymmetricAlgorithms) {
  EXPECT_EQ(BlockEncrypt(Algorithm::kRsa2048, Bytes(16, 1), Bytes(16, 0)).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(BlockDecrypt(Algorithm::kEccP256, Bytes(16, 1), Bytes(16, 0)).status().code(),
            Code::kInvalidArgument);
}

}  // namespace
}  // namespace tessera::piv
