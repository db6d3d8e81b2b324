// GENERAL AUTHENTICATE with the management key 9B (SP 800-73-4 Part 2
// §3.2.4, Appendix A.1; ykpiv's mutual authentication) and the YubiKey SET
// MANAGEMENT KEY (INS FF). Every exchange is computed with OpenSSL here.
#include <gtest/gtest.h>

#include "common/tlv.hpp"
#include "tests/unit/firmware-sim/piv/oracle.hpp"
#include "tests/unit/firmware-sim/piv/piv_token.hpp"

namespace tessera::sim::pivtest {
namespace {

using piv::Algorithm;

constexpr char kDefaultKeyHex[] = "010203040506070801020304050607080102030405060708";
constexpr char kWitnessRequest[] = "0087039b047c028000";
constexpr char kChallengeRequest[] = "0087039b047c028100";
// A PUT DATA that succeeds only with the management key authenticated.
constexpr char kAdminProbe[] = "00db3fff075c035fc1055300";

bool IsEncryptedWitness(ByteView d) { return d.size() == 12 && ToHex(d).starts_with("7c0a8008"); }

// 7C { 80 <witness>, 81 <challenge> }, with the witness from `encrypted`.
Bytes MutualStep2(Algorithm alg, ByteView key, ByteView response, ByteView challenge) {
  auto outer = ParseSingle(response, 0x7C);
  auto encrypted = outer.ok() ? ParseSingle(*outer, 0x80) : Result<ByteView>(outer.status());
  EXPECT_TRUE(encrypted.ok());
  if (!encrypted.ok()) return {};
  Bytes witness = EcbDecrypt(alg, key, *encrypted);
  return EncodeTlv(0x7C, Concat({EncodeTlv(0x80, witness), EncodeTlv(0x81, challenge)}));
}

// SP 800-73-4 Appendix A.1: card challenge out, encrypted challenge back.
ResponseApdu AuthenticateExternally(PivToken& token, Algorithm alg, ByteView key) {
  const auto p1 = static_cast<std::uint8_t>(alg);
  ResponseApdu r = token.Send(Apdu(0x87, p1, 0x9B, HexOrDie("7c028100")));
  EXPECT_EQ(r.sw, 0x9000);
  auto outer = ParseSingle(r.data, 0x7C);
  auto challenge = outer.ok() ? ParseSingle(*outer, 0x81) : Result<ByteView>(outer.status());
  EXPECT_TRUE(challenge.ok());
  if (!challenge.ok()) return r;
  EXPECT_EQ(challenge->size(), piv::BlockSize(alg));
  Bytes answer = EcbEncrypt(alg, key, *challenge);
  return token.Send(Apdu(0x87, p1, 0x9B, EncodeTlv(0x7C, EncodeTlv(0x82, answer))));
}

TEST(PivManagementKey, TableOfErrorPaths) {
  PivToken token;
  token.Run({
      {"P1 AES-128 for a 3DES key", "0087089b047c028000", "", 0x6A86},
      {"P1 RSA", "0087079b047c028000", "", 0x6A86},
      {"P1 00 means 3DES", "0087009b047c028000", "", 0x9000, IsEncryptedWitness},
      {"no 7C template", "0087039b0480028000", "", 0x6A80},
      {"empty 7C", "0087039b027c00", "", 0x6A80},
      {"unknown tag in 7C", "0087039b047c028300", "", 0x6A80},
      {"80 and 81 both empty", "0087039b067c0480008100", "", 0x6A80},
      {"witness without a pending exchange",
       "0087039b167c1480080102030405060708810801020304050607 08", "", 0x6982},
      {"response without a pending exchange", "0087039b0c7c0a820801020304050607 08", "", 0x6982},
      {"start mutual", kWitnessRequest, "", 0x9000, IsEncryptedWitness},
      {"witness of 7 bytes", "0087039b157c13800701020304050607810801020304050607 08", "", 0x6A80},
      {"the failed step consumed the witness",
       "0087039b167c148008010203040506070881080102030405060708", "", 0x6982},
      {"start external", kChallengeRequest, "", 0x9000,
       [](ByteView d) { return d.size() == 12 && ToHex(d).starts_with("7c0a8108"); }},
      {"wrong encrypted challenge", "0087039b0c7c0a82080000000000000000", "", 0x6982},
      {"still not authenticated", kAdminProbe, "", 0x6982},
  });
}

TEST(PivManagementKey, WrongWitnessIsRefused) {
  PivToken token;
  ResponseApdu step1 = token.Send(kWitnessRequest);
  Bytes wrong_key = HexOrDie("0102030405060708010203040506070801020304050607ff");
  Bytes step2 = MutualStep2(Algorithm::kTdes, wrong_key, step1.data, Bytes(8, 0x33));
  EXPECT_EQ(token.Send(Apdu(0x87, 0x03, 0x9B, step2)).sw, 0x6982);
  EXPECT_EQ(token.Send(kAdminProbe).sw, 0x6982);
}

TEST(PivManagementKey, AnyCommandConsumesThePendingWitness) {
  PivToken token;
  ResponseApdu step1 = token.Send(kWitnessRequest);
  Bytes step2 = MutualStep2(Algorithm::kTdes, HexOrDie(kDefaultKeyHex), step1.data, Bytes(8, 0x33));
  token.Run({{"an unrelated command", "00fd0000", "050702"}});
  EXPECT_EQ(token.Send(Apdu(0x87, 0x03, 0x9B, step2)).sw, 0x6982);
}

TEST(PivManagementKey, ExternalAnswerCannotFinishAMutualExchange) {
  PivToken token;
  token.Send(kWitnessRequest);
  EXPECT_EQ(token.Send("0087039b0c7c0a82080000000000000000").sw, 0x6982);
}

TEST(PivManagementKey, DefaultKeyAuthenticatesBothWays) {
  PivToken token;
  token.AuthenticateManagementKey();
  EXPECT_EQ(token.Send(kAdminProbe).sw, 0x9000);
  token.PowerCycle();
  EXPECT_EQ(token.Send(kAdminProbe).sw, 0x6982);
  EXPECT_EQ(AuthenticateExternally(token, Algorithm::kTdes, HexOrDie(kDefaultKeyHex)).sw, 0x9000);
  EXPECT_EQ(token.Send(kAdminProbe).sw, 0x9000);
}

TEST(PivSetManagementKey, TableOfErrorPaths) {
  PivToken token;
  const std::string key24 = "00ffffff1b039b18" + std::string(kDefaultKeyHex);
  token.Run({{"needs the management key", key24, "", 0x6982}});
  token.AuthenticateManagementKey();
  token.Run({
      {"P1 FE", "00fffeff1b039b18" + std::string(kDefaultKeyHex), "", 0x6A86},
      {"P2 00", "00ffff001b039b18" + std::string(kDefaultKeyHex), "", 0x6A86},
      {"AES-128 with 24 bytes", "00ffffff1b089b18" + std::string(kDefaultKeyHex), "", 0x6A80},
      {"3DES with 16 bytes", "00ffffff13039b1001020304050607080102030405060708", "", 0x6A80},
      {"RSA algorithm", "00ffffff1b079b18" + std::string(kDefaultKeyHex), "", 0x6A80},
      {"9A instead of 9B", "00ffffff1b039a18" + std::string(kDefaultKeyHex), "", 0x6A80},
      {"length byte too long", "00ffffff1b039b19" + std::string(kDefaultKeyHex), "", 0x6A80},
      {"only a header", "00ffffff02039b", "", 0x6A80},
      {"key unchanged", "00f7009b", "010103 02020001 050101"},
      {"same default key again", key24, ""},
      {"still reported default", "00f7009b", "010103 02020001 050101"},
      {"AES-128 with touch", "00fffffe13089b1000112233445566778899aabbccddeeff", ""},
      {"metadata: AES-128, touch always, not default", "00f7009b", "010108 02020002 050100"},
  });
}

struct KeyCase {
  Algorithm alg;
  const char* key_hex;
};

class PivManagementKeyAlgorithms : public ::testing::TestWithParam<KeyCase> {};

TEST_P(PivManagementKeyAlgorithms, NewKeyAuthenticatesMutuallyAndExternally) {
  const Algorithm alg = GetParam().alg;
  const Bytes key = HexOrDie(GetParam().key_hex);
  PivToken token;
  token.AuthenticateManagementKey();
  Bytes data = {static_cast<std::uint8_t>(alg), 0x9B, static_cast<std::uint8_t>(key.size())};
  Append(data, key);
  ASSERT_EQ(token.Send(Apdu(0xFF, 0xFF, 0xFF, data)).sw, 0x9000);
  EXPECT_EQ(ToHex(token.Send("00f7009b").data),
            ToHex(Bytes{0x01, 0x01, static_cast<std::uint8_t>(alg), 0x02, 0x02, 0x00, 0x01, 0x05,
                        0x01, 0x00}));

  token.PowerCycle();
  // The old key no longer works, and P1 must name the new algorithm.
  EXPECT_EQ(token.Send(kWitnessRequest).sw, alg == Algorithm::kTdes ? 0x9000 : 0x6A86);
  token.AuthenticateManagementKey(alg, key);
  EXPECT_EQ(token.Send(kAdminProbe).sw, 0x9000);

  token.PowerCycle();
  EXPECT_EQ(AuthenticateExternally(token, alg, key).sw, 0x9000);
  EXPECT_EQ(token.Send(kAdminProbe).sw, 0x9000);

  token.PowerCycle();
  Bytes wrong = key;
  wrong.back() ^= 0x02;  // bit 0 is DES parity
  EXPECT_EQ(AuthenticateExternally(token, alg, wrong).sw, 0x6982);
  EXPECT_EQ(token.Send(kAdminProbe).sw, 0x6982);
}

INSTANTIATE_TEST_SUITE_P(
    EveryAlgorithm, PivManagementKeyAlgorithms,
    ::testing::Values(KeyCase{Algorithm::kTdes, "0f0e0d0c0b0a09080706050403020100f1f2f3f4f5f6f7f8"},
                      KeyCase{Algorithm::kAes128, "000102030405060708090a0b0c0d0e0f"},
                      KeyCase{Algorithm::kAes192,
                              "000102030405060708090a0b0c0d0e0f1011121314151617"},
                      KeyCase{Algorithm::kAes256,
                              "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"}),
    [](const ::testing::TestParamInfo<KeyCase>& p) {
      std::string name(piv::AlgorithmName(p.param.alg));
      std::erase(name, '-');
      return name;
    });

}  // namespace
}  // namespace tessera::sim::pivtest
