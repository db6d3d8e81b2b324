// HttpsClient against the real tesserad (HTTPS with the test PKI, plain
// HTTP, the CA service's client-certificate routes), and the signer-backed
// TLS key in TLS 1.2 and 1.3 handshakes with an OpenSSL server.
#include "tools/tessera/client/https_client.hpp"

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/stat.h>

#include <memory>

#include "tests/integration/services/http/tesserad_process.hpp"
#include "tests/integration/services/http/test_pki.hpp"
#include "tests/integration/tools/client/test_certificates.hpp"
#include "tests/support/run_tool.hpp"
#include "tests/support/temp_dir.hpp"
#include "tools/tessera/client/tls_signer_key.hpp"

namespace tessera::testing {
namespace {

using cli::HttpsClient;
using cli::HttpsClientOptions;

// tesserad with the CA service (no CA yet) on a SoftHSM2 token, HTTPS with
// client certificates from the test PKI, and plain HTTP.
class HttpsClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_.path() / "pki");
    pki_ = MakeTestPki(dir_.path() / "pki");
    ASSERT_TRUE(pki_.error.empty()) << pki_.error;
    home_ = dir_.path() / "home";
    std::filesystem::create_directories(home_);
    ::chmod(home_.c_str(), 0700);
    const std::string url = "sqlite:" + (home_ / "directory.db").string();
    // The CLI sets up what tesserad only opens: the HSM token and the schema.
    for (const std::vector<std::string>& step : std::vector<std::vector<std::string>>{
             {"hsm", "init-softhsm", "--name", "ca"},
             {"directory", "migrate", "--directory", url},
         }) {
      ToolResult r = Cli(step);
      ASSERT_EQ(r.exit_code, 0) << r.Describe();
    }
    daemon_ = std::make_unique<TesseradProcess>(
        std::vector<std::string>{"--listen", "127.0.0.1:0", "--listen", "http://127.0.0.1:0",
                                 "--tls-cert", pki_.server_cert, "--tls-key", pki_.server_key,
                                 "--tls-client-ca", pki_.ca_cert, "--home", home_.string(), "--hsm",
                                 "ca", "--services", "ca", "--directory", url},
        dir_.path());
    ASSERT_TRUE(daemon_->WaitListening(2)) << daemon_->Stderr();
  }

  ToolResult Cli(const std::vector<std::string>& args) const {
    return RunTesseraCli(TESSERA_CLI_BINARY, {"TESSERA_HOME=" + home_.string()}, args);
  }

  HttpsClientOptions Https() const {
    HttpsClientOptions o;
    o.base_url = "https://127.0.0.1:" + std::to_string(daemon_->PortOf("https://"));
    o.ca_file = pki_.ca_cert;
    o.timeout_seconds = 20;
    return o;
  }

  HttpsClient ConnectOrDie(HttpsClientOptions options) {
    auto client = HttpsClient::Connect(std::move(options));
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    if (!client.ok()) std::abort();
    return std::move(client).value();
  }

  TempDir dir_{"tessera-cli-https"};
  std::filesystem::path home_;
  TestPki pki_;
  std::unique_ptr<TesseradProcess> daemon_;
};

TEST_F(HttpsClientTest, HealthzOverHttpsWithTheTestCa) {
  HttpsClient client = ConnectOrDie(Https());
  auto health = client.Json("GET", "/healthz");
  ASSERT_TRUE(health.ok()) << health.status().ToString();
  EXPECT_EQ((*health)["status"], "ok");
  // The same connection again (keep-alive).
  auto raw = client.Send("GET", "/healthz", "", "");
  ASSERT_TRUE(raw.ok()) << raw.status().ToString();
  EXPECT_EQ(raw->status, 200);
  EXPECT_EQ(raw->content_type, "application/json");
}

