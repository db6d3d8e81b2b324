#include "common/scp03/kdf.hpp"

#include <gtest/gtest.h>

#include "tests/unit/common/scp03/oracle.hpp"

namespace tessera::scp03 {
namespace {

// The message of RFC 4493 §4 and SP 800-38B Appendix D: 64 bytes, of which
// the examples MAC the first 0, 16, 40 and 64.
Bytes Message() {
  return HexOrDie(
      "6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51"
      "30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710");
}

struct CmacVector {
  std::size_t length;
  const char* tag;
};

std::string CmacHex(ByteView key, ByteView data) {
  auto tag = AesCmac(key, data);
  if (!tag.ok()) return tag.status().ToString();
  return ToHex(tag->view());
}

TEST(AesCmac, MatchesRfc4493ForAes128) {
  const Bytes message = Message();
  Bytes key = HexOrDie("2b7e151628aed2a6abf7158809cf4f3c");
  const CmacVector vectors[] = {{0, "bb1d6929e95937287fa37d129b756746"},
                                {16, "070a16b46b4d4144f79bdd9dd04a287c"},
                                {40, "dfa66747de9ae63030ca32611497c827"},
                                {64, "51f0bebf7e3b9d92fc49741779363cfe"}};
  for (const auto& v : vectors) {
    EXPECT_EQ(CmacHex(key, ByteView(message).first(v.length)), v.tag) << v.length << " bytes";
  }
}

TEST(AesCmac, MatchesSp80038bForAes256) {
  const Bytes message = Message();
  Bytes key = HexOrDie("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4");
  const CmacVector vectors[] = {{0, "028962f61b7bf89efc6b551f4667d983"},
                                {16, "28a7023f452e8f82bd4bf28d8c37c35c"},
                                {40, "aaf3d8f1de5640c232f5b169b9c911e6"},
                                {64, "e1992190549f6ed5696a2c056c315410"}};
  for (const auto& v : vectors) {
    EXPECT_EQ(CmacHex(key, ByteView(message).first(v.length)), v.tag) << v.length << " bytes";
  }
}

TEST(AesCmac, RejectsKeysThatAreNotAesLengths) {
  const Bytes message = Message();
  for (std::size_t n : {0, 8, 15, 17, 31, 33}) {
    Bytes key(n, 0x11);
    auto tag = AesCmac(key, message);
    ASSERT_FALSE(tag.ok()) << n;
    EXPECT_EQ(tag.status().code(), Code::kInvalidArgument);
  }
}

TEST(CmacPrf, EqualsOneShotCmacAndOutlivesItsKeyBuffer) {
  const Bytes message = Message();
  Prf prf;
  {
    Bytes key = HexOrDie("2b7e151628aed2a6abf7158809cf4f3c");
    prf = CmacPrf(key);
    key.assign(key.size(), 0x00);  // the PRF holds its own copy
  }
  auto tag = prf(ByteView(message).first(16));
  ASSERT_TRUE(tag.ok());
  EXPECT_EQ(ToHex(tag->view()), "070a16b46b4d4144f79bdd9dd04a287c");
  Prf copy = prf;
  auto again = copy(ByteView(message).first(16));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(ToHex(again->view()), "070a16b46b4d4144f79bdd9dd04a287c");
}

TEST(KdfInput, IsLabelSeparatorLengthCounterContext) {
  Bytes context = HexOrDie("a0a1a2a3a4a5a6a7 c0c1c2c3c4c5c6c7");
  EXPECT_EQ(ToHex(KdfInput(kSessionEnc, 256, 1, context)),
            "0000000000000000000000"  // 11 zero bytes
            "04"                      // derivation constant
            "00"                      // separation indicator
            "0100"                    // L = 256 bits
            "01"                      // i
            "a0a1a2a3a4a5a6a7c0c1c2c3c4c5c6c7");
  EXPECT_EQ(ToHex(KdfInput(kHostCryptogram, 64, 2, {})), "00000000000000000000000100004002");
  EXPECT_EQ(ToHex(KdfInput(kSessionRmac, 128, 1, context)).substr(0, 32),
            "00000000000000000000000700008001");
}

TEST(Kdf, TwoFiftySixBitsAreTwoPrfBlocksWithCountersOneAndTwo) {
  Bytes key(32, 0x5A);
  Bytes context = HexOrDie("00112233445566778899aabbccddeeff");
  auto out = Kdf(CmacPrf(key), kSessionMac, 256, context);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  Bytes d1 = HexOrDie("000000000000000000000006000100 01 00112233445566778899aabbccddeeff");
  Bytes d2 = HexOrDie("000000000000000000000006000100 02 00112233445566778899aabbccddeeff");
  EXPECT_EQ(ToHex(out->view()), ToHex(Concat({oracle::Cmac(key, d1), oracle::Cmac(key, d2)})));
}

TEST(Kdf, TruncatesToLBits) {
  Bytes key(16, 0xA5);
  Bytes context(16, 0x33);
  Bytes d64 = Concat({HexOrDie("00000000000000000000000000004001"), context});
  auto c64 = Kdf(CmacPrf(key), kCardCryptogram, 64, context);
  ASSERT_TRUE(c64.ok());
  EXPECT_EQ(ToHex(c64->view()), ToHex(oracle::Cmac(key, d64)).substr(0, 16));

  auto c192 = Kdf(CmacPrf(key), kSessionEnc, 192, context);
  ASSERT_TRUE(c192.ok());
  Bytes d1 = Concat({HexOrDie("00000000000000000000000400 00c0 01"), context});
  Bytes d2 = Concat({HexOrDie("00000000000000000000000400 00c0 02"), context});
  EXPECT_EQ(ToHex(c192->view()),
            ToHex(oracle::Cmac(key, d1)) + ToHex(oracle::Cmac(key, d2)).substr(0, 16));
}

TEST(Kdf, RejectsLengthsThatAreNotWholeBytesOrTooLong) {
  Prf prf = CmacPrf(Bytes(16, 0x01));
  for (std::uint16_t bits : {0, 7, 65, 255 * 128 + 8}) {
    auto out = Kdf(prf, kSessionEnc, bits, {});
    ASSERT_FALSE(out.ok()) << bits;
    EXPECT_EQ(out.status().code(), Code::kInvalidArgument);
  }
  EXPECT_TRUE(Kdf(prf, kSessionEnc, 255 * 128, {}).ok());
}

TEST(Kdf, PassesOnThePrfsError) {
  Prf failing = [](ByteView) -> Result<SecureBytes> { return Status::IoError("HSM gone"); };
  auto out = Kdf(failing, kSessionEnc, 256, {});
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), Code::kIoError);
  Prf short_tag = [](ByteView) -> Result<SecureBytes> { return SecureBytes(8); };
  EXPECT_EQ(Kdf(short_tag, kSessionEnc, 64, {}).status().code(), Code::kInternal);
}

}  // namespace
}  // namespace tessera::scp03
