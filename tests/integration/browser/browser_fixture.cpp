#include "tests/integration/browser/browser_fixture.hpp"

#include <fstream>
#include <iostream>

#include "tests/integration/pkcs11/module_harness.hpp"

namespace tessera::testing {
std::string CurrentTestFileName() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = std::string(info->test_suite_name()) + "." + info->name();
  for (char& c : name) {
    if (c == '/') c = '_';
  }
  return name;
}

void BrowserTest::SetUp() {
  ASSERT_NO_FATAL_FAILURE(StartSim());
  serial_ = OnlySerial();
  ASSERT_NE(serial_, 0u);
  CommandResult r = RunClient({"openssl",
                               "req",
                               "-x509",
                               "-newkey",
                               "ec",
                               "-pkeyopt",
                               "ec_paramgen_curve:prime256v1",
                               "-nodes",
                               "-days",
                               "2",
                               "-subj",
                               "/CN=Tessera Browser Test CA",
                               "-extensions",
                               "v3_ca",
                               "-addext",
                               "keyUsage=critical,keyCertSign,cRLSign",
                               "-keyout",
                               File("ca.key").string(),
                               "-out",
                               File("ca.pem").string()},
                              run_dir());
  ASSERT_EQ(r.exit_code, 0) << r.output;
}

void BrowserTest::TearDown() {
  if (HasFailure() && firefox_ != nullptr) {
    std::cerr << "Firefox's output:\n" << firefox_->Log() << "\n";
  }
  if (HasFailure() && tls_server_ != nullptr) {
    std::cerr << "s_server's output:\n" << tls_server_->Log() << "\n";
  }
  firefox_.reset();
  module_.reset();
  tls_server_.reset();
}

void BrowserTest::ProvisionIdToken() {
  const std::string module = ModulePath().string();
  CommandResult r = RunClient(
      {"pkcs11-tool", "--module", module, "--login", "--pin", kBrowserUserPin, "--keypairgen",
       "--key-type", "EC:prime256v1", "--id", "01", "--label", "browser-auth"},
      run_dir());
  ASSERT_EQ(r.exit_code, 0) << r.output;

  // The CSR is signed by the token's key through libp11's engine.
  const std::string key_uri = "pkcs11:token=" + Pkcs11UriEncode(TokenLabel()) +
                              ";id=%01;type=private?pin-value=" + kBrowserUserPin;
  r = RunClient({"env", "PKCS11_MODULE_PATH=" + module, "openssl", "req", "-new", "-engine",
                 "pkcs11", "-keyform", "engine", "-key", key_uri, "-subj",
                 std::string("/CN=") + kBrowserUserName + "/O=Tessera Test", "-out",
                 File("user.csr").string()},
                run_dir());
  ASSERT_EQ(r.exit_code, 0) << r.output;

  std::ofstream(File("user.ext")) << "basicConstraints=critical,CA:FALSE\n"
                                     "keyUsage=critical,digitalSignature\n"
                                     "extendedKeyUsage=clientAuth\n";
  r = RunClient(
      {"openssl", "x509", "-req", "-in", File("user.csr").string(), "-CA", File("ca.pem").string(),
       "-CAkey", File("ca.key").string(), "-set_serial", "2", "-days", "2", "-extfile",
       File("user.ext").string(), "-out", File("user.pem").string()},
      run_dir());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = RunClient({"openssl", "x509", "-in", File("user.pem").string(), "-outform", "DER", "-out",
                 File("user.der").string()},
                run_dir());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = RunClient({"pkcs11-tool", "--module", module, "--login", "--pin", kBrowserUserPin,
                 "--write-object", File("user.der").string(), "--type", "cert", "--id", "01"},
                run_dir());
  ASSERT_EQ(r.exit_code, 0) << r.output;
}

void BrowserTest::StartTlsServer() {
  std::ofstream(File("server.ext")) << "basicConstraints=critical,CA:FALSE\n"
                                       "keyUsage=critical,digitalSignature\n"
                                       "extendedKeyUsage=serverAuth\n"
                                       "subjectAltName=IP:127.0.0.1\n";
  CommandResult r =
      RunClient({"openssl", "req", "-new", "-newkey", "ec", "-pkeyopt",
                 "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout",
                 File("server.key").string(), "-out", File("server.csr").string()},
                run_dir());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = RunClient(
      {"openssl", "x509", "-req", "-in", File("server.csr").string(), "-CA",
       File("ca.pem").string(), "-CAkey", File("ca.key").string(), "-set_serial", "1", "-days", "2",
       "-extfile", File("server.ext").string(), "-out", File("server.pem").string()},
      run_dir());
  ASSERT_EQ(r.exit_code, 0) << r.output;

  // -Verify 1: a client certificate is required and must chain to the CA;
  // -www: each GET is answered with the session and the peer certificate.
  auto server = ServerProcess::Start(
      {"openssl", "s_server", "-accept", "127.0.0.1:0", "-cert", File("server.pem").string(),
       "-key", File("server.key").string(), "-Verify", "1", "-CAfile", File("ca.pem").string(),
       "-verify_return_error", "-www"},
      {}, File("s_server.log"));
  ASSERT_TRUE(server.ok()) << server.status().message();
  tls_server_ = std::move(server).value();
  auto accept = tls_server_->WaitForLine("ACCEPT ");
  ASSERT_TRUE(accept.has_value()) << tls_server_->Log();
  const std::size_t colon = accept->rfind(':');
  ASSERT_NE(colon, std::string::npos) << *accept;
  server_url_ = "https://127.0.0.1:" + accept->substr(colon + 1) + "/";
}

void BrowserTest::StartFirefox() {
  auto module = BrowserTokenModule::Start(run_dir(), dir_.path());
  ASSERT_TRUE(module.ok()) << module.status().message();
  module_ = std::move(module).value();
  FirefoxOptions options;
  options.trusted_cas = {File("ca.pem")};
  module_->AddTo(options);
  auto firefox = Firefox::Start(options);
  ASSERT_TRUE(firefox.ok()) << firefox.status().message();
  firefox_ = std::move(firefox).value();
  std::cout << "Firefox started in " << firefox_->start_time().count() << " ms (module "
            << module_->library().string() << ")\n";
}

}  // namespace tessera::testing
