// HttpsClient's channel binding (RFC 9266 tls-exporter) against an OpenSSL
// server on loopback that computes its own: the value the client signs is
// the server's for the connection the request arrives on, in TLS 1.2 and
// 1.3; it stays for a kept-alive connection; a request retried on a fresh
// connection is rebuilt with that connection's value; plain HTTP has none.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <thread>

#include "common/ossl.hpp"
#include "tests/integration/services/http/test_pki.hpp"
#include "tests/support/temp_dir.hpp"
#include "tools/tessera/client/https_client.hpp"

namespace tessera::testing {
namespace {

using cli::HttpsClient;
using nlohmann::json;
using SslCtxPtr = std::unique_ptr<SSL_CTX, ossl::Deleter<SSL_CTX_free>>;
using SslPtr = std::unique_ptr<SSL, ossl::Deleter<SSL_free>>;

// One connection at a time; every request is answered with the server's
// exporter for that connection, the connection's number and the body it
// received. `drop_after_first`: each connection is closed, without a word,
// after its first answer (a server closing an idle kept-alive connection).
class ExporterServer {
 public:
  ExporterServer(const TestPki& pki, int tls_version, bool drop_after_first)
      : drop_(drop_after_first) {
    if (tls_version != 0) {
      ctx_.reset(SSL_CTX_new(TLS_server_method()));
      SSL_CTX_use_certificate_chain_file(ctx_.get(), pki.server_cert.c_str());
      SSL_CTX_use_PrivateKey_file(ctx_.get(), pki.server_key.c_str(), SSL_FILETYPE_PEM);
      SSL_CTX_set_min_proto_version(ctx_.get(), tls_version);
      SSL_CTX_set_max_proto_version(ctx_.get(), tls_version);
    }
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        ::listen(listener_, 4) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      std::abort();
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~ExporterServer() {
    ::shutdown(listener_, SHUT_RDWR);
    ::close(listener_);
    thread_.join();
  }
  std::string Url() const {
    return std::string(ctx_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
  }

 private:
  void Serve() {
    for (int number = 1;; ++number) {
      const int fd = ::accept(listener_, nullptr, nullptr);
      if (fd < 0) return;
      SslPtr ssl;
      if (ctx_) {
        ssl.reset(SSL_new(ctx_.get()));
        SSL_set_fd(ssl.get(), fd);
        if (SSL_accept(ssl.get()) != 1) {
          ::close(fd);
          continue;
        }
      }
      std::string pending;
      while (Answer(fd, ssl.get(), number, pending) && !drop_) {
      }
      ::close(fd);  // no close_notify: the client finds out on its next write or read
    }
  }

  static bool Read(int fd, SSL* ssl, std::string& into) {
    char buf[4096];
    const int n =
        ssl ? SSL_read(ssl, buf, sizeof buf) : static_cast<int>(::read(fd, buf, sizeof buf));
    if (n <= 0) return false;
    into.append(buf, static_cast<std::size_t>(n));
    return true;
  }

  // One request in, one answer out; false when the client has gone.
  static bool Answer(int fd, SSL* ssl, int number, std::string& pending) {
    std::size_t end;
    while ((end = pending.find("\r\n\r\n")) == std::string::npos) {
      if (!Read(fd, ssl, pending)) return false;
    }
    std::size_t length = 0;
    const std::size_t at = pending.find("Content-Length: ");
    if (at != std::string::npos && at < end) length = std::stoul(pending.substr(at + 16));
    while (pending.size() < end + 4 + length) {
      if (!Read(fd, ssl, pending)) return false;
    }
    const std::string body = pending.substr(end + 4, length);
    pending.erase(0, end + 4 + length);
    json answer = {{"connection", number}, {"body", body}};
    if (ssl != nullptr) {
      unsigned char ekm[32];
      static constexpr char kLabel[] = "EXPORTER-Channel-Binding";
      if (SSL_export_keying_material(ssl, ekm, sizeof ekm, kLabel, sizeof kLabel - 1, nullptr, 0,
                                     0) != 1) {
        return false;
      }
      answer["exporter"] = ToHex(ByteView(ekm, sizeof ekm));
    }
    const std::string text = answer.dump();
    const std::string response =
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        "Content-Length: " +
        std::to_string(text.size()) + "\r\n\r\n" + text;
    const int written = ssl ? SSL_write(ssl, response.data(), static_cast<int>(response.size()))
                            : static_cast<int>(::write(fd, response.data(), response.size()));
    return written == static_cast<int>(response.size());
  }

  SslCtxPtr ctx_;
  bool drop_;
  int listener_ = -1;
  int port_ = 0;
  std::thread thread_;
};

class ChannelBindingTest : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    pki_ = MakeTestPki(dir_.path());
    ASSERT_TRUE(pki_.error.empty()) << pki_.error;
  }
  HttpsClient Connect(const ExporterServer& server) {
    auto client = HttpsClient::Connect({server.Url(), pki_.ca_cert, {}, 10});
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    if (!client.ok()) std::abort();
    return std::move(client).value();
  }
  TempDir dir_{"tessera-cb"};
  TestPki pki_;
};

// The body carries the exporter the builder was given, as a signature would.
HttpsClient::BoundBody Echo(int* calls) {
  return [calls](ByteView exporter) -> Result<json> {
    ++*calls;
    return json{{"signed_over", ToHex(exporter)}};
  };
}

std::string SignedOver(const json& answer) {
  return json::parse(answer.at("body").get<std::string>()).at("signed_over").get<std::string>();
}

TEST_P(ChannelBindingTest, TheClientsExporterIsTheServersForThatConnection) {
  ExporterServer server(pki_, GetParam(), false);
  HttpsClient client = Connect(server);
  auto binding = client.ChannelBinding();
  ASSERT_TRUE(binding.ok()) << binding.status().ToString();
  EXPECT_EQ(binding->size(), 32u);
  int calls = 0;
  for (int i = 0; i < 3; ++i) {
    auto answer = client.JsonBound("POST", "/bound", Echo(&calls));
    ASSERT_TRUE(answer.ok()) << answer.status().ToString();
    EXPECT_EQ((*answer)["connection"], 1) << "kept alive";
    EXPECT_EQ((*answer)["exporter"], ToHex(*binding));
    EXPECT_EQ(SignedOver(*answer), ToHex(*binding));
  }
  EXPECT_EQ(calls, 3);
}

TEST_P(ChannelBindingTest, ARequestRetriedOnAFreshConnectionIsRebuiltWithItsExporter) {
  ExporterServer server(pki_, GetParam(), true);
  HttpsClient client = Connect(server);
  int calls = 0;
  auto first = client.JsonBound("POST", "/bound", Echo(&calls));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(SignedOver(*first), (*first)["exporter"]);
  // The server closed that connection: the next request fails on it, goes
  // again on connection 2, and is signed again over connection 2's value.
  auto second = client.JsonBound("POST", "/bound", Echo(&calls));
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ((*second)["connection"], 2);
  EXPECT_EQ(SignedOver(*second), (*second)["exporter"]);
  EXPECT_NE((*second)["exporter"], (*first)["exporter"]);
  EXPECT_EQ(calls, 3) << "built once on each connection it was tried on";
}

INSTANTIATE_TEST_SUITE_P(Tls, ChannelBindingTest, ::testing::Values(TLS1_2_VERSION, TLS1_3_VERSION),
                         [](const ::testing::TestParamInfo<int>& param_info) {
                           return param_info.param == TLS1_3_VERSION ? std::string("Tls13")
                                                                     : std::string("Tls12");
                         });

TEST(ChannelBinding, PlainHttpHasNone) {
  TestPki unused;
  ExporterServer server(unused, 0, false);
  auto client = HttpsClient::Connect({server.Url(), "", {}, 10});
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  EXPECT_EQ(client->ChannelBinding().status().code(), Code::kConditionsNotSatisfied);
  int calls = 0;
  auto answer = client->JsonBound("POST", "/bound", Echo(&calls));
  EXPECT_EQ(answer.status().code(), Code::kConditionsNotSatisfied) << answer.status().ToString();
  EXPECT_EQ(calls, 0);
  // An unbound request still works on the same connection.
  auto plain = client->Json("POST", "/plain", json{{"a", 1}});
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_EQ((*plain)["connection"], 1);
}

}  // namespace
}  // namespace tessera::testing
