// Seed 002's channel 2 in a real browser: headless Firefox ESR with
// tessera-pkcs11.so in its profile authenticates to tesserad with the card
// the CMS issued (slot 9A), loads /softtoken/, types the one-time password
// the device's `tessera softtoken request` printed, compares the code,
// confirms, and the device receives the soft token. Screenshots of each page
// are kept in the browser artifact directory. Firefox that cannot start
// fails the test (tests/support/firefox_harness.hpp).
#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>

#include "tests/integration/browser/browser_token_module.hpp"
#include "tests/integration/services/softtoken/st_e2e_fixture.hpp"
#include "tests/support/firefox_harness.hpp"

namespace tessera::testing {
namespace {

using std::chrono::seconds;

std::string ReadText(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class SoftTokenBrowserTest : public SoftTokenE2eTest {
 protected:
  // Firefox trusting tesserad's TLS CA, with the module on this world's
  // simulator, the card logged in with its PIN.
  void StartFirefox(std::uint32_t card) {
    auto module = BrowserTokenModule::Start(sim_run_, dir_ / "p11");
    ASSERT_TRUE(module.ok()) << module.status().message();
    p11_ = std::move(module).value();
    FirefoxOptions options;
    // tesserad's TLS CA, and the root CA of the card's 9A certificate: Firefox
    // offers a client certificate only when it can build its chain.
    options.trusted_cas = {pki_.ca_cert, Path("root.pem")};
    p11_->AddTo(options);
    auto firefox = Firefox::Start(options);
    ASSERT_TRUE(firefox.ok()) << firefox.status().message();
    firefox_ = std::move(firefox).value();
    std::cout << "firefox started in " << firefox_->start_time().count() << " ms\n";
    const std::string label = "Tessera PIV #" + std::to_string(card);
    Status login = firefox_->LoginToken(label, ReadPin());
    ASSERT_TRUE(login.ok()) << login.message();
    auto logged_in = firefox_->TokenLoggedIn(label);
    ASSERT_TRUE(logged_in.ok()) << logged_in.status().message();
    ASSERT_TRUE(*logged_in) << label;
  }
  std::string ReadPin() {
    std::string pin = ReadText(Path("pin"));
    while (!pin.empty() && (pin.back() == '\n' || pin.back() == '\r')) pin.pop_back();
    return pin;
  }
  void Shot(const std::string& name) {
    auto shot = firefox_->SaveScreenshot(name);
    ASSERT_TRUE(shot.ok()) << shot.status().message();
    std::cout << "screenshot: " << shot->string() << "\n";
  }
  void TearDown() override {
    firefox_.reset();
    p11_.reset();
    SoftTokenE2eTest::TearDown();
  }

  std::unique_ptr<BrowserTokenModule> p11_;
  std::unique_ptr<Firefox> firefox_;
};

TEST_P(SoftTokenBrowserTest, TheUserConfirmsInFirefoxAndTheDeviceGetsTheSoftToken) {
  std::string user;
  const std::uint32_t card = IssueIdToken("erin", "Erin <script>alert(1)</script> Example", &user);
  ASSERT_NE(card, 0u);
  ASSERT_FALSE(HasFailure());
  const std::uint32_t device = TakeTokens(1).at(0);
  ASSERT_NO_FATAL_FAILURE(StartFirefox(card));

  auto request = StartRequest(device, {"--deliver", "both", "--out", Path("device.sdjwt")});
  std::optional<std::string> otp = request->WaitForLine("otp: ", seconds(60));
  ASSERT_TRUE(otp.has_value()) << request->Stdout() << request->Stderr();

  Status loaded = firefox_->Navigate(BaseUrl() + "/softtoken/");
  ASSERT_TRUE(loaded.ok()) << loaded.message();
  auto start = firefox_->PageSource();
  ASSERT_TRUE(start.ok());
  if (start->find("No ID token") != std::string::npos) {
    auto refused = firefox_->RefusedPinPrompts();
    ADD_FAILURE() << "Firefox sent no client certificate; PIN prompts refused: "
                  << (refused.ok() && !refused->empty() ? refused->front() : std::string("none"))
                  << "\nFirefox log:\n"
                  << firefox_->Log() << "\ntesserad:\n"
                  << st_daemon_->Stderr();
  }
  EXPECT_NE(start->find("One-time password"), std::string::npos) << *start;
  EXPECT_NE(start->find(user), std::string::npos) << "the card's subject names the user\n"
                                                  << *start;
  ASSERT_NO_FATAL_FAILURE(Shot("softtoken-1-start"));

  ASSERT_TRUE(firefox_->Type("#otp", *otp).ok());
  ASSERT_TRUE(firefox_->Click("#submit").ok());
  auto compare = firefox_->PageSource();
  ASSERT_TRUE(compare.ok());
  std::optional<std::string> comparison = request->WaitForLine("comparison: ", seconds(30));
  ASSERT_TRUE(comparison.has_value()) << request->Stdout() << request->Stderr();
  EXPECT_NE(compare->find(*comparison), std::string::npos) << "the page shows the device's code\n"
                                                           << *compare;
  // The attribute with markup is text on the page, not a script.
  EXPECT_NE(compare->find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos) << *compare;
  EXPECT_EQ(compare->find("<script>alert(1)"), std::string::npos) << *compare;
  ASSERT_NO_FATAL_FAILURE(Shot("softtoken-2-compare"));

  ASSERT_TRUE(firefox_->Click("#confirm").ok());
  auto result = firefox_->PageSource();
  ASSERT_TRUE(result.ok());
  EXPECT_NE(result->find("The soft token is issued"), std::string::npos) << *result;
  EXPECT_NE(result->find("id=\"download\""), std::string::npos) << *result;
  ASSERT_NO_FATAL_FAILURE(Shot("softtoken-3-issued"));

  ASSERT_EQ(request->Wait(seconds(60)), 0) << request->Stdout() << request->Stderr();
  ASSERT_NO_FATAL_FAILURE(ExpectOpensslVerifies(Path("device.sdjwt")));
  std::vector<std::string> verify = {"softtoken", "verify", Path("device.sdjwt")};
  for (const std::string& a : StServer()) verify.push_back(a);
  ToolResult valid = Cli(verify);
  EXPECT_EQ(valid.exit_code, 0) << valid.Describe();
}

// A wrong password on the page: the form again, with the tries left.
TEST_P(SoftTokenBrowserTest, AWrongPasswordShowsTheTriesLeft) {
  std::string user;
  const std::uint32_t card = IssueIdToken("frank", "Frank Example", &user);
  ASSERT_NE(card, 0u);
  const std::uint32_t device = TakeTokens(1).at(0);
  ASSERT_NO_FATAL_FAILURE(StartFirefox(card));
  auto request = StartRequest(device, {"--out", Path("never.sdjwt")});
  std::optional<std::string> otp = request->WaitForLine("otp: ", seconds(60));
  ASSERT_TRUE(otp.has_value()) << request->Stderr();
  std::string wrong = *otp;
  wrong.back() = wrong.back() == '0' ? '1' : '0';
  ASSERT_TRUE(firefox_->Navigate(BaseUrl() + "/softtoken/").ok());
  ASSERT_TRUE(firefox_->Type("#otp", wrong).ok());
  ASSERT_TRUE(firefox_->Click("#submit").ok());
  auto page = firefox_->PageSource();
  ASSERT_TRUE(page.ok());
  EXPECT_NE(page->find("4 tries left"), std::string::npos) << *page;
  EXPECT_NE(page->find("role=\"alert\""), std::string::npos) << *page;
  ASSERT_NO_FATAL_FAILURE(Shot("softtoken-wrong-password"));
  request->Kill();
}

INSTANTIATE_TEST_SUITE_P(Backends, SoftTokenBrowserTest,
                         ::testing::Values(CmsBackend::kSqlite, CmsBackend::kPostgresql),
                         [](const auto& test_param) { return CmsBackendName(test_param.param); });

}  // namespace
}  // namespace tessera::testing
