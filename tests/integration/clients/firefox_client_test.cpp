// Firefox ESR, headless, with the module in its profile (the browser tests'
// fixture, tests/integration/browser): TLS client authentication to openssl
// s_server -Verify 1 -www with an RSA-2048 key in slot 9A, the PIN given
// through the harness's login rather than a dialog. The server's page shows
// the client certificate, and its log the verified chain. (The browser
// smoke test does the same with a P-256 key.)
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "tests/integration/browser/browser_fixture.hpp"
#include "tests/integration/pkcs11/module_harness.hpp"

namespace tessera::testing {
namespace {

constexpr char kRsaUserName[] = "Firefox RSA User";

class FirefoxClientTest : public BrowserTest {
 protected:
  // An RSA-2048 key in 9A, its request signed through libp11's engine, a
  // certificate from the fixture's CA (clientAuth) written back beside it.
  void ProvisionRsaIdToken() {
    const std::string module = ModulePath().string();
    CommandResult r =
        RunClient({"pkcs11-tool", "--module", module, "--login", "--pin", kBrowserUserPin,
                   "--keypairgen", "--key-type", "rsa:2048", "--id", "01"},
                  run_dir());
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const std::string key_uri = "pkcs11:token=Tessera%20PIV%20%23" + std::to_string(serial_) +
                                ";id=%01;type=private?pin-value=" + kBrowserUserPin;
    r = RunClient(
        {"env", "PKCS11_MODULE_PATH=" + module, "openssl", "req", "-new", "-engine", "pkcs11",
         "-keyform", "engine", "-key", key_uri, "-subj",
         std::string("/CN=") + kRsaUserName + "/O=Tessera Test", "-out", File("rsa.csr").string()},
        run_dir());
    ASSERT_EQ(r.exit_code, 0) << r.output;
    std::ofstream(File("rsa.ext")) << "basicConstraints=critical,CA:FALSE\n"
                                      "keyUsage=critical,digitalSignature\n"
                                      "extendedKeyUsage=clientAuth\n";
    r = RunClient(
        {"openssl", "x509", "-req", "-in", File("rsa.csr").string(), "-CA", File("ca.pem").string(),
         "-CAkey", File("ca.key").string(), "-set_serial", "3", "-days", "2", "-extfile",
         File("rsa.ext").string(), "-out", File("rsa.pem").string()},
        run_dir());
    ASSERT_EQ(r.exit_code, 0) << r.output;
    r = RunClient({"openssl", "x509", "-in", File("rsa.pem").string(), "-outform", "DER", "-out",
                   File("rsa.der").string()},
                  run_dir());
    ASSERT_EQ(r.exit_code, 0) << r.output;
    r = RunClient({"pkcs11-tool", "--module", module, "--login", "--pin", kBrowserUserPin,
                   "--write-object", File("rsa.der").string(), "--type", "cert", "--id", "01"},
                  run_dir());
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
};

TEST_F(FirefoxClientTest, AuthenticatesToOpensslWithAnRsaKeyOnTheToken) {
  ASSERT_NO_FATAL_FAILURE(ProvisionRsaIdToken());
  ASSERT_NO_FATAL_FAILURE(StartTlsServer());
  ASSERT_NO_FATAL_FAILURE(StartFirefox());

  Status login = firefox_->LoginToken(TokenLabel(), kBrowserUserPin);
  ASSERT_TRUE(login.ok()) << login.message();
  Status loaded = firefox_->Navigate(server_url_);
  ASSERT_TRUE(loaded.ok()) << loaded.message();
  auto page = firefox_->PageSource();
  ASSERT_TRUE(page.ok()) << page.status().message();
  // s_server -www answers with the session and the peer certificate.
  EXPECT_NE(page->find("Client certificate"), std::string::npos) << *page;
  EXPECT_NE(page->find(std::string("Subject: CN=") + kRsaUserName), std::string::npos) << *page;
  EXPECT_NE(page->find("Public Key Algorithm: rsaEncryption"), std::string::npos) << *page;
  EXPECT_NE(page->find("Peer signature type: RSA-PSS"), std::string::npos) << *page;
  auto refused = firefox_->RefusedPinPrompts();
  ASSERT_TRUE(refused.ok()) << refused.status().message();
  EXPECT_TRUE(refused->empty()) << refused->front();
  // The server verified the chain up to the test CA.
  const std::string log = tls_server_->Log();
  EXPECT_NE(log.find(std::string("depth=0 CN = ") + kRsaUserName), std::string::npos) << log;
}

}  // namespace
}  // namespace tessera::testing
