// `tessera softtoken request | confirm` refusals that need neither a token
// nor the service (docs/cli.md "The soft-token service (seed 002)"): bad
// usage is exit 2 with a message naming the fault, before any token or
// connection is touched (so no one-time-password try is spent); a device
// token that is not there is exit 1.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "tests/support/run_tool.hpp"
#include "tests/support/temp_dir.hpp"

namespace tessera::testing {
namespace {

class SoftTokenUsageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_.path() / "home");
    std::filesystem::create_directories(dir_.path() / "run");
    ::chmod((dir_.path() / "home").c_str(), 0700);
  }
  ToolResult Cli(std::vector<std::string> args) const {
    args.insert(args.begin(), "softtoken");
    return RunTesseraCli(
        TESSERA_CLI_BINARY,
        {"TESSERA_HOME=" + (dir_.path() / "home").string(), "TESSERA_TRANSPORTS=sim",
         "TESSERA_SIM_DIR=" + (dir_.path() / "run").string(),
         // No module: a confirm that got that far would fail with 1.
         "TESSERA_PKCS11_MODULE=" + (dir_.path() / "none.so").string()},
        args);
  }
  TempDir dir_{"tessera-st-usage"};
};

const std::string kServer = "https://127.0.0.1:9";  // discard port: nothing answers

TEST_F(SoftTokenUsageTest, RequestRefusesBadOptions) {
  struct Case {
    std::vector<std::string> args;
    const char* mentions;
  };
  for (const Case& c : std::vector<Case>{
           {{"request", "--device-token", "1"}, "--server"},
           {{"request", "--server", kServer}, "--device-token"},
           {{"request", "--server", kServer, "--device-token", "1", "--deliver", "bogus"}, "bogus"},
           {{"request", "--server", kServer, "--device-token", "1", "--format", "pdf"}, "pdf"},
           {{"request", "--server", kServer, "--device-token", "1", "--slot", "f0"}, "f0"},
           {{"request", "--server", kServer, "--device-token", "1", "--timeout", "0"}, "0"},
       }) {
    ToolResult r = Cli(c.args);
    EXPECT_EQ(r.exit_code, 2) << r.Describe();
    EXPECT_NE(r.err.find(c.mentions), std::string::npos) << r.Describe();
    EXPECT_EQ(r.out.find("otp:"), std::string::npos) << r.Describe();
  }
}

TEST_F(SoftTokenUsageTest, ConfirmRefusesBadCodesBeforeSpendingATry) {
  struct Case {
    std::vector<std::string> args;
    const char* mentions;
  };
  const std::vector<std::string> base = {"confirm", "--server", kServer, "--id-token", "7"};
  auto with = [&](std::vector<std::string> more) {
    std::vector<std::string> all = base;
    all.insert(all.end(), more.begin(), more.end());
    return all;
  };
  for (const Case& c : std::vector<Case>{
           {with({"--otp", "", "--yes"}), "10 characters, not 0"},
           {with({"--otp", "ABCDE-FGHJ", "--yes"}), "10 characters, not 9"},
           {with({"--otp", "ABCDE-FGHJU", "--yes"}), "('U')"},
           {with({"--otp", "ABCDE-FGHJK", "--comparison", "ABC-DE"}), "6 characters, not 5"},
           {with({"--otp", "ABCDE-FGHJK", "--comparison", "ABC-DEF", "--yes"}), "excludes"},
           // stdin is /dev/null: nobody to ask.
           {with({"--otp", "ABCDE-FGHJK"}), "no terminal to ask on"},
           {{"confirm", "--server", kServer, "--otp", "ABCDE-FGHJK", "--yes"}, "--id-token"},
           {{"confirm", "--id-token", "7", "--otp", "ABCDE-FGHJK", "--yes"}, "--server"},
           {{"confirm", "--server", kServer, "--id-token", "7", "--yes"}, "--otp"},
       }) {
    ToolResult r = Cli(c.args);
    EXPECT_EQ(r.exit_code, 2) << r.Describe();
    EXPECT_NE(r.err.find(c.mentions), std::string::npos) << r.Describe();
  }
}

TEST_F(SoftTokenUsageTest, PresentAndVerifyRefuseBadOptions) {
  const std::string file = (dir_.path() / "token.sd-jwt").string();
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"verify", file},
           {"verify", file, "--issuer-ca", file, "--server", kServer},
           {"verify", file, "--issuer-ca", file, "--aud", "https://rp.example"},
           {"verify", file, "--issuer-ca", file, "--nonce", "n-1"},
           {"present", file, "--device-token", "1", "--nonce", "n-1"},
           {"present", file, "--device-token", "1", "--aud", "a", "--nonce", "n", "--slot", "f0"},
       }) {
    ToolResult r = Cli(args);
    EXPECT_EQ(r.exit_code, 2) << r.Describe();
    EXPECT_TRUE(r.out.empty()) << r.Describe();
  }
  // A file that is not there is a failure, not bad usage.
  ToolResult r = Cli({"verify", file, "--issuer-ca", file});
  EXPECT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_NE(r.err.find("cannot read"), std::string::npos) << r.Describe();
}

TEST_F(SoftTokenUsageTest, AMissingDeviceTokenFailsWithExitOne) {
  ToolResult r = Cli({"request", "--server", kServer, "--device-token", "12345678"});
  EXPECT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_NE(r.err.find("no reachable token with serial 12345678"), std::string::npos)
      << r.Describe();
  EXPECT_TRUE(r.out.empty()) << r.Describe();
}

TEST_F(SoftTokenUsageTest, AnIdTokenThatCannotBeReachedFailsWithExitOne) {
  ToolResult r = Cli({"confirm", "--server", kServer, "--id-token", "7", "--otp", "abcde fghjk",
                      "--comparison", "abc-def"});
  EXPECT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_NE(r.err.find("softtoken confirm"), std::string::npos) << r.Describe();
}

}  // namespace
}  // namespace tessera::testing