TEST_F(HttpsClientTest, PlainHttpWorksToo) {
  HttpsClientOptions o;
  o.base_url = "http://127.0.0.1:" + std::to_string(daemon_->PortOf("http://"));
  HttpsClient client = ConnectOrDie(o);
  for (int i = 0; i < 3; ++i) {
    auto health = client.Json("GET", "/healthz");
    ASSERT_TRUE(health.ok()) << health.status().ToString();
    EXPECT_EQ((*health)["probes"]["hsm"], "ok");
  }
}

TEST_F(HttpsClientTest, A404IsNotFoundWithTheProblemsTitle) {
  HttpsClient client = ConnectOrDie(Https());
  auto missing = client.Json("GET", "/no/such/route");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
  EXPECT_EQ(missing.status().message().rfind("HTTP 404: Not found", 0), 0u)
      << missing.status().message();
  // A 405 (another 4xx) is kInvalidArgument; the connection still works.
  auto wrong_method = client.Json("DELETE", "/healthz");
  EXPECT_EQ(wrong_method.status().code(), Code::kInvalidArgument)
      << wrong_method.status().ToString();
  EXPECT_TRUE(client.Json("GET", "/healthz").ok());
}

TEST_F(HttpsClientTest, AClientCertificateBehindASignerReachesAClientAuthRoute) {
  const nlohmann::json body = {{"profile", "officer"}, {"csr", "not a CSR"}};
  HttpsClient anonymous = ConnectOrDie(Https());
  auto refused = anonymous.Json("POST", "/ca/nosuch/issue", body);
  EXPECT_EQ(refused.status().code(), Code::kSecurityStatus) << refused.status().ToString();
  EXPECT_NE(refused.status().message().find("Client certificate required"), std::string::npos)
      << refused.status().message();

  auto calls = std::make_shared<int>(0);
  HttpsClientOptions o = Https();
  o.client_certificate = SoftwareClientCertificate(pki_.client_cert, pki_.client_key, calls);
  HttpsClient officer = ConnectOrDie(o);
  EXPECT_EQ(*calls, 1) << "the handshake signed once, through the signer";
  // Past the client-certificate check: the handler runs and knows no CA "nosuch".
  auto unknown = officer.Json("POST", "/ca/nosuch/issue", body);
  EXPECT_EQ(unknown.status().code(), Code::kNotFound) << unknown.status().ToString();
}

TEST_F(HttpsClientTest, AnotherCaFileFailsAsUnavailable) {
  std::filesystem::create_directories(dir_.path() / "other");
  TestPki other = MakeTestPki(dir_.path() / "other");
  ASSERT_TRUE(other.error.empty()) << other.error;
  HttpsClientOptions o = Https();
  o.ca_file = other.ca_cert;
  auto client = HttpsClient::Connect(o);
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.status().code(), Code::kUnavailable) << client.status().ToString();
  EXPECT_NE(client.status().message().find(o.base_url), std::string::npos);
}

TEST_F(HttpsClientTest, AHostTheCertificateDoesNotNameFailsAsUnavailable) {
  // The server's certificate names 127.0.0.1 and localhost, not 127.0.0.2.
  HttpsClientOptions o = Https();
  o.base_url = "https://127.0.0.2:" + std::to_string(daemon_->PortOf("https://"));
  auto client = HttpsClient::Connect(o);
  if (client.ok()) GTEST_SKIP() << "127.0.0.2 does not reach the listener on 127.0.0.1";
  EXPECT_EQ(client.status().code(), Code::kUnavailable) << client.status().ToString();
}

// An in-memory handshake between an OpenSSL server that requires a client
// certificate and a client whose key is SignerBackedKey.
class SignerKeyTest : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    pki_ = MakeTestPki(dir_.path());
    ASSERT_TRUE(pki_.error.empty()) << pki_.error;
  }
  TempDir dir_{"tessera-cli-tls"};
  TestPki pki_;
};

using SslCtxPtr = std::unique_ptr<SSL_CTX, ossl::Deleter<SSL_CTX_free>>;
using SslPtr = std::unique_ptr<SSL, ossl::Deleter<SSL_free>>;

