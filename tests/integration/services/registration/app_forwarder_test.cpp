// AppForwarder (services/registration/app_forwarder.hpp) against the real
// tessera-demo-app over plain HTTP, an in-process http::Server over TLS
// (the test PKI of the HTTP tests), a listener that never answers and a
// port nobody listens on: what reaches the application, what comes back,
// the hop-by-hop fields, the deadlines and the size limit.
#include "services/registration/app_forwarder.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <csignal>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/unique_fd.hpp"
#include "services/http/json_body.hpp"
#include "services/http/server.hpp"
#include "tests/integration/services/http/test_pki.hpp"
#include "tests/integration/services/registration/demo_app_process.hpp"
#include "tests/support/temp_dir.hpp"

namespace tessera::registration {
namespace {

using tessera::testing::DemoAppProcess;
using tessera::testing::TempDir;
using Json = nlohmann::json;

AppForwarder MakeForwarder(AppForwarderOptions options = {}) {
  auto forwarder = AppForwarder::Create(std::move(options));
  EXPECT_TRUE(forwarder.ok()) << forwarder.status().ToString();
  return std::move(forwarder).value();
}

bool HasField(const HeaderFields& fields, const std::string& name) {
  for (const auto& [key, value] : fields) {
    std::string lower = key;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == name) return true;
  }
  return false;
}

// A TCP listener on 127.0.0.1 that accepts (the kernel does) and never reads
// or answers: the forwarder's read deadline must fire.
struct SilentListener {
  UniqueFd fd{::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)};
  int port = 0;
  SilentListener() {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    EXPECT_EQ(::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), size), 0);
    EXPECT_EQ(::listen(fd.get(), 8), 0);
    EXPECT_EQ(::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&address), &size), 0);
    port = ntohs(address.sin_port);
  }
};

class AppForwarderTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(app_.WaitReady()) << app_.Stderr(); }

  TempDir dir_{"tessera-forwarder"};
  DemoAppProcess app_{TESSERA_DEMO_APP_BINARY, dir_.path()};
};

TEST_F(AppForwarderTest, ForwardsMethodTargetFieldsAndBodyAndAddsTheCallersField) {
  const AppForwarder forwarder = MakeForwarder();
  ForwardRequest request;
  request.method = "POST";
  request.target = EncodeTargetPath("echo") + "?x=1&y=%2F";
  request.headers = {{"Content-Type", "text/plain"},
                     {"X-Tessera-Note", "kept"},
                     {"X-Tessera-User-Code", "forged"},  // replaced by the added field
                     {"Connection", "keep-alive, X-Tessera-Private"},
                     {"X-Tessera-Private", "named by Connection"},
                     {"Keep-Alive", "timeout=5"},
                     {"TE", "trailers"},
                     {"Upgrade", "h2c"},
                     {"Proxy-Authorization", "Basic eDp5"},
                     {"Host", "evil.example"}};
  request.body = "hello, app";
  auto answer = forwarder.Forward(app_.base_url(), request, {{"X-Tessera-User-Code", "UIDC-1"}});
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_EQ(answer->status, 200);
  EXPECT_EQ(Json::parse(answer->body),
            Json({{"method", "POST"},
                  {"path", "/echo"},
                  {"query", "x=1&y=%2F"},
                  {"headers", {{"x-tessera-note", "kept"}, {"x-tessera-user-code", "UIDC-1"}}},
                  {"body", "hello, app"}}));
  // The answer's framing fields are this hop's: not returned.
  EXPECT_TRUE(HasField(answer->headers, "content-type"));
  EXPECT_FALSE(HasField(answer->headers, "connection"));
  EXPECT_FALSE(HasField(answer->headers, "content-length"));
}

TEST_F(AppForwarderTest, AnApplicationsErrorStatusIsAResult) {
  const AppForwarder forwarder = MakeForwarder();
  auto answer = forwarder.Forward(app_.base_url() + "/", {"GET", "/nothing", {}, ""});
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_EQ(answer->status, 404);
  EXPECT_EQ(Json::parse(answer->body)["type"], "urn:tessera:problem:not-found");
  auto time = forwarder.Forward(app_.base_url(), {"GET", "/time", {}, ""});
  ASSERT_TRUE(time.ok()) << time.status().ToString();
  EXPECT_EQ(time->status, 200);
  EXPECT_NEAR(Json::parse(time->body)["time"].get<double>(),
              static_cast<double>(std::time(nullptr)), 60);
}

TEST_F(AppForwarderTest, AnAnswerOverTheLimitIsUnavailable) {
  AppForwarderOptions options;
  options.max_body_bytes = 1000;
  const AppForwarder forwarder = MakeForwarder(options);
  auto answer = forwarder.Forward(app_.base_url(), {"POST", "/echo", {}, std::string(5000, 'a')});
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.status().code(), Code::kUnavailable);
  EXPECT_NE(answer.status().message().find("larger than the limit"), std::string::npos)
      << answer.status().ToString();
}

TEST_F(AppForwarderTest, TheDemoAppStopsCleanlyOnSigterm) {
  app_.Signal(SIGTERM);
  EXPECT_EQ(app_.Wait(std::chrono::seconds(15)), 0) << app_.Stderr();
}

TEST(AppForwarder, AnApplicationThatDoesNotAnswerTimesOut) {
  SilentListener silent;
  AppForwarderOptions options;
  options.read_timeout = std::chrono::milliseconds(300);
  const AppForwarder forwarder = MakeForwarder(options);
  const auto start = std::chrono::steady_clock::now();
  auto answer = forwarder.Forward("http://127.0.0.1:" + std::to_string(silent.port),
                                  {"GET", "/echo", {}, ""});
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.status().code(), Code::kUnavailable);
  EXPECT_NE(answer.status().message().find("timed out"), std::string::npos)
      << answer.status().ToString();
  EXPECT_LT(took, std::chrono::seconds(5));
}

