// F3 REGISTRATION against a reference gateway written with
// common/registration (docs/piv-extensions.md "F3",
// docs/registration-protocol.md): the status read, a registration and a
// login in which both sides reach the same K and SES, what K looks like in
// its slot, and the state rules (one attempt per BEGIN, power off, the time
// floor, RESET).
#include <gtest/gtest.h>

#include "common/tlv.hpp"
#include "tests/unit/firmware-sim/piv/reg_fixture.hpp"
#include "tests/unit/firmware-sim/piv/secret_commands.hpp"

namespace tessera::sim::pivtest {
namespace {

std::string Hex(std::string_view text) { return ToHex(BytesOf(text)); }
std::string U64Hex(std::uint64_t v) {
  Bytes b;
  PutU64(b, v);
  return ToHex(b);
}

// K's metadata in `slot`: generic, PIN policy `pin` and touch never,
// derived, registration only, "reg <UIDC>", the gateway's SPKI hash.
std::string KMetadata(const RegGateway& gw, std::uint8_t slot, std::string_view pin = "02") {
  return "010120" + std::string("0202") + std::string(pin) + "01" + "030103" + "0a020040" + "0b11" +
         Hex("reg UABCDEFGH2345") + "0c20" + ToHex(gw.ServerSpkiHash()) + "0d01" +
         ToHex(Bytes{slot}) + "0e0120";
}

using RegistrationFlow = RegFixture;

TEST_F(RegistrationFlow, StatusShowsTheIssuerKeyItsVersionAndTheTimeFloor) {
  token_.Run({
      {"status", "00f3000000", "9541" + ToHex(gw_.IssuerPoint()) + "960101" + "8408" + U64Hex(0)},
      {"P2 01", "00f3000100", "", 0x6A86},
      {"data", "00f300000101", "", 0x6A80},
      {"P1 05", "00f3050000", "", 0x6A86},
  });
  PivToken bare(2);
  bare.Select();
  bare.Run({{"no issuer key: the floor only", "00f3000000", "8408" + U64Hex(0)}});
}

TEST_F(RegistrationFlow, RegisterThenLogInAndBothSidesHoldTheSameKeys) {
  ResponseApdu r1 = Begin();
  ASSERT_EQ(r1.sw, 0x9000);
  ASSERT_TRUE(tessera::registration::DecodeRegRequest(r1.data).ok()) << ToHex(r1.data);
  std::optional<Bytes> r2 = gw_.Answer(r1.data);
  ASSERT_TRUE(r2.has_value());
  EXPECT_EQ(ToHex(gw_.user_info()), "c005616c696365") << "the user identification crossed";
  ResponseApdu r3 = token_.Send(F3(0x02, 0xFF, *r2));
  ASSERT_EQ(r3.sw, 0x9000);
  Split split = SplitFirst(r3.data);
  EXPECT_TRUE(gw_.CheckConfirm(split.message)) << "Mconf proves the same K";
  EXPECT_EQ(ToHex(split.rest), ToHex(EncodeTlv(0xA0, HexOrDie(KMetadata(gw_, 0xC0)))));
  EXPECT_EQ(SecretKeys(), ToHex(EncodeTlv(0xA0, HexOrDie(KMetadata(gw_, 0xC0)))));
  EXPECT_EQ(Floor(), U64Hex(kRegNow)) << "raised to the host time (above notBefore)";

  ResponseApdu a1 = token_.Send(F3(0x03, 0xC0));
  ASSERT_EQ(a1.sw, 0x9000);
  auto hello = tessera::registration::DecodeAuthHello(a1.data);
  ASSERT_TRUE(hello.ok());
  EXPECT_EQ(hello->uidc, kUidc);
  ResponseApdu a3 = token_.Send(F3(0x04, 0xC0, gw_.Challenge(a1.data)));
  ASSERT_EQ(a3.sw, 0x9000);
  split = SplitFirst(a3.data);
  std::optional<Bytes> ses = gw_.Finish(split.message);
  ASSERT_TRUE(ses.has_value()) << "Mc proves K to the gateway";
  EXPECT_EQ(ToHex(split.rest), "9320" + ToHex(*ses)) << "the same SES";
  EXPECT_NE(ToHex(*ses), ToHex(gw_.k().view()));

  // A second login: new nonces and ephemeral keys, another SES.
  ResponseApdu again = Login(0xC0);
  ASSERT_EQ(again.sw, 0x9000);
  split = SplitFirst(again.data);
  std::optional<Bytes> ses2 = gw_.Finish(split.message);
  ASSERT_TRUE(ses2.has_value());
  EXPECT_EQ(ToHex(split.rest), "9320" + ToHex(*ses2));
  EXPECT_NE(*ses, *ses2);
}

TEST_F(RegistrationFlow, AnExtendedLengthOrChainedCertificateGoesThrough) {
  // R0 with its certificate is more than a short APDU holds: Register()
  // sends it extended; here it goes as a chain of two short commands.
  const Bytes data = RegBeginData(gw_.Hello());
  ASSERT_GT(data.size(), 255u);
  CommandApdu first = F3(0x01, 0x00, Bytes(data.begin(), data.begin() + 200));
  first.cla = 0x10;
  ASSERT_EQ(token_.Send(first).sw, 0x9000) << "first part of the chain";
  ResponseApdu chained = token_.Send(F3(0x01, 0x00, Bytes(data.begin() + 200, data.end())));
  ASSERT_EQ(chained.sw, 0x9000);
  ResponseApdu r3 = token_.Send(F3(0x02, 0xC5, *gw_.Answer(chained.data)));
  EXPECT_EQ(r3.sw, 0x9000);
}

TEST_F(RegistrationFlow, KUsesNothingButTheLogin) {
  ASSERT_EQ(Register().sw, 0x9000);
  for (std::uint8_t op : {0x20, 0x21, 0x40}) {
    SCOPED_TRACE(static_cast<int>(op));
    EXPECT_EQ(token_.Send(OperateSecret(op, 0xC0, EncodeTlv(0x81, Bytes{1}))).sw, 0x6985);
  }
  token_.AuthenticateManagementKey();
  EXPECT_EQ(token_.Send(Apdu(0xF4, 0x04, 0xC1, HexOrDie("010120 9001c0 0a020001"))).sw, 0x6985)
      << "not a base for F4 04";
}

TEST_F(RegistrationFlow, PinPolicyAlwaysNeedsAVerifyPerLoginAndNeverIsRefused) {
  ResponseApdu never = Register(0xFF, kRegNow, HexOrDie("020101"));
  EXPECT_EQ(never.sw, 0x6A80);
  EXPECT_EQ(SecretKeys(), "");
  ResponseApdu always = Register(0xC2, kRegNow, HexOrDie("020103"));
  ASSERT_EQ(always.sw, 0x9000);
  EXPECT_EQ(ToHex(SplitFirst(always.data).rest),
            ToHex(EncodeTlv(0xA0, HexOrDie(KMetadata(gw_, 0xC2, "03")))));
  token_.VerifyPin();
  ASSERT_EQ(Login(0xC2).sw, 0x9000);
  EXPECT_EQ(token_.Send(F3(0x03, 0xC2)).sw, 0x6982) << "the VERIFY was spent";
  token_.VerifyPin();
  EXPECT_EQ(Login(0xC2).sw, 0x9000);
}

TEST_F(RegistrationFlow, ARerunForTheSameServerReplacesKInItsSlot) {
  ASSERT_EQ(Register(0xC7).sw, 0x9000);
  const Bytes first_k(gw_.k().view().begin(), gw_.k().view().end());
  ASSERT_EQ(Register(0xC7).sw, 0x9000);
  EXPECT_NE(ToHex(first_k), ToHex(gw_.k().view()));
  EXPECT_EQ(SecretKeys(), ToHex(EncodeTlv(0xA0, HexOrDie(KMetadata(gw_, 0xC7)))));
  ResponseApdu login = Login(0xC7);
  ASSERT_EQ(login.sw, 0x9000);
  EXPECT_TRUE(gw_.Finish(SplitFirst(login.data).message).has_value()) << "the new K";
}

TEST_F(RegistrationFlow, ABeginGivesOneAttemptAndPowerOffDropsIt) {
  // A new REG BEGIN replaces the pending one: the first hello's answer no
  // longer opens.
  ResponseApdu first = Begin();
  std::optional<Bytes> answer_to_first = gw_.Answer(first.data);
  ASSERT_EQ(Begin().sw, 0x9000);
  EXPECT_EQ(token_.Send(F3(0x02, 0xFF, *answer_to_first)).sw, 0x6300);
  EXPECT_EQ(token_.Send(F3(0x02, 0xFF, *answer_to_first)).sw, 0x6985) << "used up";

  ResponseApdu r1 = Begin();
  std::optional<Bytes> r2 = gw_.Answer(r1.data);
  token_.PowerCycle();
  token_.VerifyPin();
  EXPECT_EQ(token_.Send(F3(0x02, 0xFF, *r2)).sw, 0x6985);

  ASSERT_EQ(Register().sw, 0x9000);
  ResponseApdu a1 = token_.Send(F3(0x03, 0xC0));
  ASSERT_EQ(a1.sw, 0x9000);
  const Bytes a2 = gw_.Challenge(a1.data);
  token_.PowerCycle();
  token_.VerifyPin();
  EXPECT_EQ(token_.Send(F3(0x04, 0xC0, a2)).sw, 0x6985);
  EXPECT_EQ(SecretKeys(), ToHex(EncodeTlv(0xA0, HexOrDie(KMetadata(gw_, 0xC0)))));
}

TEST_F(RegistrationFlow, TheTimeFloorRisesOnlyWithACompletedRegistration) {
  EXPECT_EQ(Floor(), U64Hex(0));
  // A far-future host time makes the certificate look expired; it does not
  // move the floor.
  EXPECT_EQ(Begin(kRegNow + 10ULL * 86400).sw, 0x6985);
  EXPECT_EQ(Floor(), U64Hex(0));
  // A BEGIN without its FINISH leaves the floor too.
  ASSERT_EQ(Begin(kRegNow + 60).sw, 0x9000);
  EXPECT_EQ(Floor(), U64Hex(0));
  ASSERT_EQ(Register(0xFF, kRegNow + 100).sw, 0x9000);
  EXPECT_EQ(Floor(), U64Hex(kRegNow + 100));
  EXPECT_EQ(Begin(kRegNow + 99).sw, 0x6985) << "below the floor";
  EXPECT_EQ(Begin(kRegNow + 100).sw, 0x9000) << "at the floor";
  // An earlier host time than the floor cannot lower it.
  ASSERT_EQ(Register(0xFF, kRegNow + 100).sw, 0x9000);
  EXPECT_EQ(Floor(), U64Hex(kRegNow + 100));
}

TEST_F(RegistrationFlow, ResetErasesKAndKeepsTheIssuerKeyAndTheFloor) {
  ASSERT_EQ(Register(0xFF, kRegNow + 5).sw, 0x9000);
  for (int i = 0; i < 3; ++i) token_.Send(Apdu(0x20, 0x00, 0x80, PinBlock("000000")));
  for (int i = 0; i < 3; ++i) {
    token_.Send(Apdu(0x2C, 0x00, 0x80, Concat({PinBlock("00000000"), PinBlock("123456")})));
  }
  ASSERT_EQ(token_.Send("00fb0000").sw, 0x9000);
  EXPECT_EQ(SecretKeys(), "");
  token_.Run({{"issuer key and floor kept", "00f3000000",
               "9541" + ToHex(gw_.IssuerPoint()) + "960101" + "8408" + U64Hex(kRegNow + 5)}});
  token_.VerifyPin();
  EXPECT_EQ(token_.Send(F3(0x03, 0xC0)).sw, 0x6A88) << "K is gone";
  EXPECT_EQ(Register(0xFF, kRegNow + 5).sw, 0x9000)
      << "registering again works, not below the floor";
}

}  // namespace
}  // namespace tessera::sim::pivtest
