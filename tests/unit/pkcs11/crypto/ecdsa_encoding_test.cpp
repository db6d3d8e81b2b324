#include "pkcs11/core/crypto/ecdsa_encoding.hpp"

#include <gtest/gtest.h>

#include "pkcs11/core/crypto/hash.hpp"
#include "tests/unit/pkcs11/crypto/test_keys.hpp"

namespace tessera::p11::crypto {
namespace {

TEST(EcdsaInput, TruncatesLongDigestsToTheLeftmostFieldBytes) {
  Bytes sha512(64);
  for (std::size_t i = 0; i < sha512.size(); ++i) sha512[i] = static_cast<std::uint8_t>(i);
  auto p256 = EcdsaInput(sha512, 32);
  ASSERT_TRUE(p256.ok());
  EXPECT_EQ(*p256, Bytes(sha512.begin(), sha512.begin() + 32));
  auto p384 = EcdsaInput(sha512, 48);
  ASSERT_TRUE(p384.ok());
  EXPECT_EQ(p384->size(), 48u);
}

TEST(EcdsaInput, LeftPadsShortDigestsWithZeros) {
  auto out = EcdsaInput(HexOrDie("0102030405060708090a0b0c0d0e0f1011121314"), 32);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(ToHex(*out), "0000000000000000000000000102030405060708090a0b0c0d0e0f1011121314");
}

TEST(EcdsaInput, KeepsExactLengthDigestsAndRejectsEmptyInput) {
  Bytes digest(32, 0x9C);
  EXPECT_EQ(*EcdsaInput(digest, 32), digest);
  EXPECT_FALSE(EcdsaInput({}, 32).ok());
  EXPECT_FALSE(EcdsaInput(digest, 0).ok());
}

TEST(EcdsaEncoding, OpenSslSignatureRoundTripsThroughRaw) {
  for (auto [key, field] :
       {std::pair{testing::P256(), std::size_t{32}}, std::pair{testing::P384(), std::size_t{48}}}) {
    auto digest = DigestOnce(Hash::kSha256, AsBytes("ecdsa"));
    ASSERT_TRUE(digest.ok());
    // Several signatures so that some r or s has a leading zero byte now and then.
    for (int i = 0; i < 8; ++i) {
      Bytes der = testing::SignDigest(key, *digest);
      auto raw = EcdsaDerToRaw(der, field);
      ASSERT_TRUE(raw.ok()) << raw.status().ToString();
      EXPECT_EQ(raw->size(), 2 * field);
      auto back = EcdsaRawToDer(*raw);
      ASSERT_TRUE(back.ok());
      EXPECT_EQ(*back, der);
    }
  }
}

TEST(EcdsaEncoding, PadsSmallIntegersToTheField) {
  // SEQUENCE { INTEGER 1, INTEGER 0x80 } (0x80 needs a 00 sign byte in DER).
  auto raw = EcdsaDerToRaw(HexOrDie("3007020101020200 80"), 4);
  ASSERT_TRUE(raw.ok()) << raw.status().ToString();
  EXPECT_EQ(ToHex(*raw), "0000000100000080");
  auto der = EcdsaRawToDer(*raw);
  ASSERT_TRUE(der.ok());
  EXPECT_EQ(ToHex(*der),
            "30070201010202"
            "0080");
}

TEST(EcdsaEncoding, RejectsMalformedDer) {
  EXPECT_TRUE(EcdsaDerToRaw(HexOrDie("3006020101020101"), 32).ok());
  EXPECT_FALSE(EcdsaDerToRaw({}, 32).ok());
  EXPECT_FALSE(EcdsaDerToRaw(HexOrDie("30060201010201010000"), 32).ok());  // trailing bytes
  EXPECT_FALSE(EcdsaDerToRaw(HexOrDie("3007020101020101"), 32).ok());      // truncated
  EXPECT_FALSE(EcdsaDerToRaw(HexOrDie("0406020101020101"), 32).ok());      // not a SEQUENCE
  EXPECT_FALSE(EcdsaDerToRaw(HexOrDie("3006020181020101"), 32).ok());      // negative r
}

TEST(EcdsaEncoding, RejectsIntegersWiderThanTheField) {
  // r = 0x010203 does not fit a 2-byte field.
  EXPECT_FALSE(EcdsaDerToRaw(HexOrDie("300802030102030201 01"), 2).ok());
  EXPECT_TRUE(EcdsaDerToRaw(HexOrDie("300802030102030201 01"), 3).ok());
}

TEST(EcdsaEncoding, RawToDerRejectsEmptyAndOddInput) {
  EXPECT_FALSE(EcdsaRawToDer({}).ok());
  EXPECT_FALSE(EcdsaRawToDer(Bytes(65, 0x01)).ok());
}

}  // namespace
}  // namespace tessera::p11::crypto