TEST(AppForwarder, AnUnreachableApplicationIsUnavailable) {
  int port = 0;
  {
    SilentListener closed;  // a port that was free a moment ago, now closed
    port = closed.port;
  }
  const AppForwarder forwarder = MakeForwarder();
  auto answer = forwarder.Forward("http://127.0.0.1:" + std::to_string(port), {"GET", "/", {}, ""});
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.status().code(), Code::kUnavailable);
  EXPECT_NE(answer.status().message().find("connecting to 127.0.0.1:"), std::string::npos)
      << answer.status().ToString();
}

TEST(AppForwarder, RefusesWhatCannotBeSentWithoutSending) {
  SilentListener never;  // nothing may reach it: each call fails before connecting
  const std::string url = "http://127.0.0.1:" + std::to_string(never.port);
  const AppForwarder forwarder = MakeForwarder();
  const ForwardRequest bad[] = {
      {"GE T", "/echo", {}, ""},
      {"GET", "echo", {}, ""},
      {"GET", "/a/../echo", {}, ""},
      {"GET", "/./echo", {}, ""},
      {"GET", "/a b", {}, ""},
      {"GET", "/echo#x", {}, ""},
      {"GET", "/echo", {{"X-Tessera-Note", "a\r\nX-Injected: 1"}}, ""},
      {"GET", "/echo", {{"Bad Name", "x"}}, ""},
  };
  for (const ForwardRequest& request : bad) {
    EXPECT_EQ(forwarder.Forward(url, request).status().code(), Code::kInvalidArgument)
        << request.method << " " << request.target;
  }
  for (const char* base : {"ftp://127.0.0.1", "http://", "http://user@127.0.0.1",
                           "http://127.0.0.1:99999", "http://127.0.0.1/a?b"}) {
    EXPECT_EQ(forwarder.Forward(base, {"GET", "/", {}, ""}).status().code(), Code::kInvalidArgument)
        << base;
  }
  AppForwarderOptions no_time;
  no_time.connect_timeout = std::chrono::milliseconds(0);
  EXPECT_EQ(AppForwarder::Create(no_time).status().code(), Code::kInvalidArgument);
  AppForwarderOptions no_ca;
  no_ca.ca_file = "/nonexistent/ca.pem";
  EXPECT_EQ(AppForwarder::Create(no_ca).status().code(), Code::kInvalidArgument);
}

TEST(AppForwarder, EncodesAPathAndStripsHopByHopFields) {
  EXPECT_EQ(EncodeTargetPath("a b/c%d/é/x:y@z"), "/a%20b/c%25d/%C3%A9/x:y@z");
  EXPECT_EQ(EncodeTargetPath("/echo"), "/echo");
  EXPECT_EQ(EncodeTargetPath("q?x#y"), "/q%3Fx%23y");
  const HeaderFields kept = StripHopByHop({{"connection", "close, x-a"},
                                           {"X-A", "1"},
                                           {"X-B", "2"},
                                           {"Transfer-Encoding", "chunked"},
                                           {"Trailer", "x"},
                                           {"Content-Length", "3"}});
  EXPECT_EQ(kept, (HeaderFields{{"X-B", "2"}}));
}

// https://: an http::Server with the HTTP tests' PKI, checked against its CA
// and the URL's IP; another CA fails the handshake.
TEST(AppForwarder, ForwardsOverTlsCheckingTheCaFile) {
  TempDir dir("tessera-forwarder-tls");
  const tessera::testing::TestPki pki = tessera::testing::MakeTestPki(dir.path());
  ASSERT_TRUE(pki.error.empty()) << pki.error;
  http::Router router;
  router.Add("GET", "/hello", [](const http::Request& request) -> Result<http::Response> {
    return http::JsonResponse(
        {{"user", std::string(request.Header("x-tessera-user-code").value_or(""))}});
  });
  http::Metrics metrics;
  http::ServerConfig config;
  config.listeners.push_back(http::ParseListenAddress("127.0.0.1:0").value());
  config.tls = {pki.server_cert, pki.server_key, ""};
  config.threads = 1;
  auto server = http::Server::Create(config, router, metrics, nullptr);
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  std::thread thread([&] { (*server)->Run(); });
  const std::string base = (*server)->BoundAddresses().at(0);

  AppForwarderOptions with_ca;
  with_ca.ca_file = pki.ca_cert;
  const AppForwarder trusting = MakeForwarder(with_ca);
  auto answer = trusting.Forward(base, {"GET", "/hello", {}, ""}, {{"X-Tessera-User-Code", "U"}});
  EXPECT_TRUE(answer.ok()) << answer.status().ToString();
  if (answer.ok()) {
    EXPECT_EQ(answer->status, 200);
    EXPECT_EQ(Json::parse(answer->body), Json({{"user", "U"}}));
  }
  const AppForwarder strangers = MakeForwarder();  // the system store: not the test CA
  auto refused = strangers.Forward(base, {"GET", "/hello", {}, ""});
  EXPECT_EQ(refused.status().code(), Code::kUnavailable);
  EXPECT_NE(refused.status().message().find("TLS handshake"), std::string::npos)
      << refused.status().ToString();
  (*server)->Stop();
  thread.join();
}

}  // namespace
}  // namespace tessera::registration
