// OpenSSL 3 with libp11's engine ("pkcs11", Debian's libengine-pkcs11-openssl)
// using keys on the token through RFC 7512 URIs.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "tests/integration/pkcs11/client_support.hpp"

namespace tessera::testing {
namespace {

// An openssl configuration that loads the engine with the module, the
// way docs/pkcs11-clients.md shows it.
std::string EngineConfig() {
  return "openssl_conf = openssl_init\n"
         "[openssl_init]\n"
         "engines = engine_section\n"
         "[engine_section]\n"
         "pkcs11 = pkcs11_section\n"
         "[pkcs11_section]\n"
         "engine_id = pkcs11\n"
         "MODULE_PATH = " +
         ModulePath().string() +
         "\n"
         "init = 0\n"
         "[req]\n"
         "distinguished_name = req_dn\n"
         "[req_dn]\n";
}

class OpensslEngineTest : public ClientTest {
 protected:
  // Runs `openssl s_server` with the token's key `id_hex` and its
  // certificate, connects `openssl s_client` with `client_args`, and checks a
  // line goes both ways. Returns the server's log for further checks.
  std::string ServeOneTlsConnection(std::string_view id_hex, const std::filesystem::path& cert,
                                    const std::vector<std::string>& client_args) {
    // -rev: the server sends each line back reversed and closes on "CLOSE".
    auto server = BackgroundProcess::Start(
        {"openssl", "s_server", "-accept", "127.0.0.1:0", "-naccept", "1", "-rev", "-engine",
         "pkcs11", "-keyform", "engine", "-key", ObjectUri(id_hex, "private", /*pin=*/true),
         "-cert", cert.string()},
        {"PKCS11_MODULE_PATH=" + ModulePath().string()}, run_dir(),
        File("server-" + std::to_string(++servers_) + ".log"));
    EXPECT_NE(server, nullptr);
    if (server == nullptr) return "";
    auto accept = server->WaitForLine("ACCEPT ");
    EXPECT_TRUE(accept.has_value()) << server->Log();
    auto port = accept ? AcceptedPort(*accept) : std::nullopt;
    EXPECT_TRUE(port.has_value()) << server->Log();
    if (!port) return server->Log();

    const auto request = File("request.txt");
    std::ofstream(request) << "hello from the client\nCLOSE\n";
    std::string client = "exec openssl s_client -connect 127.0.0.1:" + *port +
                         R"( -CAfile "$0" -verify_return_error -quiet -ign_eof)";
    for (const std::string& arg : client_args) client += " " + arg;
    CommandResult r = Run({"sh", "-c", client + R"( < "$1")", cert.string(), request.string()});
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("tneilc eht morf olleh"), std::string::npos) << r.output;
    EXPECT_EQ(server->Wait(), 0) << server->Log();
    return server->Log();
  }

  int servers_ = 0;
};

TEST_F(OpensslEngineTest, SelfSignsACertificateThatVerifiesWithTheTokensKey) {
  ASSERT_NO_FATAL_FAILURE(GenerateKey(kAuthKeyId));
  const auto conf = WriteFile("openssl.cnf", EngineConfig());
  const auto cert = File("cert.pem");

  CommandResult r = Run({"env", "OPENSSL_CONF=" + conf.string(), "openssl", "req", "-new", "-x509",
                         "-days", "2", "-engine", "pkcs11", "-keyform", "engine", "-key",
                         ObjectUri(kAuthKeyId, "private", /*pin=*/true), "-subj", "/CN=test",
                         "-out", cert.string()});
  ASSERT_EQ(r.exit_code, 0) << r.output;

  // The signature verifies with the certificate's own key...
  r = Run({"openssl", "verify", "-CAfile", cert.string(), cert.string()});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find(cert.string() + ": OK"), std::string::npos) << r.output;

  // ...and that key is the token's public key, read back through the engine.
  r = Run({"openssl", "x509", "-in", cert.string(), "-noout", "-pubkey", "-out",
           File("cert_pub.pem").string()});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ASSERT_NO_FATAL_FAILURE(ReadPublicKeyWithEngine(kAuthKeyId, File("token_pub.pem")));
  const std::string token_pub = ReadFile(File("token_pub.pem"));
  EXPECT_EQ(ReadFile(File("cert_pub.pem")), token_pub);
}

TEST_F(OpensslEngineTest, ServesTlsWithAnEcKeyOnTheToken) {
  const auto cert = File("cert.pem");
  ASSERT_NO_FATAL_FAILURE(GenerateKey(kAuthKeyId));
  ASSERT_NO_FATAL_FAILURE(SelfSignWithEngine(kAuthKeyId, cert));

  const std::string log = ServeOneTlsConnection(kAuthKeyId, cert, {});
  EXPECT_NE(log.find("Protocol version: TLSv1.3"), std::string::npos) << log;
}

// TLS 1.3 signs with RSA-PSS (CKM_RSA_PKCS_PSS), TLS 1.2 here with
// PKCS#1 v1.5 (CKM_RSA_PKCS): both through the engine.
TEST_F(OpensslEngineTest, ServesTlsWithAnRsaKeyOnTheToken) {
  const std::string id = "03";  // 9D
  const auto cert = File("cert.pem");
  ASSERT_NO_FATAL_FAILURE(GenerateKey(id, "rsa:2048"));
  ASSERT_NO_FATAL_FAILURE(SelfSignWithEngine(id, cert));

  std::string log = ServeOneTlsConnection(id, cert, {"-tls1_3"});
  EXPECT_NE(log.find("Protocol version: TLSv1.3"), std::string::npos) << log;
  log = ServeOneTlsConnection(id, cert, {"-tls1_2", "-sigalgs", "RSA+SHA256"});
  EXPECT_NE(log.find("Protocol version: TLSv1.2"), std::string::npos) << log;
}

}  // namespace
}  // namespace tessera::testing
