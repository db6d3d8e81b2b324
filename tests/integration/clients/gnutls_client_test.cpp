// GnuTLS (Debian's gnutls-bin): p11tool lists the token's objects, and
// gnutls-cli authenticates to openssl s_server with a client key on the
// token (P-256, RSA-2048 and Ed25519), which the server's log shows.
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "tests/integration/clients/client_matrix.hpp"

namespace tessera::testing {
namespace {

class GnutlsTest : public MatrixTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(MatrixTest::SetUp());
    // gnutls-cli has no --provider: it loads the modules p11-kit is
    // configured with, here a user module file in a temporary HOME.
    std::filesystem::create_directories(File("home") / ".config" / "pkcs11" / "modules");
    WriteFile("home/.config/pkcs11/modules/tessera.module",
              "module: " + ModulePath().string() + "\n");
  }

  CommandResult P11tool(const std::vector<std::string>& args) const {
    std::vector<std::string> argv = {"p11tool", "--provider", ModulePath().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunWithEnv({std::string("GNUTLS_PIN=") + kUserPin}, argv);
  }

  // gnutls-cli with `args`, reading `request`, started in the background
  // with the user module config in effect. p11-kit skips user configs when
  // the uid is 0, so as root it runs in a user namespace
  // (docs/pkcs11-clients.md, p11-kit).
  std::unique_ptr<BackgroundProcess> StartGnutlsCli(const std::vector<std::string>& args,
                                                    const std::filesystem::path& request) {
    std::vector<std::string> cmd;
    if (::geteuid() == 0) cmd = {"unshare", "--user"};
    cmd.insert(cmd.end(), {"env", "HOME=" + File("home").string()});
    if (Sanitized()) {
      // libp11-kit ahead of the runtime, for the start-up hang that the
      // p11-kit section of docs/pkcs11-clients.md describes.
      cmd.insert(cmd.end(), {"LD_PRELOAD=libp11-kit.so.0 " + std::string(TESSERA_SANITIZER_PRELOAD),
                             "ASAN_OPTIONS=detect_leaks=0:verify_asan_link_order=0"});
    }
    std::string shell = "exec gnutls-cli";
    for (std::size_t i = 0; i < args.size(); ++i) shell += " \"$" + std::to_string(i + 1) + "\"";
    shell += " < \"$0\"";
    cmd.insert(cmd.end(), {"sh", "-c", shell, request.string()});
    cmd.insert(cmd.end(), args.begin(), args.end());
    return BackgroundProcess::Start(cmd, {}, run_dir(), File("gnutls-cli.log"));
  }

  static bool Sanitized() { return !std::string(TESSERA_SANITIZER_PRELOAD).empty(); }

  // A key of `key_type` in `id_hex`, a CA certificate for it, and one TLS
  // connection from gnutls-cli with that key to s_server -Verify 1.
  // Returns the server's log.
  std::string AuthenticateWith(std::string_view id_hex, std::string_view key_type,
                               const std::string& common_name) {
    const std::string token = TokenLabel();
    GenerateKeyOn(token, id_hex, key_type);
    if (HasFatalFailure()) return "";
    const auto cert = File("client" + std::string(id_hex) + ".pem");
    IssueCertificate(token, id_hex, common_name, "clientAuth", cert);
    if (HasFatalFailure()) return "";
    std::unique_ptr<BackgroundProcess> server;
    std::string port;
    StartClientAuthServer(server, port);
    if (HasFatalFailure()) return "";

    const auto request = WriteFile("request.txt", "hello from gnutls\nCLOSE\n");
    const std::string key_uri =
        TokenObjectUri(token, id_hex, "private") + std::string("?pin-value=") + kUserPin;
    auto client = StartGnutlsCli({"--x509cafile", File("ca.pem").string(), "--x509keyfile", key_uri,
                                  "--x509certfile", cert.string(), "-p", port, "127.0.0.1"},
                                 request);
    EXPECT_NE(client, nullptr);
    if (client == nullptr) return "";
    // The server answers the line reversed and closes on CLOSE. (The line
    // is awaited, and then checked once the client is gone.)
    const std::string closed = "- Peer has closed the GnuTLS connection";
    client->WaitForLine(closed);
    if (Sanitized()) {
      // With the ASan runtime preloaded, every GnuTLS program that loads
      // p11-kit's configured modules hangs at exit, in libp11-kit's
      // destructor (freelocale() on glibc's locale lock), with or without
      // this module (`p11tool --list-tokens` too); the session is over by
      // then, so a hang is cut short. A release build checks the exit code.
      const int code = client->Wait(std::chrono::seconds(2));
      EXPECT_TRUE(code == 0 || code == -1) << code << "\n" << client->Log();
    } else {
      EXPECT_EQ(client->Wait(), 0) << client->Log();
    }
    EXPECT_NE(client->Log().find("sltung morf olleh"), std::string::npos) << client->Log();
    EXPECT_NE(client->Log().find(closed), std::string::npos) << client->Log();
    EXPECT_EQ(server->Wait(), 0) << server->Log();
    std::string log = server->Log();
    EXPECT_NE(log.find("Peer certificate: CN = " + common_name), std::string::npos) << log;
    EXPECT_NE(log.find("Verification: OK"), std::string::npos) << log;
    EXPECT_NE(log.find("Protocol version: TLSv1.3"), std::string::npos) << log;
    return log;
  }
};

TEST_F(GnutlsTest, P11toolListsTheTokensObjectsAndWithALoginItsPrivateKeys) {
  ASSERT_NO_FATAL_FAILURE(GenerateKey(kAuthKeyId));
  const std::string token_uri = TokenObjectUri(TokenLabel());

  CommandResult r = P11tool({"--list-all", token_uri});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Label: Public key for PIV Authentication"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("Type: Public key (EC/ECDSA-SECP256R1)"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Label: Attestation of Token Key"), std::string::npos) << r.output;
  // Without a login the private keys stay hidden (CKA_PRIVATE).
  EXPECT_EQ(r.output.find("type=private"), std::string::npos) << r.output;

  r = P11tool({"--list-privkeys", "--login", token_uri});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find(";id=%01;object=Private%20key%20for%20PIV%20Authentication;type=private"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("Flags: CKA_PRIVATE; CKA_NEVER_EXTRACTABLE; CKA_SENSITIVE;"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("Label: Private key for Token Key"), std::string::npos) << r.output;
}

TEST_F(GnutlsTest, CliAuthenticatesWithAP256KeyOnTheToken) {
  const std::string log = AuthenticateWith(kAuthKeyId, "EC:prime256v1", "GnuTLS P-256 client");
  EXPECT_NE(log.find("Signature type: ECDSA"), std::string::npos) << log;
}

// TLS 1.3: RSA-PSS (CKM_RSA_PKCS_PSS on the token).
TEST_F(GnutlsTest, CliAuthenticatesWithAnRsaKeyOnTheToken) {
  const std::string log = AuthenticateWith("03", "rsa:2048", "GnuTLS RSA client");
  EXPECT_NE(log.find("Signature type: RSA-PSS"), std::string::npos) << log;
}

// CKM_EDDSA: GnuTLS 3.7 signs with an Ed25519 key on a PKCS#11 token.
TEST_F(GnutlsTest, CliAuthenticatesWithAnEd25519KeyOnTheToken) {
  const std::string log = AuthenticateWith("04", "EC:edwards25519", "GnuTLS Ed25519 client");
  EXPECT_NE(log.find("Signature type: ed25519"), std::string::npos) << log;
}

}  // namespace
}  // namespace tessera::testing
