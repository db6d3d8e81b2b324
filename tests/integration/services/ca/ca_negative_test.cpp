// Bad input to `tessera ca`: each is refused with a clear message and exit
// code, and changes nothing in the directory.
#include <gtest/gtest.h>

#include "tests/integration/services/ca/ca_fixture.hpp"

namespace tessera::ca::testing {
namespace {

using tessera::testing::ToolResult;

class CaNegativeTest : public CaTest {
 protected:
  void SetUp() override {
    CaTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_NO_FATAL_FAILURE(InitCa("root"));
    csr_ = MakeCsr("user", "/CN=Alice Example");
  }
  std::string csr_;
};

TEST_F(CaNegativeTest, CsrWithABadSignatureFailsAndStoresNothing) {
  ToolResult der =
      Run({"openssl", "req", "-in", csr_, "-outform", "DER", "-out", Work("user.der")});
  ASSERT_EQ(der.exit_code, 0) << der.Describe();
  std::string bytes = ReadFile(Work("user.der"));
  bytes[bytes.size() - 5] = static_cast<char>(bytes[bytes.size() - 5] ^ 0x01);  // in the signature
  WriteFile(Work("bad.der"), AsBytes(bytes));
  const std::int64_t certificates = CountRows("certificates");
  const std::int64_t audit = CountRows("audit");
  ToolResult refused = Tessera(
      {"ca", "issue", "--ca", "root", "--profile", "user-signature", "--csr", Work("bad.der")});
  EXPECT_EQ(refused.exit_code, 1) << refused.Describe();
  EXPECT_NE(refused.err.find("signature"), std::string::npos) << refused.err;
  EXPECT_TRUE(refused.out.empty()) << refused.out;
  EXPECT_EQ(CountRows("certificates"), certificates);
  EXPECT_EQ(CountRows("audit"), audit);
}

TEST_F(CaNegativeTest, DerCsrIsAcceptedLikePem) {
  ToolResult der =
      Run({"openssl", "req", "-in", csr_, "-outform", "DER", "-out", Work("user.der")});
  ASSERT_EQ(der.exit_code, 0) << der.Describe();
  ToolResult issued = Tessera(
      {"ca", "issue", "--ca", "root", "--profile", "user-signature", "--csr", Work("user.der")});
  EXPECT_EQ(issued.exit_code, 0) << issued.Describe();
  EXPECT_NE(issued.out.find("BEGIN CERTIFICATE"), std::string::npos);
}

TEST_F(CaNegativeTest, UnknownProfileAndUnknownCaFailWithExitOne) {
  const std::int64_t before = CountRows("certificates");
  ToolResult profile =
      Tessera({"ca", "issue", "--ca", "root", "--profile", "web-server", "--csr", csr_});
  EXPECT_EQ(profile.exit_code, 1) << profile.Describe();
  EXPECT_NE(profile.err.find("no certificate profile 'web-server'"), std::string::npos)
      << profile.err;
  ToolResult ca =
      Tessera({"ca", "issue", "--ca", "nobody", "--profile", "user-signature", "--csr", csr_});
  EXPECT_EQ(ca.exit_code, 1) << ca.Describe();
  EXPECT_NE(ca.err.find("no CA named 'nobody'"), std::string::npos) << ca.err;
  ToolResult internal = Tessera({"ca", "issue", "--ca", "root", "--profile", "ca", "--csr", csr_});
  EXPECT_EQ(internal.exit_code, 1) << internal.Describe();
  EXPECT_EQ(CountRows("certificates"), before);
}

TEST_F(CaNegativeTest, RevokingAnUnknownSerialOrTwiceFails) {
  const std::int64_t crls = CountRows("crls");
  ToolResult unknown = Tessera(
      {"ca", "revoke", "--ca", "root", "--serial", "0123456789abcdef", "--reason", "superseded"});
  EXPECT_EQ(unknown.exit_code, 1) << unknown.Describe();
  EXPECT_EQ(CountRows("revocations"), 0);
  EXPECT_EQ(CountRows("crls"), crls);

  const std::string serial = SerialOf(Issue("root", "user-signature", csr_, "user"));
  ToolResult first =
      Tessera({"ca", "revoke", "--ca", "root", "--serial", serial, "--reason", "superseded"});
  ASSERT_EQ(first.exit_code, 0) << first.Describe();
  ToolResult again =
      Tessera({"ca", "revoke", "--ca", "root", "--serial", serial, "--reason", "superseded"});
  EXPECT_EQ(again.exit_code, 1) << again.Describe();
  EXPECT_EQ(CountRows("revocations"), 1);
  EXPECT_EQ(CountRows("crls"), crls + 1);
}

TEST_F(CaNegativeTest, UnknownReasonOrBadSerialIsUsageError) {
  ToolResult reason =
      Tessera({"ca", "revoke", "--ca", "root", "--serial", "01", "--reason", "certificateHold"});
  EXPECT_EQ(reason.exit_code, 2) << reason.Describe();
  ToolResult serial =
      Tessera({"ca", "revoke", "--ca", "root", "--serial", "xyz", "--reason", "superseded"});
  EXPECT_EQ(serial.exit_code, 2) << serial.Describe();
  ToolResult key = Tessera({"ca", "init", "--hsm", kHsm, "--name", "x", "--key", "ed25519"});
  EXPECT_EQ(key.exit_code, 2) << key.Describe();
}

TEST_F(CaNegativeTest, WrongHsmPinFailsAndIssuesNothing) {
  const std::int64_t before = CountRows("certificates");
  ToolResult refused =
      Tessera({"ca", "issue", "--ca", "root", "--profile", "user-signature", "--csr", csr_},
              {"TESSERA_HSM_PIN=999999"});
  EXPECT_EQ(refused.exit_code, 1) << refused.Describe();
  EXPECT_NE(refused.err.find("CKR_PIN_INCORRECT"), std::string::npos) << refused.err;
  EXPECT_EQ(CountRows("certificates"), before);
}

TEST_F(CaNegativeTest, SecondCaWithTheSameNameIsRefused) {
  ToolResult again = Tessera({"ca", "init", "--hsm", kHsm, "--name", "root"});
  EXPECT_EQ(again.exit_code, 1) << again.Describe();
  EXPECT_NE(again.err.find("exists already"), std::string::npos) << again.err;
  EXPECT_EQ(CountRows("cas"), 1);
}

}  // namespace
}  // namespace tessera::ca::testing
