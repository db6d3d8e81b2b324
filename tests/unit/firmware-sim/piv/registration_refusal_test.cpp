// Every refusal of F3 REGISTRATION in the order docs/piv-extensions.md "F3"
// lists them, each with its status word, nothing stored (the F5 list stays
// empty) and the step's pending state dropped.
#include <gtest/gtest.h>

#include <functional>

#include "common/registration/messages.hpp"
#include "common/tlv.hpp"
#include "tests/unit/firmware-sim/piv/reg_fixture.hpp"
#include "tests/unit/firmware-sim/piv/secret_commands.hpp"

namespace tessera::sim::pivtest {
namespace {

namespace reg = tessera::registration;

class RegistrationRefusals : public RegFixture {
 protected:
  // REG BEGIN with `data`; expects `sw` and no key afterwards.
  void ExpectBegin(const char* name, std::uint8_t p2, const Bytes& data, std::uint16_t sw) {
    SCOPED_TRACE(name);
    EXPECT_EQ(token_.Send(F3(0x01, p2, data)).sw, sw) << std::hex << sw;
    EXPECT_EQ(SecretKeys(), "");
  }
  Bytes GoodBegin(std::uint64_t time = kRegNow) { return RegBeginData(gw_.Hello(), time); }
  Bytes BeginWith(const CertShape& shape, std::uint64_t time = kRegNow) {
    return RegBeginData(gw_.Hello(gw_.Certificate(shape)), time);
  }
  // A pending REG BEGIN and the gateway's good answer to it.
  Bytes Pending() {
    ResponseApdu r1 = Begin();
    EXPECT_EQ(r1.sw, 0x9000);
    return gw_.Answer(r1.data).value_or(Bytes{});
  }
  // `finish` is refused with `sw`, stores nothing, and uses up the BEGIN.
  void ExpectFinishRefused(const char* name, std::uint8_t p2, const Bytes& data, std::uint16_t sw,
                           const Bytes& good) {
    SCOPED_TRACE(name);
    const std::string before = SecretKeys();
    EXPECT_EQ(token_.Send(F3(0x02, p2, data)).sw, sw) << std::hex << sw;
    EXPECT_EQ(SecretKeys(), before);
    EXPECT_EQ(token_.Send(F3(0x02, 0xFF, good)).sw, 0x6985) << "one attempt per BEGIN";
  }
};

TEST_F(RegistrationRefusals, RegisterBeginInOrder) {
  ossl::PkeyPtr stranger = FixedP256(0x77);
  Bytes good = GoodBegin();
  Bytes bad_r0 = good;
  bad_r0[1] ^= 0x01;  // the length of E1
  Bytes garbage_cert = RegBeginData(gw_.Hello(Bytes(64, 0x30)));
  CertShape ca;
  ca.basic_constraints = "critical,CA:TRUE";
  CertShape no_agreement;
  no_agreement.key_usage = "critical,digitalSignature";
  CertShape no_eku;
  no_eku.extended_usage = "serverAuth";
  CertShape by_stranger;
  by_stranger.signer = stranger.get();
  CertShape expired;
  expired.not_after = kRegNow - 1;

  ExpectBegin("P2 01 (and PIN cleared next)", 0x01, good, 0x6A86);
  token_.Send("0020ff80");
  ExpectBegin("PIN not verified", 0x00, GoodBegin(), 0x6982);
  ExpectBegin("PIN not verified beats malformed", 0x00, Bytes{0x01}, 0x6982);
  token_.VerifyPin();
  ExpectBegin("empty", 0x00, {}, 0x6A80);
  ExpectBegin("R0 cut", 0x00, bad_r0, 0x6A80);
  ExpectBegin("no host time", 0x00, gw_.Hello(), 0x6A80);
  Bytes short_time = gw_.Hello();
  Append(short_time, HexOrDie("8407 00000000000000 8501c0"));
  ExpectBegin("host time 7 bytes", 0x00, short_time, 0x6A80);
  Bytes no_info = gw_.Hello();
  Append(no_info, HexOrDie("8408 0000000000000001"));
  ExpectBegin("no user info", 0x00, no_info, 0x6A80);
  ExpectBegin("empty user info", 0x00, RegBeginData(gw_.Hello(), kRegNow, {}), 0x6A80);
  ExpectBegin("user info 1025", 0x00, RegBeginData(gw_.Hello(), kRegNow, Bytes(1025, 1)), 0x6A80);
  Bytes trailing = GoodBegin();
  trailing.push_back(0x00);
  ExpectBegin("trailing byte", 0x00, trailing, 0x6A80);
  ExpectBegin("unparseable certificate", 0x00, garbage_cert, 0x6A80);
  ExpectBegin("another issuer", 0x00, BeginWith(by_stranger), 0x6300);
  ExpectBegin("expired", 0x00, BeginWith(expired), 0x6985);
  ExpectBegin("not yet valid", 0x00, GoodBegin(kRegNow - 7200), 0x6985);
  ExpectBegin("no keyAgreement", 0x00, BeginWith(no_agreement), 0x6984);
  ExpectBegin("no id-kp-tesseraRegServer", 0x00, BeginWith(no_eku), 0x6984);
  ExpectBegin("CA:TRUE", 0x00, BeginWith(ca), 0x6984);
  CertShape expired_stranger = expired;
  expired_stranger.signer = stranger.get();
  ExpectBegin("another issuer beats expired", 0x00, BeginWith(expired_stranger), 0x6300);
  // Without an embedded issuer key, after the data checks.
  PivToken bare(3);
  bare.Select();
  bare.VerifyPin();
  EXPECT_EQ(bare.Send(F3(0x01, 0x00, Bytes{0x01})).sw, 0x6A80);
  EXPECT_EQ(bare.Send(F3(0x01, 0x00, GoodBegin())).sw, 0x6A88);
}

TEST_F(RegistrationRefusals, ARefusedBeginLeavesNoPendingRegistration) {
  ResponseApdu r1 = Begin();
  std::optional<Bytes> r2 = gw_.Answer(r1.data);
  CertShape expired;
  expired.not_after = kRegNow - 1;
  EXPECT_EQ(token_.Send(F3(0x01, 0x00, BeginWith(expired))).sw, 0x6985);
  EXPECT_EQ(token_.Send(F3(0x02, 0xFF, *r2)).sw, 0x6985);
}

TEST_F(RegistrationRefusals, RegisterFinishInOrder) {
  Bytes good = Pending();
  ExpectFinishRefused("P2 9A", 0x9A, good, 0x6A86, good);
  ExpectFinishRefused("P2 E0", 0xE0, good, 0x6A86, good);
  EXPECT_EQ(token_.Send(F3(0x02, 0xFF, good)).sw, 0x6985) << "no REG BEGIN";

  good = Pending();
  token_.Send("0020ff80");
  ExpectFinishRefused("PIN not verified", 0xFF, good, 0x6982, good);
  token_.VerifyPin();

  good = Pending();
  Bytes cut = good;
  cut.pop_back();
  ExpectFinishRefused("R2 cut", 0xFF, cut, 0x6A80, good);
  good = Pending();
  Bytes bad_policy = good;
  Append(bad_policy, HexOrDie("020104"));
  ExpectFinishRefused("PIN policy 04", 0xFF, bad_policy, 0x6A80, good);
  good = Pending();
  Bytes other_tag = good;
  Append(other_tag, HexOrDie("030102"));
  ExpectFinishRefused("a tag other than 02", 0xFF, other_tag, 0x6A80, good);

  good = Pending();
  Bytes tampered = good;
  tampered[tampered.size() - 20] ^= 0x01;  // a bit of C2
  ExpectFinishRefused("tampered C2", 0xFF, tampered, 0x6300, good);

  ResponseApdu r1 = Begin();
  const Bytes ssk2(32, 0x52);
  Bytes long_ssk2 = EncodeTlv(0x8B, Bytes(31, 0x52));
  Append(long_ssk2, EncodeTlv(0x8A, BytesOf("UABCDEFGH2345")));
  std::optional<Bytes> malformed = gw_.Answer(r1.data, kUidc, long_ssk2);
  ExpectFinishRefused("SSK2 of 31 bytes", 0xFF, *malformed, 0x6984, *malformed);
  r1 = Begin();
  std::optional<Bytes> bad_uidc = gw_.Answer(r1.data, "uabcdefgh");
  ExpectFinishRefused("UIDC in lower case", 0xFF, *bad_uidc, 0x6984, *bad_uidc);

  // A slot that holds another key: an F4 import, or another server's K.
  token_.AuthenticateManagementKey();
  ASSERT_EQ(token_.Send(ImportSecret(0xC3, 0x20, Bytes(32, 1), SecretAttributes(0x0001))).sw,
            0x9000);
  good = Pending();
  ExpectFinishRefused("slot holds an F4 key", 0xC3, good, 0x6985, good);
  RegGateway other(0x1C, 0x5F);  // same issuer, another gateway key
  r1 = token_.Send(F3(0x01, 0x00, RegBeginData(other.Hello())));
  ASSERT_EQ(r1.sw, 0x9000);
  ASSERT_EQ(token_.Send(F3(0x02, 0xC4, *other.Answer(r1.data))).sw, 0x9000);
  good = Pending();
  ExpectFinishRefused("slot holds another server's K", 0xC4, good, 0x6985, good);

  for (int i = 0;
       i < 32 && token_.Send(GenerateSecret(0xFF, 0x08, SecretAttributes(1))).sw == 0x9000; ++i) {
  }
  good = Pending();
  ExpectFinishRefused("no free slot", 0xFF, good, 0x6A84, good);
}

TEST_F(RegistrationRefusals, AuthBeginInOrder) {
  ASSERT_EQ(Register(0xC0).sw, 0x9000);
  token_.AuthenticateManagementKey();
  ASSERT_EQ(token_.Send(ImportSecret(0xC1, 0x20, Bytes(32, 1), SecretAttributes(0x0001))).sw,
            0x9000);
  token_.Run({
      {"P2 9A", Hex(F3(0x03, 0x9A)), "", 0x6A86},
      {"P2 FF", Hex(F3(0x03, 0xFF)), "", 0x6A86},
      {"empty slot", Hex(F3(0x03, 0xC9)), "", 0x6A88},
      {"an F4 key", Hex(F3(0x03, 0xC1)), "", 0x6985},
      {"data", Hex(F3(0x03, 0xC0, Bytes{0x01})), "", 0x6A80},
      {"clear the PIN", "0020ff80", ""},
      {"PIN policy once, not verified", Hex(F3(0x03, 0xC0)), "", 0x6982},
      {"PIN before usage", Hex(F3(0x03, 0xC1)), "", 0x6982},
  });
}

TEST_F(RegistrationRefusals, AuthFinishInOrder) {
  ASSERT_EQ(Register(0xC0).sw, 0x9000);
  ASSERT_EQ(Register(0xC1).sw, 0x9000);  // gw_ now holds C1's K
  auto refused = [&](const char* name, std::uint8_t begin_slot, std::uint8_t finish_slot,
                     const std::function<Bytes(const Bytes& a2)>& change, std::uint16_t sw) {
    SCOPED_TRACE(name);
    ResponseApdu a1 = token_.Send(F3(0x03, begin_slot));
    ASSERT_EQ(a1.sw, 0x9000);
    const Bytes a2 = gw_.Challenge(a1.data);
    EXPECT_EQ(token_.Send(F3(0x04, finish_slot, change(a2))).sw, sw) << std::hex << sw;
    EXPECT_EQ(token_.Send(F3(0x04, begin_slot, a2)).sw, 0x6985) << "one attempt per BEGIN";
  };
  auto same = [](const Bytes& a2) { return a2; };
  EXPECT_EQ(token_.Send(F3(0x04, 0xC1, Bytes(70, 0))).sw, 0x6985) << "AUTH FINISH without BEGIN";
  refused("P2 FF", 0xC1, 0xFF, same, 0x6A86);
  refused("BEGIN on another slot", 0xC0, 0xC1, same, 0x6985);
  refused(
      "cut", 0xC1, 0xC1, [](const Bytes& a2) { return Bytes(a2.begin(), a2.end() - 1); }, 0x6A80);
  refused(
      "no Ms", 0xC1, 0xC1, [](const Bytes& a2) { return Bytes(a2.begin(), a2.end() - 34); },
      0x6A80);
  refused(
      "Es off the curve", 0xC1, 0xC1,
      [](const Bytes& a2) {
        Bytes changed = a2;
        const std::size_t es_last = 2 + 18 + 34 + 2 + 64;  // E6 hdr, 90, 80, 86 hdr, X||Y
        changed[es_last] ^= 0x01;
        return changed;
      },
      0x6A80);
  refused(
      "one byte of the session ID", 0xC1, 0xC1,
      [](const Bytes& a2) {
        Bytes changed = a2;
        changed[4] ^= 0x01;
        return changed;
      },
      0x6300);
  refused(
      "one byte of Ms", 0xC1, 0xC1,
      [](const Bytes& a2) {
        Bytes changed = a2;
        changed.back() ^= 0x01;
        return changed;
      },
      0x6300);
  refused("K of another slot (C0's login answered with C1's K)", 0xC0, 0xC0, same, 0x6300);

  // A replayed A2: an old challenge answered into a new login.
  ResponseApdu old_a1 = token_.Send(F3(0x03, 0xC1));
  const Bytes old_a2 = gw_.Challenge(old_a1.data);
  ResponseApdu old = token_.Send(F3(0x04, 0xC1, old_a2));
  ASSERT_EQ(old.sw, 0x9000);
  ASSERT_EQ(token_.Send(F3(0x03, 0xC1)).sw, 0x9000);
  EXPECT_EQ(token_.Send(F3(0x04, 0xC1, old_a2)).sw, 0x6300);

  // Reflection: the token's own Mc sent back as Ms.
  ResponseApdu a1 = token_.Send(F3(0x03, 0xC1));
  auto challenge = reg::DecodeAuthChallenge(gw_.Challenge(a1.data)).value();
  challenge.mac = reg::DecodeAuthFinish(SplitFirst(old.data).message).value().mac;
  EXPECT_EQ(token_.Send(F3(0x04, 0xC1, reg::Encode(challenge))).sw, 0x6300);
}

}  // namespace
}  // namespace tessera::sim::pivtest
