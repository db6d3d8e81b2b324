// Seed 002 end to end through the real binaries, on SQLite and PostgreSQL:
// a card the CMS issued (bind, activate: 9A holds the PIV Authentication
// key), a device token, tesserad with ca, cms and softtoken, `tessera
// softtoken request` on the device's side and `tessera softtoken confirm`
// on the computer's, the soft token checked by `tessera softtoken verify`
// and by the openssl command alone, and the card revoked afterwards.
#include <chrono>
#include <fstream>
#include <sstream>

#include "tests/integration/services/softtoken/st_e2e_fixture.hpp"

namespace tessera::testing {
namespace {

using std::chrono::seconds;

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class SoftTokenCliTest : public SoftTokenE2eTest {};

TEST_P(SoftTokenCliTest, BothChannelsByTheCliThenTheCardIsRevoked) {
  std::string user;
  const std::uint32_t card = IssueIdToken("carol", "Carol Example", &user);
  ASSERT_NE(card, 0u);
  ASSERT_FALSE(HasFailure());
  const std::uint32_t device = TakeTokens(1).at(0);

  auto request = StartRequest(device, {"--deliver", "both", "--out", Path("device.sdjwt")});
  std::optional<std::string> otp = request->WaitForLine("otp: ", seconds(60));
  ASSERT_TRUE(otp.has_value()) << request->Stdout() << request->Stderr();
  EXPECT_EQ(otp->size(), 11u) << *otp;
  EXPECT_EQ((*otp)[5], '-') << *otp;

  std::vector<std::string> confirm = {
      "softtoken",  "confirm",   "--id-token", std::to_string(card),  "--otp", *otp, "--yes",
      "--pin-file", Path("pin"), "--out",      Path("computer.sdjwt")};
  for (const std::string& a : StServer()) confirm.push_back(a);
  ToolResult confirmed = Cli(confirm);
  ASSERT_EQ(confirmed.exit_code, 0) << confirmed.Describe();

  std::optional<std::string> comparison = request->WaitForLine("comparison: ", seconds(30));
  ASSERT_TRUE(comparison.has_value()) << request->Stdout() << request->Stderr();
  EXPECT_NE(confirmed.out.find(*comparison), std::string::npos)
      << "the computer showed another code:\n"
      << confirmed.out;
  ASSERT_EQ(request->Wait(seconds(60)), 0) << request->Stdout() << request->Stderr();

  // Delivered over both channels: the same soft token.
  const std::string on_device = ReadText(Path("device.sdjwt"));
  ASSERT_FALSE(on_device.empty());
  EXPECT_EQ(on_device, ReadText(Path("computer.sdjwt")));
  EXPECT_NE(on_device.find('~'), std::string::npos);
  ASSERT_NO_FATAL_FAILURE(ExpectOpensslVerifies(Path("device.sdjwt")));

  std::vector<std::string> verify = {"softtoken", "verify", Path("device.sdjwt")};
  for (const std::string& a : StServer()) verify.push_back(a);
  ToolResult valid = Cli(verify);
  ASSERT_EQ(valid.exit_code, 0) << valid.Describe();
  EXPECT_NE(valid.out.find("signature: ok"), std::string::npos) << valid.out;
  EXPECT_NE(valid.out.find("status: valid"), std::string::npos) << valid.out;

  // The holder proves possession: a presentation with a key-binding JWT
  // made by the device token, checked for its audience and nonce.
  ToolResult presented =
      Cli({"softtoken", "present", Path("device.sdjwt"), "--device-token", std::to_string(device),
           "--aud", "https://verifier.example", "--nonce", "n-0S6_WzA2Mj", "--disclose",
           "user_id,name", "--out", Path("presentation.sdjwt")});
  ASSERT_EQ(presented.exit_code, 0) << presented.Describe();
  std::vector<std::string> verify_kb = verify;
  verify_kb[2] = Path("presentation.sdjwt");
  verify_kb.insert(verify_kb.end(),
                   {"--aud", "https://verifier.example", "--nonce", "n-0S6_WzA2Mj"});
  ToolResult bound = Cli(verify_kb);
  ASSERT_EQ(bound.exit_code, 0) << bound.Describe();
  EXPECT_NE(bound.out.find("key binding: ok"), std::string::npos) << bound.out;
  std::vector<std::string> wrong_nonce = verify_kb;
  wrong_nonce.back() = "another-nonce";
  EXPECT_EQ(Cli(wrong_nonce).exit_code, 1);

  // The card is revoked: the status list and the verifier say so.
  ToolResult revoked = Cli({"cms", "token", "revoke", std::to_string(card), "--reason",
                            "keyCompromise", "--hsm", "ca", "--ca", "root", "--directory", url_});
  ASSERT_EQ(revoked.exit_code, 0) << revoked.Describe();
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));  // the list's 1 s ttl
  ToolResult after = Cli(verify);
  EXPECT_EQ(after.exit_code, 1) << after.Describe();
  EXPECT_NE(after.out.find("status: revoked"), std::string::npos) << after.Describe();
}

// A wrong password from the computer: the device's request counts down,
// each answer says how many tries are left, and after the last it is
// burned: the device is told, and no soft token exists.
TEST_P(SoftTokenCliTest, WrongPasswordsBurnTheRequest) {
  std::string user;
  const std::uint32_t card = IssueIdToken("dave", "Dave Example", &user);
  ASSERT_NE(card, 0u);
  const std::uint32_t device = TakeTokens(1).at(0);
  auto request = StartRequest(device, {"--out", Path("never.sdjwt")});
  std::optional<std::string> otp = request->WaitForLine("otp: ", seconds(60));
  ASSERT_TRUE(otp.has_value()) << request->Stderr();
  std::string wrong = *otp;
  wrong.back() = wrong.back() == '0' ? '1' : '0';
  for (int left = 4; left >= 0; --left) {
    std::vector<std::string> confirm = {"softtoken", "confirm", "--id-token", std::to_string(card),
                                        "--otp",     wrong,     "--yes",      "--pin-file",
                                        Path("pin")};
    for (const std::string& a : StServer()) confirm.push_back(a);
    ToolResult refused = Cli(confirm);
    EXPECT_EQ(refused.exit_code, 1) << refused.Describe();
    const std::string words =
        left == 0 ? "burned" : std::to_string(left) + (left == 1 ? " try" : " tries");
    EXPECT_NE(refused.err.find(words), std::string::npos) << words << "\n" << refused.Describe();
  }
  EXPECT_EQ(request->Wait(seconds(30)), 1) << request->Stdout() << request->Stderr();
  EXPECT_NE(request->Stderr().find("burned"), std::string::npos) << request->Stderr();
  EXPECT_FALSE(std::filesystem::exists(Path("never.sdjwt")) &&
               !ReadText(Path("never.sdjwt")).empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, SoftTokenCliTest,
                         ::testing::Values(CmsBackend::kSqlite, CmsBackend::kPostgresql),
                         [](const auto& test_param) { return CmsBackendName(test_param.param); });

}  // namespace
}  // namespace tessera::testing
