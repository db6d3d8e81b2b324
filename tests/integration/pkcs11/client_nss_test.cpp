// NSS (Debian's libnss3-tools: modutil, certutil, cmsutil, tstclnt) with the
// module added to a fresh NSS database in the test's directory.
#include <gtest/gtest.h>

#include <string>

#include "tests/integration/pkcs11/client_support.hpp"

namespace tessera::testing {
namespace {

class NssTest : public ClientTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ClientTest::SetUp());
    std::filesystem::create_directory(File("nssdb"));
    db_ = "sql:" + File("nssdb").string();
    pin_file_ = WriteFile("pin.txt", std::string(kUserPin) + "\n").string();
    CommandResult r = Run({"certutil", "-N", "-d", db_, "--empty-password"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    r = Run(
        {"modutil", "-dbdir", db_, "-add", "tessera", "-libfile", ModulePath().string(), "-force"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }

  // NSS names a certificate on a token "<token label>:<certificate label>".
  std::string Nickname() const { return TokenLabel() + ":" + kAuthCertLabel; }

  std::string db_;
  std::string pin_file_;
};

TEST_F(NssTest, ModutilListsTheModuleAndItsToken) {
  CommandResult r = Run({"modutil", "-dbdir", db_, "-list"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("library name: " + ModulePath().string()), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("token: " + TokenLabel()), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("library-manufacturer=Tessera"), std::string::npos) << r.output;
}

TEST_F(NssTest, CertutilListsTheTokensCertificateAndKey) {
  ASSERT_NO_FATAL_FAILURE(ProvisionAuthKeyWithCertificate(File("cert.pem")));

  CommandResult r = Run({"certutil", "-L", "-d", db_, "-h", "all", "-f", pin_file_});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find(Nickname()), std::string::npos) << r.output;

  r = Run({"certutil", "-K", "-d", db_, "-h", TokenLabel(), "-f", pin_file_});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("ec       01"), std::string::npos) << r.output;
}

TEST_F(NssTest, CmsutilSignsDataThatOpensslVerifies) {
  const auto cert = File("cert.pem");
  ASSERT_NO_FATAL_FAILURE(ProvisionAuthKeyWithCertificate(cert));
  const auto data = WriteFile("data.txt", "signed by NSS with a key on the token\n");
  const auto sig = File("data.p7");

  // -G adds a signing-time attribute. Without any signed attribute NSS
  // 3.87 puts a raw r||s ECDSA value in the SignerInfo instead of DER, for
  // its own softoken keys as much as for this module's, and nothing verifies it.
  CommandResult r = Run({"cmsutil", "-S", "-d", db_, "-N", Nickname(), "-G", "-Y", "NONE", "-i",
                         data.string(), "-o", sig.string(), "-f", pin_file_});
  ASSERT_EQ(r.exit_code, 0) << r.output;

  r = Run({"openssl", "cms", "-verify", "-inform", "DER", "-in", sig.string(), "-CAfile",
           cert.string(), "-out", File("verified.txt").string()});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Verification successful"), std::string::npos) << r.output;
  EXPECT_EQ(ReadFile(File("verified.txt")), ReadFile(data));
}

TEST_F(NssTest, TstclntAuthenticatesToAnOpensslServerWithTheTokensKey) {
  const auto client_cert = File("cert.pem");
  ASSERT_NO_FATAL_FAILURE(ProvisionAuthKeyWithCertificate(client_cert));
  // The server's own key is a file: only the client's is on the token.
  const auto server_cert = File("server.pem");
  const auto server_key = File("server.key");
  CommandResult r =
      Run({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
           "-nodes", "-days", "2", "-subj", "/CN=localhost", "-keyout", server_key.string(), "-out",
           server_cert.string()});
  ASSERT_EQ(r.exit_code, 0) << r.output;

  // -Verify 1: a client certificate is required, and must chain to ours.
  auto server = BackgroundProcess::Start(
      {"openssl", "s_server", "-accept", "127.0.0.1:0", "-naccept", "1", "-rev", "-cert",
       server_cert.string(), "-key", server_key.string(), "-Verify", "1", "-CAfile",
       client_cert.string(), "-verify_return_error"},
      {}, run_dir(), File("server.log"));
  ASSERT_NE(server, nullptr);
  auto accept = server->WaitForLine("ACCEPT ");
  ASSERT_TRUE(accept.has_value()) << server->Log();
  auto port = AcceptedPort(*accept);
  ASSERT_TRUE(port.has_value()) << *accept;

  // -A sends the file and exits when the server closes; tstclnt reading a
  // pipe on stdin instead spins after the server's close. -o accepts the
  // server's self-signed certificate.
  const auto request = WriteFile("request.txt", "hello from NSS\nCLOSE\n");
  r = Run({"tstclnt", "-h", "127.0.0.1", "-p", *port, "-d", db_, "-n", Nickname(), "-W", pin_file_,
           "-o", "-A", request.string()});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("SSN morf olleh"), std::string::npos) << r.output;
  EXPECT_EQ(server->Wait(), 0) << server->Log();
  const std::string log = server->Log();
  EXPECT_NE(log.find("Peer certificate: CN = Tessera client test"), std::string::npos) << log;
  EXPECT_NE(log.find("Verification: OK"), std::string::npos) << log;
}

}  // namespace
}  // namespace tessera::testing
