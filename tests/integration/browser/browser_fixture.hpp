// BrowserTest: a GoogleTest fixture for real-browser tests of TLS client
// authentication with an ID token: a tessera-sim token whose PIV
// Authentication key (slot 9A) has a certificate from a test CA, a TLS server
// that requires a client certificate from that CA, and a headless Firefox
// whose profile trusts the CA and loads the token's PKCS#11 module.
//
// The CA and the server's key are files made with the openssl CLI; the 9A
// key is generated on the token (pkcs11-tool), its CSR signed through
// libp11's engine, and the certificate written back to the token. Every
// helper is for ASSERT_NO_FATAL_FAILURE. Everything lives in the test's
// temporary directory and is stopped when the test ends.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "tests/integration/browser/browser_token_module.hpp"
#include "tests/integration/browser/server_process.hpp"
#include "tests/integration/sim_test_fixture.hpp"
#include "tests/support/firefox_harness.hpp"

namespace tessera::testing {

inline constexpr char kBrowserUserPin[] = "123456";  // the simulator's factory PIN
inline constexpr char kBrowserUserName[] = "Browser Test User";

class BrowserTest : public SimTest {
 protected:
  // The simulator with one token, and the test CA (ca.pem, ca.key).
  void SetUp() override;
  void TearDown() override;

  // `Tessera PIV #<serial>`, the token's label in Firefox.
  std::string TokenLabel() const { return "Tessera PIV #" + std::to_string(serial_); }
  std::filesystem::path File(std::string_view name) const { return dir_.path() / name; }

  // A P-256 key in slot 9A and a certificate for it from the test CA:
  // subject CN=Browser Test User, O=Tessera Test, EKU clientAuth. The PEM
  // is kept in user.pem.
  void ProvisionIdToken();
  // openssl s_server on 127.0.0.1 (a CA-issued certificate for IP
  // 127.0.0.1) that requires a client certificate from the test CA and
  // answers with its -www status page (the session and the peer
  // certificate). Sets server_url_.
  void StartTlsServer();
  // Firefox trusting the CA, with the token's module in its profile.
  void StartFirefox();

  std::uint32_t serial_ = 0;
  std::string server_url_;
  std::unique_ptr<ServerProcess> tls_server_;
  std::unique_ptr<BrowserTokenModule> module_;
  std::unique_ptr<Firefox> firefox_;
};

// The test's name as a file name: "Suite.Name" with '/' made '_'.
std::string CurrentTestFileName();

}  // namespace tessera::testing
