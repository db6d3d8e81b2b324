// VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER (SP 800-73-4 Part 2
// §3.2.1-3.2.3) and the YubiKey SET PIN RETRIES and RESET.
#include <gtest/gtest.h>

#include "tests/unit/firmware-sim/piv/piv_token.hpp"

namespace tessera::sim::pivtest {
namespace {

constexpr char kVerifyDefault[] = "0020008008313233343536ffff";  // 123456
constexpr char kVerifyWrong[] = "0020008008393939393939ffff";    // 999999
constexpr char kPinStatus[] = "0020008000";
constexpr char kPinMetadata[] = "00f70080";
constexpr char kPukMetadata[] = "00f70081";
// RESET RETRY COUNTER with the wrong PUK 87654321 and new PIN 111111.
constexpr char kUnblockWrongPuk[] = "002c0080103837363534333231313131313131ffff";
constexpr char kUnblockRightPuk[] = "002c0080103132333435363738313131313131ffff";

void BlockPin(PivToken& token) {
  for (int i = 0; i < 3; ++i) token.Send(kVerifyWrong);
  ASSERT_EQ(token.Send(kPinStatus).sw, 0x6983);
}

void BlockPuk(PivToken& token) {
  for (int i = 0; i < 3; ++i) token.Send(kUnblockWrongPuk);
  ASSERT_EQ(token.Send(kUnblockRightPuk).sw, 0x6983);
}

TEST(PivVerify, TableOfEveryOutcome) {
  PivToken token;
  token.Run({
      {"status before verifying: 3 tries", kPinStatus, "", 0x63C3},
      {"PUK reference", "00200081083132333435363738", "", 0x6A88},
      {"key reference 9A", "002000 9a08313233343536ffff", "", 0x6A88},
      {"P1 01", "0020018008313233343536ffff", "", 0x6A86},
      {"6 bytes of data", "0020008006313233343536", "", 0x6A80},
      {"9 bytes of data", "0020008009313233343536ffffff", "", 0x6A80},
      {"P1 FF with data", "0020ff8008313233343536ffff", "", 0x6A80},
      {"malformed input cost no try", kPinStatus, "", 0x63C3},
      {"wrong PIN", kVerifyWrong, "", 0x63C2},
      {"status: 2 tries", kPinStatus, "", 0x63C2},
      {"right PIN", kVerifyDefault, ""},
      {"status: verified", kPinStatus, ""},
      {"tries restored, still default", kPinMetadata, "0101ff 050101 06020303"},
      {"P1 FF clears", "0020ff80", ""},
      {"status after clearing", kPinStatus, "", 0x63C3},
      {"wrong 1", kVerifyWrong, "", 0x63C2},
      {"wrong 2", kVerifyWrong, "", 0x63C1},
      {"wrong 3", kVerifyWrong, "", 0x63C0},
      {"status: blocked", kPinStatus, "", 0x6983},
      {"right PIN while blocked", kVerifyDefault, "", 0x6983},
      {"metadata: 0 of 3", kPinMetadata, "0101ff 050101 06020300"},
  });
}

TEST(PivVerify, WrongPinClearsAnEarlierVerification) {
  PivToken token;
  token.VerifyPin();
  token.Run({
      {"wrong PIN", kVerifyWrong, "", 0x63C2},
      {"no longer verified", kPinStatus, "", 0x63C2},
  });
}

TEST(PivChangeReference, TableOfEveryOutcome) {
  PivToken token;
  token.Run({
      {"P1 01", "0024018010313233343536ffff363534333231ffff", "", 0x6A86},
      {"key reference 9B", "0024009b10313233343536ffff363534333231ffff", "", 0x6A88},
      {"15 bytes", "002400800f313233343536ffff363534333231ff", "", 0x6A80},
      {"17 bytes", "0024008011313233343536ffff363534333231ffffff", "", 0x6A80},
      {"new PIN of 5 digits", "0024008010313233343536ffff3635343332ffffff", "", 0x6A80},
      {"padding in the middle", "0024008010313233343536ffff3635ff3433323131", "", 0x6A80},
      {"empty new PIN", "0024008010313233343536ffffffffffffffffffff", "", 0x6A80},
      {"refusals cost no try", kPinStatus, "", 0x63C3},
      {"wrong old PIN", "0024008010393939393939ffff363534333231ffff", "", 0x63C2},
      {"right old PIN, new 654321", "0024008010313233343536ffff363534333231ffff", ""},
      {"no longer default, tries restored", kPinMetadata, "0101ff 050100 06020303"},
      {"old PIN refused", kVerifyDefault, "", 0x63C2},
      {"new PIN accepted", "0020008008363534333231ffff", ""},
      {"8-digit PIN without padding", "0024008010363534333231ffff3132333435363738", ""},
      {"8-digit PIN verifies", "00200080083132333435363738", ""},
      {"PUK: wrong old", "00240081103131313131313131 3837363534333231", "", 0x63C2},
      {"PUK: right old", "00240081103132333435363738 3837363534333231", ""},
      {"PUK metadata", kPukMetadata, "0101ff 050100 06020303"},
  });
}

TEST(PivChangeReference, BlockedPukCannotBeChanged) {
  PivToken token;
  BlockPuk(token);
  token.Run({{"PUK blocked", "00240081103132333435363738 3837363534333231", "", 0x6983}});
}

TEST(PivResetRetryCounter, TableOfEveryOutcome) {
  PivToken token;
  BlockPin(token);
  token.Run({
      {"P1 01", "002c0180103132333435363738313131313131ffff", "", 0x6A86},
      {"PUK reference in P2", "002c0081103132333435363738313131313131ffff", "", 0x6A88},
      {"8 bytes only", "002c0080083132333435363738", "", 0x6A80},
      {"new PIN of 4 digits", "002c008010313233343536373831313131ffffffff", "", 0x6A80},
      {"wrong PUK", kUnblockWrongPuk, "", 0x63C2},
      {"PUK metadata: 2 of 3", kPukMetadata, "0101ff 050101 06020302"},
      {"right PUK", kUnblockRightPuk, ""},
      {"PUK tries restored", kPukMetadata, "0101ff 050101 06020303"},
      {"PIN tries restored, not default", kPinMetadata, "0101ff 050100 06020303"},
      {"old PIN refused", kVerifyDefault, "", 0x63C2},
      {"new PIN 111111", "0020008008313131313131ffff", ""},
  });
}

TEST(PivResetRetryCounter, PukBlocksAfterThreeWrongTries) {
  PivToken token;
  token.Run({
      {"wrong 1", kUnblockWrongPuk, "", 0x63C2},
      {"wrong 2", kUnblockWrongPuk, "", 0x63C1},
      {"wrong 3", kUnblockWrongPuk, "", 0x63C0},
      {"right PUK while blocked", kUnblockRightPuk, "", 0x6983},
      {"PUK metadata: 0 of 3", kPukMetadata, "0101ff 050101 06020300"},
      {"the PIN still works", kVerifyDefault, ""},
  });
}

TEST(PivSetPinRetries, NeedsManagementKeyAndPin) {
  PivToken token;
  token.Run({
      {"P1 00", "00fa0007", "", 0x6A86},
      {"P2 00", "00fa0700", "", 0x6A86},
      {"neither authenticated", "00fa0507", "", 0x6982},
  });
  token.VerifyPin();
  token.Run({{"PIN only", "00fa0507", "", 0x6982}});
  token.PowerCycle();
  token.AuthenticateManagementKey();
  token.Run({{"management key only", "00fa0507", "", 0x6982}});
}

TEST(PivSetPinRetries, SetsCountsAndRestoresDefaultPinAndPuk) {
  PivToken token;
  token.Send("0024008010313233343536ffff363534333231ffff");  // PIN now 654321
  token.VerifyPin("654321");
  token.AuthenticateManagementKey();
  token.Run({
      {"5 PIN and 7 PUK tries", "00fa0507", ""},
      {"PIN metadata", kPinMetadata, "0101ff 050101 06020505"},
      {"PUK metadata", kPukMetadata, "0101ff 050101 06020707"},
      {"the PIN verification was dropped", kPinStatus, "", 0x63C5},
      {"default PIN again", kVerifyDefault, ""},
      {"255 tries", "00faffff", ""},
      {"PIN metadata 255", kPinMetadata, "0101ff 050101 0602ffff"},
  });
}

TEST(PivReset, OnlyWhenPinAndPukAreBothBlocked) {
  PivToken token;
  token.Run({
      {"P1 01", "00fb0100", "", 0x6A86},
      {"P2 01", "00fb0001", "", 0x6A86},
      {"nothing blocked", "00fb0000", "", 0x6985},
  });
  BlockPin(token);
  token.Run({{"only the PIN blocked", "00fb0000", "", 0x6985}});

  PivToken other(2);
  BlockPuk(other);
  other.Run({{"only the PUK blocked", "00fb0000", "", 0x6985}});
}

TEST(PivReset, RestoresFactoryStateButKeepsAttestationAndTokenKeys) {
  PivToken token;
  token.AuthenticateManagementKey();
  token.Generate(0x9A, piv::Algorithm::kEccP256);
  token.Send("00db3fff0a5c035fc1055303010203");
  token.Send("00ff ff ff 1b 03 9b 18 0102030405060708 0102030405060708 0102030405060709");
  const ResponseApdu chuid = token.Send("00cb3fff055c035fc102");
  const ResponseApdu attestation_cert = token.Send("00cb3fff055c035fff01");
  const ResponseApdu f9 = token.Send("00f700f9");
  const ResponseApdu f0 = token.Send("00f700f0");
  BlockPin(token);
  BlockPuk(token);

  token.Run({
      {"reset", "00fb0000", ""},
      {"PIN is default", kPinMetadata, "0101ff 050101 06020303"},
      {"PUK is default", kPukMetadata, "0101ff 050101 06020303"},
      {"management key is default 3DES", "00f7009b", "010103 02020001 050101"},
      {"9A is empty", "00f7009a", "", 0x6A88},
      {"9A certificate is gone", "00cb3fff055c035fc105", "", 0x6A82},
      {"default PIN verifies", kVerifyDefault, ""},
  });
  EXPECT_NE(ToHex(token.Send("00cb3fff055c035fc102").data), ToHex(chuid.data));
  EXPECT_EQ(ToHex(token.Send("00cb3fff055c035fff01").data), ToHex(attestation_cert.data));
  EXPECT_EQ(ToHex(token.Send("00f700f9").data), ToHex(f9.data));
  EXPECT_EQ(ToHex(token.Send("00f700f0").data), ToHex(f0.data));
  token.AuthenticateManagementKey();
}

}  // namespace
}  // namespace tessera::sim::pivtest
