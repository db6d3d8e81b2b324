// SELECT, GET VERSION, GET SERIAL, and instructions the applet does not have.
#include <gtest/gtest.h>

#include "tests/unit/firmware-sim/piv/piv_token.hpp"

namespace tessera::sim::pivtest {
namespace {

// SP 800-73-4 Part 2 §3.1.1: 61 { 4F PIX, 79 { 4F RID }, 50 label, AC { 80 alg.., 06 00 } }.
constexpr char kPropertyTemplate[] =
    "6147"
    "4f06000010000100"
    "79074f05a000000308"
    "500b5465737365726120504956"
    "ac27"
    "80010380010880010a80010c800106800107800105800116800111800114"
    "8001e08001e1"
    "060100";

TEST(PivSelect, AnswersWithTheApplicationPropertyTemplate) {
  PivToken token;
  token.Run({
      {"select by RID", "00a4040005a000000308", kPropertyTemplate},
      {"select by full AID", "00a404000ba0000003080000100001 00", kPropertyTemplate},
  });
}

TEST(PivSelect, ReselectingKeepsThePinVerified) {
  PivToken token;
  token.VerifyPin();
  token.Select();
  token.Run({{"PIN still verified", "0020008000", ""}});
}

TEST(PivSelect, PowerOffForgetsThePinAndTheManagementKey) {
  PivToken token;
  token.VerifyPin();
  token.AuthenticateManagementKey();
  token.PowerCycle();
  token.Run({
      {"PIN no longer verified", "0020008000", "", 0x63C3},
      {"PUT DATA refused", "00db3fff085c017e5303010203", "", 0x6982},
  });
}

TEST(PivInfo, ReportsVersionAndSerial) {
  PivToken token;
  token.Run({
      {"GET VERSION", "00fd0000", "050702"},
      {"GET VERSION with Le", "00fd000000", "050702"},
      {"GET SERIAL 12345678", "00f80000", "00bc614e"},
  });
}

// docs/piv-extensions.md: the Tessera instructions answer as documented
// (their own tests cover them; this only shows they are dispatched).
TEST(PivInfo, TesseraInstructionsAreDispatched) {
  PivToken token;
  token.Run({
      {"F2 unwrap-and-store, P2 00", "00f20000", "", 0x6A86},
      {"F4 secret-key manage, P2 00", "00f4010003010203", "", 0x6A86},
      {"F5 list on a new token is empty", "00f50000", ""},
  });
}

TEST(PivInfo, UnknownInstructionsAreRejected) {
  PivToken token;
  token.Run({
      {"INS 01", "00010000", "", 0x6D00},
      {"INS B0 (READ BINARY)", "00b00000", "", 0x6D00},
      {"INS F1 (free between Tessera ones)", "00f10000", "", 0x6D00},
      {"INS F6 (YubiKey 5.7 MOVE KEY, left free)", "00f60000", "", 0x6D00},
      {"INS FC", "00fc0000", "", 0x6D00},
  });
}

TEST(PivInfo, RealisticLatencyIsChargedForPinChecksAndCommits) {
  PivToken token;
  auto before = token.clock().slept();
  token.VerifyPin();
  // One PIN check and two commits (decrement, restore) at least.
  EXPECT_GE((token.clock().slept() - before).count(), 15000 + 2 * 8000);
}

}  // namespace
}  // namespace tessera::sim::pivtest