TEST_P(SignerKeyTest, TheHandshakeSignsThroughTheSigner) {
  const int version = GetParam();
  SslCtxPtr server_ctx(SSL_CTX_new(TLS_server_method()));
  ASSERT_EQ(SSL_CTX_use_certificate_chain_file(server_ctx.get(), pki_.server_cert.c_str()), 1);
  ASSERT_EQ(
      SSL_CTX_use_PrivateKey_file(server_ctx.get(), pki_.server_key.c_str(), SSL_FILETYPE_PEM), 1);
  ASSERT_EQ(SSL_CTX_load_verify_locations(server_ctx.get(), pki_.ca_cert.c_str(), nullptr), 1);
  SSL_CTX_set_verify(server_ctx.get(), SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);

  auto calls = std::make_shared<int>(0);
  cli::ClientCertificate client_cert =
      SoftwareClientCertificate(pki_.client_cert, pki_.client_key, calls);
  auto key = cli::SignerBackedKey(client_cert.public_key_spki, client_cert.sign);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  auto cert = ossl::CertFromDer(client_cert.certificate_der);
  ASSERT_TRUE(cert.ok());
  SslCtxPtr client_ctx(SSL_CTX_new(TLS_client_method()));
  ASSERT_EQ(SSL_CTX_use_certificate(client_ctx.get(), cert->get()), 1);
  ASSERT_EQ(SSL_CTX_use_PrivateKey(client_ctx.get(), key->get()), 1) << ossl::DrainErrors();
  ASSERT_EQ(SSL_CTX_load_verify_locations(client_ctx.get(), pki_.ca_cert.c_str(), nullptr), 1);
  SSL_CTX_set_verify(client_ctx.get(), SSL_VERIFY_PEER, nullptr);
  for (SSL_CTX* ctx : {server_ctx.get(), client_ctx.get()}) {
    SSL_CTX_set_min_proto_version(ctx, version);
    SSL_CTX_set_max_proto_version(ctx, version);
  }

  SslPtr server(SSL_new(server_ctx.get()));
  SslPtr client(SSL_new(client_ctx.get()));
  BIO* client_bio = nullptr;
  BIO* server_bio = nullptr;
  ASSERT_EQ(BIO_new_bio_pair(&client_bio, 0, &server_bio, 0), 1);
  SSL_set_bio(client.get(), client_bio, client_bio);
  SSL_set_bio(server.get(), server_bio, server_bio);
  SSL_set_connect_state(client.get());
  SSL_set_accept_state(server.get());
  bool client_done = false;
  bool server_done = false;
  for (int round = 0; round < 50 && !(client_done && server_done); ++round) {
    if (!client_done) {
      const int r = SSL_do_handshake(client.get());
      client_done = r == 1;
      if (r != 1) {
        ASSERT_EQ(SSL_get_error(client.get(), r), SSL_ERROR_WANT_READ) << ossl::DrainErrors();
      }
    }
    if (!server_done) {
      const int r = SSL_do_handshake(server.get());
      server_done = r == 1;
      if (r != 1) {
        ASSERT_EQ(SSL_get_error(server.get(), r), SSL_ERROR_WANT_READ) << ossl::DrainErrors();
      }
    }
  }
  ASSERT_TRUE(client_done && server_done);
  EXPECT_EQ(SSL_version(client.get()), version);
  EXPECT_EQ(SSL_get_verify_result(server.get()), X509_V_OK);
  ossl::X509Ptr peer(SSL_get1_peer_certificate(server.get()));
  ASSERT_NE(peer, nullptr);
  EXPECT_EQ(X509_cmp(peer.get(), cert->get()), 0);
  EXPECT_EQ(*calls, 1);
}

INSTANTIATE_TEST_SUITE_P(Tls, SignerKeyTest, ::testing::Values(TLS1_2_VERSION, TLS1_3_VERSION),
                         [](const ::testing::TestParamInfo<int>& param_info) {
                           return param_info.param == TLS1_3_VERSION ? std::string("Tls13")
                                                                     : std::string("Tls12");
                         });

}  // namespace
}  // namespace tessera::testing
