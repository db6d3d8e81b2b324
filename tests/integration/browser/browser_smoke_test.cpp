// The browser harness end to end: headless Firefox ESR authenticates to a TLS
// server with the key in slot 9A of a tessera-sim token, through the PKCS#11
// module in its profile, with the PIN given by the harness and no dialog.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "tests/integration/browser/browser_fixture.hpp"

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

  auto shot = firefox_->SaveScreenshot(CurrentTestFileName());
  ASSERT_TRUE(shot.ok()) << shot.status().message();
  const std::string png = ReadFile(*shot);
  ASSERT_GT(png.size(), 8u);
  EXPECT_TRUE(IsPng(AsBytes(png))) << *shot;
  std::cout << "screenshot: " << shot->string() << " (" << png.size() << " bytes)\n";
}

TEST_F(BrowserTest, AWrongPinIsRefusedAndCostsOneTry) {
  ASSERT_NO_FATAL_FAILURE(ProvisionIdToken());
  ASSERT_NO_FATAL_FAILURE(StartFirefox());

  Status login = firefox_->LoginToken(TokenLabel(), "654321");
  EXPECT_EQ(login.code(), Code::kPinIncorrect) << login.message();
  auto logged_in = firefox_->TokenLoggedIn(TokenLabel());
  ASSERT_TRUE(logged_in.ok()) << logged_in.status().message();
  EXPECT_FALSE(*logged_in);

  // The card counts one wrong PIN, not NSS's retries: the right PIN works.
  login = firefox_->LoginToken(TokenLabel(), kBrowserUserPin);
  EXPECT_TRUE(login.ok()) << login.message();
}

TEST_F(BrowserTest, AnUnknownTokenIsNotFoundAndNamesTheTokensFirefoxSees) {
  ASSERT_NO_FATAL_FAILURE(StartFirefox());
  Status login = firefox_->LoginToken("Tessera PIV #1", kBrowserUserPin);
  EXPECT_EQ(login.code(), Code::kNotFound) << login.message();
  EXPECT_NE(login.message().find(TokenLabel()), std::string::npos) << login.message();
}

}  // namespace
}  // namespace tessera::testing
