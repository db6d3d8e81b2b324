// Power cuts at every write index of F3 02 REG FINISH (docs/piv-extensions.md
// "F3", "Tearing"): K's record and the time floor go in one transaction, so
// after any cut the token holds no K and the old floor, or the whole K (it
// logs in against the gateway) and the new floor. Never a K without its
// floor or a floor without its K.
#include <gtest/gtest.h>

#include "tests/unit/firmware-sim/piv/reg_fixture.hpp"
#include "tests/unit/firmware-sim/piv/tearing_fixture.hpp"

namespace tessera::sim::pivtest {
namespace {

constexpr std::uint64_t kHostTime = kRegNow + 1000;

class RegistrationTearing : public PivTearing {
 protected:
  RegGateway gw_;
};

TEST_F(RegistrationTearing, RegisterFinishLeavesNoKOrTheWholeKAndItsFloor) {
  SetUpBase([&](PivToken& token) { EmbedIssuerKey(token.storage(), gw_.IssuerPoint()); });
  // The replays draw the same randomness (kTearingSeed), so REG BEGIN gives
  // the same R1 each time and one R2 answers all of them.
  const Bytes begin = RegBeginData(gw_.Hello(), kHostTime);
  Bytes r1;
  std::filesystem::copy_file(base(), work(), std::filesystem::copy_options::overwrite_existing);
  WithToken(work(), nullptr, [&](PivToken& token) {
    token.Select();
    token.VerifyPin();
    ResponseApdu r = token.Send(F3(0x01, 0x00, begin));
    ASSERT_EQ(r.sw, 0x9000);
    r1 = r.data;
  });
  const std::optional<Bytes> r2 = gw_.Answer(r1);
  ASSERT_TRUE(r2.has_value());

  TornOperation op{[&](PivToken& token) {
                     token.Select();
                     token.VerifyPin();
                     ResponseApdu r = token.Send(F3(0x01, 0x00, begin));
                     ASSERT_EQ(r.sw, 0x9000);
                     ASSERT_EQ(ToHex(r.data), ToHex(r1)) << "a replay drew other randomness";
                   },
                   F3(0x02, 0xC0, *r2)};
  std::size_t whole = 0, none = 0;
  TearAtEveryWrite(op, [&](PivToken& token) {
    token.Select();
    token.VerifyPin();
    ResponseApdu status = token.Send(F3(0x00, 0x00));
    ASSERT_EQ(status.sw, 0x9000);
    Bytes floor;
    PutU64(floor, kHostTime);
    const std::string floor_hex = ToHex(ByteView(status.data).last(8));
    ResponseApdu a1 = token.Send(F3(0x03, 0xC0));
    if (a1.sw == 0x6A88) {
      ++none;
      EXPECT_EQ(floor_hex, "0000000000000000") << "a floor without its K";
      return;
    }
    ++whole;
    ASSERT_EQ(a1.sw, 0x9000);
    EXPECT_EQ(floor_hex, ToHex(floor)) << "a K without its floor";
    ResponseApdu a3 = token.Send(F3(0x04, 0xC0, gw_.Challenge(a1.data)));
    ASSERT_EQ(a3.sw, 0x9000) << "the stored K is the gateway's";
    std::optional<Bytes> ses = gw_.Finish(SplitFirst(a3.data).message);
    ASSERT_TRUE(ses.has_value());
    EXPECT_EQ(ToHex(SplitFirst(a3.data).rest), "9320" + ToHex(*ses));
  });
  EXPECT_GE(whole, 1u) << "the uncut run";
  EXPECT_GE(none, 1u) << "the cuts";
  RecordProperty("cuts", static_cast<int>(whole + none - 1));
}

}  // namespace
}  // namespace tessera::sim::pivtest
