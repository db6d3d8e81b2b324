// Known-answer tests for CipherStream: the published vectors, each run in
// one part and in odd-sized parts, both ways.
#include <gtest/gtest.h>

#include <string>

#include "common/crypto/cipher_stream.hpp"
#include "tests/unit/common/crypto/stream_runner.hpp"
#include "tests/unit/common/crypto/test_hex.hpp"

namespace tessera::crypto {
namespace {

using testutil::Hex;
using testutil::RunStream;
using testutil::Spec;

// SP 800-38A Appendix F: the four-block plaintext all its examples use.
constexpr const char* kSp80038aPlain =
    "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
    "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";
constexpr const char* kAes128Key = "2b7e151628aed2a6abf7158809cf4f3c";
constexpr const char* kAes256Key =
    "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4";

struct Kat {
  const char* name;
  CipherMode mode;
  const char* key;
  const char* iv;
  const char* plain;
  const char* cipher;
};

const Kat kKats[] = {
    {"SP 800-38A F.1.1 ECB-AES128", CipherMode::kAesEcb, kAes128Key, "", kSp80038aPlain,
     "3ad77bb40d7a3660a89ecaf32466ef97f5d3d58503b9699de785895a96fdbaaf"
     "43b1cd7f598ece23881b00e3ed0306887b0c785e27e8ad3f8223207104725dd4"},
    {"SP 800-38A F.1.5 ECB-AES256", CipherMode::kAesEcb, kAes256Key, "", kSp80038aPlain,
     "f3eed1bdb5d2a03c064b5a7e3db181f8591ccb10d410ed26dc5ba74a31362870"
     "b6ed21b99ca6f4f9f153e7b1beafed1d23304b7a39f9f3ff067d8d8f9e24ecc7"},
    {"SP 800-38A F.2.1 CBC-AES128", CipherMode::kAesCbc, kAes128Key,
     "000102030405060708090a0b0c0d0e0f", kSp80038aPlain,
     "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2"
     "73bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7"},
    {"SP 800-38A F.2.5 CBC-AES256", CipherMode::kAesCbc, kAes256Key,
     "000102030405060708090a0b0c0d0e0f", kSp80038aPlain,
     "f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d"
     "39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b"},
    {"SP 800-38A F.5.1 CTR-AES128", CipherMode::kAesCtr, kAes128Key,
     "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff", kSp80038aPlain,
     "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff"
     "5ae4df3edbd5d35e5b4f09020db03eab1e031dda2fbe03d1792170a0f3009cee"},
    // SP 800-67 Appendix B.1: three keys, "The qufck brown fox jump".
    {"SP 800-67 B.1 TDEA-ECB", CipherMode::kTdesEcb,
     "0123456789abcdef23456789abcdef01456789abcdef0123", "",
     "54686520717566636b2062726f776e20666f78206a756d70",
     "a826fd8ce53b855fcce21c8112256fe668d5c05dd9b6b900"},
    // OpenSSL destest's DES-EDE3-CBC vector (test/recipes/30-test_evp_data/
    // evpciph_des3_common.txt).
    {"destest DES-EDE3-CBC", CipherMode::kTdesCbc,
     "0123456789abcdeff1e0d3c2b5a49786fedcba9876543210", "fedcba9876543210",
     "37363534333231204e6f77206973207468652074696d6520666f722000000000",
     "3fe301c962ac01d02213763c1cbd4cdc799657c064ecf5d41c673812cfde9675"},
};

TEST(CipherStream, MatchesSp80038aSp80067AndDestestVectorsBothWays) {
  for (const Kat& k : kKats) {
    Bytes key = HexOrDie(k.key), iv = HexOrDie(k.iv);
    Bytes plain = HexOrDie(k.plain), cipher = HexOrDie(k.cipher);
    CipherSpec spec = Spec(k.mode, key, iv);
    EXPECT_EQ(Hex(RunStream(spec, true, plain)), k.cipher) << k.name;
    EXPECT_EQ(Hex(RunStream(spec, false, cipher)), k.plain) << k.name;
    EXPECT_EQ(Hex(RunStream(spec, true, plain, {1, 7, 9, 3})), k.cipher) << k.name << " in parts";
    EXPECT_EQ(Hex(RunStream(spec, false, cipher, {5, 11, 13})), k.plain) << k.name << " in parts";
  }
}

TEST(CipherStream, CbcPadOfWholeBlocksIsCbcThenOnePadBlock) {
  // PKCS#11 CKM_AES_CBC_PAD: a full block of 0x10 follows whole-block data.
  Bytes key = HexOrDie(kAes128Key), iv = HexOrDie("000102030405060708090a0b0c0d0e0f");
  Bytes plain = HexOrDie(kSp80038aPlain);
  auto padded = RunStream(Spec(CipherMode::kAesCbcPad, key, iv), true, plain, {3, 30});
  ASSERT_TRUE(padded.ok()) << padded.status().ToString();
  ASSERT_EQ(padded->size(), 80u);
  EXPECT_EQ(ToHex(padded->view().first(64)), kKats[2].cipher);
  // The pad block is CBC of 16 x 0x10 chained on the last SP 800-38A block.
  Bytes pad_block(16, 0x10);
  auto last = RunStream(Spec(CipherMode::kAesCbc, key, ByteView(padded->view()).subspan(48, 16)),
                        true, pad_block);
  EXPECT_EQ(Hex(last), ToHex(padded->view().subspan(64)));
  EXPECT_EQ(Hex(RunStream(Spec(CipherMode::kAesCbcPad, key, iv), false, padded->view(), {17})),
            kSp80038aPlain);
}

TEST(CipherStream, TwoKeyTdesIsK1K2K1) {
  // SP 800-67 Rev. 1 §3.1, keying option 2.
  Bytes k1k2 = HexOrDie("0123456789abcdef23456789abcdef01");
  Bytes k1k2k1 = HexOrDie("0123456789abcdef23456789abcdef010123456789abcdef");
  Bytes plain = HexOrDie("54686520717566636b2062726f776e20666f78206a756d70");
  auto two = RunStream(Spec(CipherMode::kTdesEcb, k1k2), true, plain);
  ASSERT_TRUE(two.ok()) << two.status().ToString();
  EXPECT_EQ(Hex(two), Hex(RunStream(Spec(CipherMode::kTdesEcb, k1k2k1), true, plain)));
  EXPECT_NE(Hex(two), kKats[5].cipher);
}

}  // namespace
}  // namespace tessera::crypto
