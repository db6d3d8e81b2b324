#include "common/scp03/key_set.hpp"

#include <gtest/gtest.h>

#include "tests/unit/common/scp03/oracle.hpp"

namespace tessera::scp03 {
namespace {

Bytes Factory() {
  auto key = FactoryBaseKey();
  return {key.begin(), key.end()};
}

TEST(FactoryBaseKey, IsFortyToFiveF) {
  EXPECT_EQ(ToHex(Factory()), "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f");
  EXPECT_EQ(kFactoryKvn, 0xFF);
}

TEST(StaticKeyDerivationData, IsTwoLabelledBlocksPerRole) {
  // "TESSERA-SCP03" = 54 45 53 53 45 52 41 2D 53 43 50 30 33
  EXPECT_EQ(ToHex(StaticKeyDerivationData(KeyRole::kEnc)),
            "544553534552412d5343503033"
            "450001"
            "544553534552412d5343503033"
            "450002");
  EXPECT_EQ(ToHex(StaticKeyDerivationData(KeyRole::kMac)),
            "544553534552412d53435030334d0001544553534552412d53435030334d0002");
  EXPECT_EQ(ToHex(StaticKeyDerivationData(KeyRole::kDek)),
            "544553534552412d5343503033440001544553534552412d5343503033440002");
}

TEST(StaticKeyFromBase, IsAes256EcbOfTheDerivationData) {
  Bytes base = Factory();
  for (KeyRole role : {KeyRole::kEnc, KeyRole::kMac, KeyRole::kDek}) {
    auto key = StaticKeyFromBase(base, role);
    ASSERT_TRUE(key.ok()) << key.status().ToString();
    EXPECT_EQ(ToHex(key->view()), ToHex(oracle::Ecb(base, StaticKeyDerivationData(role))));
  }
}

TEST(StaticKeyFromBase, WantsA32ByteBase) {
  for (std::size_t n : {0, 16, 24, 31, 33}) {
    EXPECT_EQ(StaticKeyFromBase(Bytes(n, 0x40), KeyRole::kEnc).status().code(),
              Code::kInvalidArgument)
        << n;
    EXPECT_FALSE(StaticKeysFromBase(Bytes(n, 0x40)).ok()) << n;
  }
}

TEST(StaticKeysFromBase, GivesPrfsOverTheDerivedKeys) {
  Bytes base = Factory();
  auto keys = StaticKeysFromBase(base);
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  Bytes message = HexOrDie("0102030405");
  const std::pair<const Prf*, KeyRole> pairs[] = {{&keys->enc, KeyRole::kEnc},
                                                  {&keys->mac, KeyRole::kMac}};
  for (const auto& [prf, role] : pairs) {
    Bytes key = oracle::Ecb(base, StaticKeyDerivationData(role));
    auto tag = (*prf)(message);
    ASSERT_TRUE(tag.ok());
    EXPECT_EQ(ToHex(tag->view()), ToHex(oracle::Cmac(key, message)));
  }
}

TEST(SessionDekDerivationData, IsSha256OfTheLabelAndTheContext) {
  // "TESSERA-S-DEK" = 54 45 53 53 45 52 41 2D 53 2D 44 45 4B
  const Bytes label = HexOrDie("544553534552412d532d44454b");
  for (const Bytes& context : {Bytes(16, 0xC3), Bytes(32, 0x3C)}) {
    Bytes x = SessionDekDerivationData(context);
    EXPECT_EQ(x.size(), 32u);
    EXPECT_EQ(ToHex(x), ToHex(oracle::Sha256(Concat({label, context}))));
  }
}

TEST(SessionDekFromStatic, IsAes256EcbOfTheDerivationDataUnderKDek) {
  Bytes k_dek = oracle::Ecb(Factory(), StaticKeyDerivationData(KeyRole::kDek));
  const Bytes label = HexOrDie("544553534552412d532d44454b");
  for (const Bytes& context : {Bytes(16, 0xC3), Bytes(32, 0x3C)}) {
    auto s_dek = SessionDekFromStatic(k_dek, context);
    ASSERT_TRUE(s_dek.ok()) << s_dek.status().ToString();
    EXPECT_EQ(ToHex(s_dek->view()),
              ToHex(oracle::Ecb(k_dek, oracle::Sha256(Concat({label, context})))));
  }
  // A session DEK: another channel, another key.
  auto a = SessionDekFromStatic(k_dek, Bytes(16, 0x01));
  auto b = SessionDekFromStatic(k_dek, Bytes(16, 0x02));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(ToHex(a->view()), ToHex(b->view()));
}

TEST(SessionDekFromStatic, WantsA32ByteKDekAndAChallengePair) {
  for (std::size_t n : {0, 16, 24, 31, 33}) {
    EXPECT_EQ(SessionDekFromStatic(Bytes(n, 0x44), Bytes(16, 0)).status().code(),
              Code::kInvalidArgument)
        << n;
  }
  for (std::size_t n : {0, 8, 15, 17, 24, 33}) {
    EXPECT_EQ(SessionDekFromStatic(Bytes(32, 0x44), Bytes(n, 0)).status().code(),
              Code::kWrongLength)
        << n;
  }
}

TEST(KeyCheckValue, IsFirstThreeBytesOfEcbOverOnes) {
  Bytes ones(16, 0x01);
  Bytes k128 = HexOrDie("404142434445464748494a4b4c4d4e4f");
  Bytes k256 = Factory();
  for (const Bytes& key : {k128, k256}) {
    auto kcv = KeyCheckValue(key);
    ASSERT_TRUE(kcv.ok()) << kcv.status().ToString();
    EXPECT_EQ(ToHex(*kcv), ToHex(oracle::Ecb(key, ones)).substr(0, 6));
  }
  EXPECT_EQ(KeyCheckValue(Bytes(20, 0)).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(KeyCheckValue({}).status().code(), Code::kInvalidArgument);
}

TEST(KeyData, EncryptsWithZeroIcvCbcAndRoundTrips) {
  Bytes dek(32, 0x7E);
  Bytes key_data = Factory();  // 32 bytes, two blocks: CBC chaining matters
  auto encrypted = EncryptKeyData(dek, key_data);
  ASSERT_TRUE(encrypted.ok()) << encrypted.status().ToString();
  EXPECT_EQ(ToHex(*encrypted), ToHex(oracle::AesEncrypt(dek, Bytes(16, 0x00), key_data)));
  EXPECT_EQ(encrypted->size(), 32u);
  auto back = DecryptKeyData(dek, *encrypted);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(ToHex(back->view()), ToHex(key_data));
}

TEST(KeyData, RejectsPartialBlocksAndBadKeys) {
  Bytes dek(32, 0x7E);
  for (std::size_t n : {0, 1, 15, 31, 33}) {
    EXPECT_EQ(EncryptKeyData(dek, Bytes(n, 0xAA)).status().code(), Code::kInvalidArgument) << n;
    EXPECT_EQ(DecryptKeyData(dek, Bytes(n, 0xAA)).status().code(), Code::kInvalidArgument) << n;
  }
  EXPECT_EQ(EncryptKeyData(Bytes(10, 0), Bytes(32, 0)).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(DecryptKeyData(Bytes(10, 0), Bytes(32, 0)).status().code(), Code::kInvalidArgument);
}

TEST(UnlockMessage, IsLabelChallengeUid) {
  Bytes challenge(16, 0xC1);
  Bytes uid(16, 0x0D);
  EXPECT_EQ(ToHex(UnlockMessage(challenge, uid)),
            "544553534552412d554e4c4f434b"  // "TESSERA-UNLOCK"
            "c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1"
            "0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d");
}

}  // namespace
}  // namespace tessera::scp03
