// The browser harness end to end: headless Firefox ESR authenticates to a TLS
// server with the key in slot 9A of a tessera-sim token, through the PKCS#11
// module in its profile, with the PIN given by the harness and no dialog.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "tests/integration/browser/browser_fixture.hpp"
#include "tests/integration/pkcs11/module_harness.hpp"

namespace tessera::testing {
namespace {

// The base64 lines of a PEM certificate, joined: what the page must show.
std::string PemBody(const std::filesystem::path& pem) {
  std::istringstream lines(ReadFile(pem));
  std::string body;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("-----", 0) != 0) body += line + "\n";
  }
  return body;
}

TEST_F(BrowserTest, FirefoxAuthenticatesWithTheTokensKeyAfterTheHarnessLogsIn) {
  ASSERT_NO_FATAL_FAILURE(ProvisionIdToken());
  ASSERT_NO_FATAL_FAILURE(StartTlsServer());
  ASSERT_NO_FATAL_FAILURE(StartFirefox());

  auto logged_in = firefox_->TokenLoggedIn(TokenLabel());
  ASSERT_TRUE(logged_in.ok()) << logged_in.status().message();
  EXPECT_FALSE(*logged_in);
  Status login = firefox_->LoginToken(TokenLabel(), kBrowserUserPin);
  ASSERT_TRUE(login.ok()) << login.message();
  logged_in = firefox_->TokenLoggedIn(std::to_string(serial_));
  ASSERT_TRUE(logged_in.ok()) << logged_in.status().message();
  EXPECT_TRUE(*logged_in);

  Status loaded = firefox_->Navigate(server_url_);
  ASSERT_TRUE(loaded.ok()) << loaded.message();
  auto page = firefox_->PageSource();
  ASSERT_TRUE(page.ok()) << page.status().message();
  // s_server -www prints the peer certificate: its subject and its PEM.
  EXPECT_NE(page->find("Client certificate"), std::string::npos) << *page;
  EXPECT_NE(page->find(kBrowserUserName), std::string::npos) << *page;
  EXPECT_NE(page->find(PemBody(File("user.pem"))), std::string::npos) << *page;
  EXPECT_EQ(page->find("no client certificate available"), std::string::npos) << *page;
  // The TLS handshake used the logged-in token: no PIN request reached the guard.
  auto refused = firefox_->RefusedPinPrompts();
  ASSERT_TRUE(refused.ok()) << refused.status().message();
  EXPECT_TRUE(refused->empty()) << refused->front();

  auto shot = firefox_->SaveScreenshot(CurrentTestFileName());
  ASSERT_TRUE(shot.ok()) << shot.status().message();
  const std::string png = ReadFile(*shot);
  ASSERT_GT(png.size(), 8u);
  EXPECT_TRUE(IsPng(AsBytes(png))) << *shot;
  std::cout << "screenshot: " << shot->string() << " (" << png.size() << " bytes)\n";
}

// Without LoginToken, Firefox wants the PIN for the 9A key during the
// handshake; the harness's guard cancels that prompt (headless, the dialog
// would block the page load for good). NSS then sends no certificate, the
// server (-Verify 1) ends the handshake, and Firefox shows its TLS error page.
TEST_F(BrowserTest, WithoutTheLoginThePinPromptIsRefusedAndTheServerGetsNoCertificate) {
  ASSERT_NO_FATAL_FAILURE(ProvisionIdToken());
  ASSERT_NO_FATAL_FAILURE(StartTlsServer());
  ASSERT_NO_FATAL_FAILURE(StartFirefox());

  Status loaded = firefox_->Navigate(server_url_);
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.message().find("Reached error page: about:neterror?e=nssFailure2"),
            std::string::npos)
      << loaded.message();
  auto refused = firefox_->RefusedPinPrompts();
  ASSERT_TRUE(refused.ok()) << refused.status().message();
  ASSERT_FALSE(refused->empty());
  for (const std::string& text : *refused) {
    EXPECT_NE(text.find(TokenLabel()), std::string::npos) << text;
  }
  auto logged_in = firefox_->TokenLoggedIn(TokenLabel());
  ASSERT_TRUE(logged_in.ok()) << logged_in.status().message();
  EXPECT_FALSE(*logged_in);
  const std::string log = tls_server_->Log();
  EXPECT_NE(log.find("peer did not return a certificate"), std::string::npos) << log;

  auto shot = firefox_->SaveScreenshot(CurrentTestFileName());
  ASSERT_TRUE(shot.ok()) << shot.status().message();
}

TEST_F(BrowserTest, AWrongPinIsRefusedAndCostsOneTry) {
  ASSERT_NO_FATAL_FAILURE(ProvisionIdToken());
  ASSERT_NO_FATAL_FAILURE(StartFirefox());

  Status login = firefox_->LoginToken(TokenLabel(), "654321");
  EXPECT_EQ(login.code(), Code::kPinIncorrect) << login.message();
  auto logged_in = firefox_->TokenLoggedIn(TokenLabel());
  ASSERT_TRUE(logged_in.ok()) << logged_in.status().message();
  EXPECT_FALSE(*logged_in);

  // One try gone of three (SP 800-73-4 retry counter, the module's flags):
  // NSS's retry got a cancel, not the same wrong PIN again.
  CommandResult info =
      RunClient({"pkcs11-tool", "--module", ModulePath().string(), "-T"}, run_dir());
  ASSERT_EQ(info.exit_code, 0) << info.output;
  EXPECT_NE(info.output.find("user PIN count low"), std::string::npos) << info.output;
  EXPECT_EQ(info.output.find("final try"), std::string::npos) << info.output;
  EXPECT_EQ(info.output.find("locked"), std::string::npos) << info.output;

  login = firefox_->LoginToken(TokenLabel(), kBrowserUserPin);
  EXPECT_TRUE(login.ok()) << login.message();
}

TEST_F(BrowserTest, AnUnknownTokenIsNotFoundAndNamesTheTokensFirefoxSees) {
  ASSERT_NO_FATAL_FAILURE(StartFirefox());
  Status login = firefox_->LoginToken("Tessera PIV #1", kBrowserUserPin);
  EXPECT_EQ(login.code(), Code::kNotFound) << login.message();
  EXPECT_NE(login.message().find(TokenLabel()), std::string::npos) << login.message();
}

// What a form test needs (the soft-token page's OTP field), on a data: page.
TEST_F(BrowserTest, TypesIntoAFieldAndClicksAButton) {
  ASSERT_NO_FATAL_FAILURE(StartFirefox());
  Status loaded = firefox_->Navigate(
      "data:text/html,<title>form</title><input name=otp id=otp autocomplete=one-time-code>"
      "<button id=go onclick=\"document.title=document.getElementById('otp').value\">Go</button>");
  ASSERT_TRUE(loaded.ok()) << loaded.message();
  Status typed = firefox_->Type("input[name=otp]", "ABCDE-FGHJK");
  ASSERT_TRUE(typed.ok()) << typed.message();
  Status clicked = firefox_->Click("#go");
  ASSERT_TRUE(clicked.ok()) << clicked.message();
  auto title = firefox_->Title();
  ASSERT_TRUE(title.ok()) << title.status().message();
  EXPECT_EQ(*title, "ABCDE-FGHJK");
  EXPECT_EQ(firefox_->Click("#missing").code(), Code::kNotFound);
}

}  // namespace
}  // namespace tessera::testing
