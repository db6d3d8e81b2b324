// YubiKey PIN policies on private-key operations: never, once (until
// deselect, power off or VERIFY P1=FF) and always (one operation per
// VERIFY), and the per-slot defaults.
#include <gtest/gtest.h>

#include "tests/unit/firmware-sim/piv/oracle.hpp"
#include "tests/unit/firmware-sim/piv/piv_token.hpp"

namespace tessera::sim::pivtest {
namespace {

using piv::Algorithm;

std::uint16_t Sign(PivToken& token, std::uint8_t slot) {
  return token.Operate(slot, Algorithm::kEccP256, 0x81, Sha256(AsBytes("x"))).sw;
}

TEST(PivPinPolicy, NeverNeedsNoPin) {
  PivToken token;
  token.AuthenticateManagementKey();
  token.Generate(0x9A, Algorithm::kEccP256, 0x01);
  EXPECT_EQ(Sign(token, 0x9A), 0x9000);
  EXPECT_EQ(Sign(token, 0x9A), 0x9000);
}

TEST(PivPinPolicy, OnceLastsUntilClearedOrPoweredOff) {
  PivToken token;
  token.AuthenticateManagementKey();
  token.Generate(0x9A, Algorithm::kEccP256, 0x02);
  EXPECT_EQ(Sign(token, 0x9A), 0x6982);
  token.VerifyPin();
  EXPECT_EQ(Sign(token, 0x9A), 0x9000);
  EXPECT_EQ(Sign(token, 0x9A), 0x9000);
  EXPECT_EQ(token.Send("0020ff80").sw, 0x9000);
  EXPECT_EQ(Sign(token, 0x9A), 0x6982);
  token.VerifyPin();
  token.PowerCycle();
  EXPECT_EQ(Sign(token, 0x9A), 0x6982);
}

TEST(PivPinPolicy, AlwaysNeedsAVerifyBeforeEachOperation) {
  PivToken token;
  token.AuthenticateManagementKey();
  token.Generate(0x9C, Algorithm::kEccP256, 0x03);
  token.Generate(0x9A, Algorithm::kEccP256, 0x02);
  EXPECT_EQ(Sign(token, 0x9C), 0x6982);
  token.VerifyPin();
  EXPECT_EQ(Sign(token, 0x9C), 0x9000);
  EXPECT_EQ(Sign(token, 0x9C), 0x6982);
  // The "once" key is still usable: only the always-grant was used up.
  EXPECT_EQ(Sign(token, 0x9A), 0x9000);
  token.VerifyPin();
  EXPECT_EQ(Sign(token, 0x9C), 0x9000);
}

TEST(PivPinPolicy, AFailedOperationDoesNotUseUpTheAlwaysGrant) {
  PivToken token;
  token.AuthenticateManagementKey();
  token.Generate(0x9C, Algorithm::kEccP256, 0x03);
  token.VerifyPin();
  EXPECT_EQ(token.Operate(0x9C, Algorithm::kEccP256, 0x85, Bytes(65, 0x04)).sw, 0x6A80);
  EXPECT_EQ(Sign(token, 0x9C), 0x9000);
}

TEST(PivPinPolicy, DefaultsFollowTheSlot) {
  PivToken token;
  token.AuthenticateManagementKey();
  struct Row {
    std::uint8_t slot;
    const char* policies;  // metadata tag 02: PIN policy, touch policy
  };
  for (Row row : {Row{0x9A, "02020201"}, Row{0x9C, "02020301"}, Row{0x9D, "02020201"},
                  Row{0x9E, "02020101"}, Row{0x82, "02020201"}, Row{0x95, "02020201"}}) {
    SCOPED_TRACE(ToHex(Bytes{row.slot}));
    token.Generate(row.slot, Algorithm::kEccP256);
    std::string meta = ToHex(token.Send(Apdu(0xF7, 0x00, row.slot)).data);
    EXPECT_EQ(meta.substr(6, 8), row.policies);
  }
}

}  // namespace
}  // namespace tessera::sim::pivtest
