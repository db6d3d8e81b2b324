// Seed 002's "a slow client on either channel": the soft-token daemon of the
// end-to-end world (read timeout 3 s) with two slow clients on its listener
// while a whole issuance goes through beside them:
//   - one that never finishes its TLS handshake (half a ClientHello, then a
//     byte a second), as either channel's client looks before TLS;
//   - one that finishes the handshake and then sends the device's request
//     (POST /softtoken/v1/requests) a byte a second.
// Both are closed by the read timeout; the issuance is not held up and leaves
// no request of theirs behind. Then oversized fields and bodies: each a 400
// or 413 problem naming the field, and no request made. On SQLite and
// PostgreSQL.
#include <fcntl.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/integration/services/http/tesserad_process.hpp"
#include "tests/integration/services/softtoken/st_e2e_fixture.hpp"
#include "tools/tessera/client/https_client.hpp"

namespace tessera::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

struct SslCtxFree {
  void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};
struct SslFree {
  void operator()(SSL* s) const { SSL_free(s); }
};

// A slow client: a connection and how it sends its next byte.
struct SlowClient {
  UniqueFd fd;
  std::unique_ptr<SSL, SslFree> ssl;  // null: bytes go straight to the socket
  std::string rest;                   // what it has yet to send, a byte at a time
  Clock::time_point closed_at{};

  bool Closed() {
    pollfd p{fd.get(), POLLIN, 0};
    if (::poll(&p, 1, 0) <= 0) return false;
    char buffer[512];
    if (ssl == nullptr) return ::recv(fd.get(), buffer, sizeof buffer, MSG_DONTWAIT) <= 0;
    // An answer may come before the close: read until there is nothing.
    for (;;) {
      const int n = SSL_read(ssl.get(), buffer, sizeof buffer);
      if (n <= 0) return SSL_get_error(ssl.get(), n) != SSL_ERROR_WANT_READ;
      if (::poll(&p, 1, 0) <= 0) return false;
    }
  }
  void SendOne() {
    if (rest.empty()) return;
    const char byte = rest.front();
    rest.erase(0, 1);
    if (ssl == nullptr) {
      (void)::send(fd.get(), &byte, 1, MSG_NOSIGNAL);
    } else {
      (void)SSL_write(ssl.get(), &byte, 1);
    }
  }
};

class SoftTokenSlowTest : public SoftTokenE2eTest {};

TEST_P(SoftTokenSlowTest, SlowClientsOnEitherChannelAreClosedAndHoldUpNoIssuance) {
  (void)std::signal(SIGPIPE, SIG_IGN);  // SSL_write to a socket the daemon closed
  const int port = st_daemon_->PortOf("https://");

  // Half a TLS 1.2 record header and ClientHello, then a byte a second.
  SlowClient handshake{ConnectTcp(port), nullptr,
                       std::string("\x16\x03\x01\x00\xc8\x01\x00\x00", 8)};
  handshake.rest.append(64, '\0');
  ASSERT_TRUE(handshake.fd.valid());
  handshake.SendOne();
  handshake.SendOne();

  std::unique_ptr<SSL_CTX, SslCtxFree> ctx(SSL_CTX_new(TLS_client_method()));
  ASSERT_NE(ctx, nullptr);
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);  // only the timing is under test
  SlowClient request{ConnectTcp(port), nullptr,
                     "POST /softtoken/v1/requests HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     "Content-Type: application/json\r\nContent-Length: 400\r\n\r\n{\"device\":"};
  ASSERT_TRUE(request.fd.valid());
  request.ssl.reset(SSL_new(ctx.get()));
  ASSERT_NE(request.ssl, nullptr);
  SSL_set_fd(request.ssl.get(), request.fd.get());
  ASSERT_EQ(SSL_connect(request.ssl.get()), 1) << "the daemon refused a plain TLS client";
  // From here the client never blocks: Closed() reads what has come (the
  // server's session tickets, an answer) without waiting for more.
  ASSERT_EQ(::fcntl(request.fd.get(), F_SETFL, ::fcntl(request.fd.get(), F_GETFL) | O_NONBLOCK), 0);
  const Clock::time_point start = Clock::now();

  std::atomic<bool> stop{false};
  std::thread dribble([&] {
    SlowClient* clients[] = {&handshake, &request};
    while (!stop.load()) {
      for (SlowClient* c : clients) {
        if (c->closed_at != Clock::time_point{}) continue;
        if (c->Closed()) {
          c->closed_at = Clock::now();
        } else {
          c->SendOne();
        }
      }
      if (handshake.closed_at != Clock::time_point{} && request.closed_at != Clock::time_point{}) {
        return;
      }
      std::this_thread::sleep_for(milliseconds(250));
    }
  });

  // A whole issuance beside them: a card, a device, both channels by the CLI.
  std::string user;
  const std::uint32_t card = IssueIdToken("sally", "Sally Example", &user);
  const std::uint32_t device = TakeTokens(1).at(0);
  auto device_side = StartRequest(device, {"--deliver", "device", "--out", Path("slow.sdjwt")});
  std::optional<std::string> otp = device_side->WaitForLine("otp: ", seconds(60));
  std::vector<std::string> confirm = {
      "softtoken",          "confirm", "--id-token", std::to_string(card), "--otp",
      otp.value_or("none"), "--yes",   "--pin-file", Path("pin")};
  for (const std::string& a : StServer()) confirm.push_back(a);
  ToolResult confirmed = Cli(confirm);
  const int device_exit = device_side->Wait(seconds(60));

  // Both slow clients are closed within the read timeout and a margin.
  for (int i = 0; i < 200 && (handshake.closed_at == Clock::time_point{} ||
                              request.closed_at == Clock::time_point{});
       ++i) {
    std::this_thread::sleep_for(milliseconds(100));
  }
  stop = true;
  dribble.join();

  ASSERT_TRUE(otp.has_value()) << device_side->Stderr();
  EXPECT_EQ(confirmed.exit_code, 0) << confirmed.Describe();
  EXPECT_EQ(device_exit, 0) << device_side->Stdout() << device_side->Stderr();
  std::error_code ec;
  EXPECT_GT(std::filesystem::file_size(Path("slow.sdjwt"), ec), 0u) << ec.message();
  for (const SlowClient* c : {&handshake, &request}) {
    ASSERT_NE(c->closed_at, Clock::time_point{}) << "a slow client is still open after 20 s";
    EXPECT_LT(c->closed_at - start, seconds(15));
    EXPECT_GE(c->closed_at - start, milliseconds(2500));  // not before the read timeout
  }
}

// Fields over their bounds (a nonce over 64 bytes, a device key over 1 KiB, an attestation over
// 8 KiB, a password over 64 characters) are 400 naming the field; a body
// over the 1 MiB limit is 413. None makes a request or spends a try.
TEST_P(SoftTokenSlowTest, OversizedFieldsAndBodiesAreRefusedAndMakeNothing) {
  std::string ca_file;
  const std::vector<std::string> server = StServer();
  for (std::size_t i = 0; i + 1 < server.size(); ++i) {
    if (server[i] == "--ca-file") ca_file = server[i + 1];
  }
  cli::HttpsClientOptions options;
  options.base_url = BaseUrl();
  options.ca_file = ca_file;
  Result<cli::HttpsClient> client = cli::HttpsClient::Connect(options);
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  Result<nlohmann::json> challenge = client->Json("POST", "/softtoken/v1/challenges");
  ASSERT_TRUE(challenge.ok()) << challenge.status().ToString();
  const std::string nonce = challenge->value("nonce", "");
  const std::string big(12000, 'A');
  const nlohmann::json fields = {{"nonce", nonce},        {"serial", 1},
                                 {"slot", "9e"},          {"device_key", "AAAA"},
                                 {"attestation", "AAAA"}, {"attestation_ca", "AAAA"},
                                 {"signature", "AAAA"}};
  for (const std::string name :
       {"nonce", "device_key", "attestation", "attestation_ca", "signature"}) {
    nlohmann::json body = fields;
    body[name] = big;
    Result<cli::HttpResponse> answer =
        client->Send("POST", "/softtoken/v1/requests", "application/json", body.dump());
    ASSERT_TRUE(answer.ok()) << answer.status().ToString();
    EXPECT_EQ(answer->status, 400) << name << ": " << answer->body;
    EXPECT_NE(answer->body.find("body." + name), std::string::npos) << answer->body;
  }
  nlohmann::json otp = {{"otp", big.substr(0, 65)}};
  Result<cli::HttpResponse> long_otp =
      client->Send("POST", "/softtoken/v1/confirm", "application/json", otp.dump());
  ASSERT_TRUE(long_otp.ok()) << long_otp.status().ToString();
  EXPECT_GE(long_otp->status, 400) << long_otp->body;  // 400, or 401 before it without a card
  EXPECT_LT(long_otp->status, 500) << long_otp->body;
  const std::string huge = R"({"challenge":")" + std::string(1024 * 1024 + 16, 'A') + R"("})";
  Result<cli::HttpResponse> too_big =
      client->Send("POST", "/softtoken/v1/requests", "application/json", huge);
  if (too_big.ok()) {  // else the daemon closed the connection as it answered, which is also right
    EXPECT_EQ(too_big->status, 413) << too_big->body.substr(0, 300);
  }
  EXPECT_EQ(AuditCount("softtoken.request"), 0);
  EXPECT_EQ(AuditCount("softtoken.confirm"), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, SoftTokenSlowTest,
                         ::testing::Values(CmsBackend::kSqlite, CmsBackend::kPostgresql),
                         [](const auto& test_param) { return CmsBackendName(test_param.param); });

}  // namespace
}  // namespace tessera::testing
