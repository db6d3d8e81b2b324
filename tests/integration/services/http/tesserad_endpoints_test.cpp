// tesserad's built-in endpoints and error answers, over TLS, plain HTTP and
// a UNIX socket, driven by curl and raw sockets.
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "tests/integration/services/http/tesserad_fixture.hpp"

namespace tessera::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class TesseradEndpoints : public TesseradTest {};

TEST_F(TesseradEndpoints, HealthzSaysOkWithTheDirectoryProbeOverTls) {
  Start();
  const CurlResult r = Curl(HttpsUrl("/healthz"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.headers.find("content-type: application/json"), std::string::npos);
  const auto body = nlohmann::json::parse(r.body);
  EXPECT_EQ(body["status"], "ok");
  EXPECT_EQ(body["probes"]["directory"], "ok");
}

TEST_F(TesseradEndpoints, MetricsCountRequestsByRouteAndStatus) {
  Start();
  ASSERT_EQ(Curl(HttpsUrl("/healthz")).status, 200);
  ASSERT_EQ(Curl(HttpsUrl("/nothing-here")).status, 404);
  const CurlResult r = Curl(HttpUrl("/metrics"));
  ASSERT_EQ(r.status, 200) << r.err;
  EXPECT_NE(r.headers.find("content-type: text/plain; version=0.0.4"), std::string::npos);
  EXPECT_NE(r.body.find("tessera_http_requests_total{route=\"/healthz\",method=\"GET\","
                        "status=\"200\"} 1\n"),
            std::string::npos)
      << r.body;
  EXPECT_NE(r.body.find("tessera_http_requests_total{route=\"unmatched\",method=\"GET\","
                        "status=\"404\"} 1\n"),
            std::string::npos)
      << r.body;
  EXPECT_NE(r.body.find("tessera_http_request_duration_seconds_bucket{route=\"/healthz\","
                        "le=\"+Inf\"} 1\n"),
            std::string::npos)
      << r.body;
  EXPECT_NE(r.body.find("tessera_http_request_duration_seconds_count{route=\"/healthz\"} 1\n"),
            std::string::npos);
  EXPECT_NE(r.body.find("tessera_http_open_connections 1\n"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("# TYPE tessera_hsm_operations_total counter\n"), std::string::npos);
}

TEST_F(TesseradEndpoints, AnUnknownPathIs404ProblemJsonWithTheRequestId) {
  Start();
  const CurlResult r = Curl(HttpsUrl("/no/such/thing"), {"-H", "X-Request-ID: test-42"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.headers.find("content-type: application/problem+json"), std::string::npos);
  EXPECT_NE(r.headers.find("x-request-id: test-42"), std::string::npos);
  const auto body = nlohmann::json::parse(r.body);
  EXPECT_EQ(body["type"], "urn:tessera:problem:not-found");
  EXPECT_EQ(body["title"], "Not found");
  EXPECT_EQ(body["status"], 404);
  EXPECT_EQ(body["instance"], "/no/such/thing");
  EXPECT_EQ(body["request_id"], "test-42");
  EXPECT_TRUE(body["detail"].is_string());
}

TEST_F(TesseradEndpoints, AWrongMethodIs405WithAllow) {
  Start();
  const CurlResult r = Curl(HttpsUrl("/healthz"), {"-X", "DELETE"});
  EXPECT_EQ(r.status, 405);
  EXPECT_NE(r.headers.find("allow: get"), std::string::npos) << r.headers;
  EXPECT_EQ(nlohmann::json::parse(r.body)["type"], "urn:tessera:problem:method-not-allowed");
}

TEST_F(TesseradEndpoints, AnOversizedHeaderIs431AndTheConnectionCloses) {
  Start();
  UniqueFd fd = ConnectTcp(daemon_->PortOf("http://"));
  ASSERT_TRUE(fd.valid());
  ASSERT_TRUE(SendAll(fd.get(), "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: " +
                                    std::string(9000, 'a') + "\r\n\r\n"));
  const std::string answer = Receive(fd.get(), seconds(10));
  EXPECT_EQ(answer.rfind("HTTP/1.1 431 ", 0), 0u) << answer.substr(0, 200);
  EXPECT_NE(answer.find("application/problem+json"), std::string::npos);
  EXPECT_NE(answer.find("urn:tessera:problem:header-too-large"), std::string::npos);
  EXPECT_NE(answer.find("Connection: close"), std::string::npos);
}

TEST_F(TesseradEndpoints, AnOversizedBodyIs413BeforeItIsSent) {
  Start({"--limits-body-bytes", "1000"});
  UniqueFd fd = ConnectTcp(daemon_->PortOf("http://"));
  ASSERT_TRUE(fd.valid());
  ASSERT_TRUE(
      SendAll(fd.get(), "POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n"));
  const std::string answer = Receive(fd.get(), seconds(10));
  EXPECT_EQ(answer.rfind("HTTP/1.1 413 ", 0), 0u) << answer.substr(0, 200);
  EXPECT_NE(answer.find("urn:tessera:problem:body-too-large"), std::string::npos);
}

TEST_F(TesseradEndpoints, CurlSendingAnOversizedBodyGets413) {
  Start({"--limits-body-bytes", "1000"});
  const CurlResult r = Curl(HttpsUrl("/healthz"), {"--data-binary", std::string(3000, 'x'), "-H",
                                                   "Content-Type: application/json"});
  EXPECT_EQ(r.status, 413) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.body)["status"], 413);
}

TEST_F(TesseradEndpoints, AMalformedRequestIs400) {
  Start();
  UniqueFd fd = ConnectTcp(daemon_->PortOf("http://"));
  ASSERT_TRUE(fd.valid());
  ASSERT_TRUE(SendAll(fd.get(), "GET /healthz HTTP/9.9 nonsense\r\n\r\n"));
  const std::string answer = Receive(fd.get(), seconds(10));
  EXPECT_EQ(answer.rfind("HTTP/1.1 400 ", 0), 0u) << answer.substr(0, 200);
  EXPECT_NE(answer.find("urn:tessera:problem:malformed-request"), std::string::npos);
}

TEST_F(TesseradEndpoints, ABadPercentEncodingIs400) {
  Start();
  UniqueFd fd = ConnectTcp(daemon_->PortOf("http://"));
  ASSERT_TRUE(SendAll(fd.get(), "GET /ca/%zz/crl HTTP/1.1\r\nHost: x\r\n\r\n"));
  const std::string answer = Receive(fd.get(), seconds(10), true);
  EXPECT_EQ(answer.rfind("HTTP/1.1 400 ", 0), 0u) << answer.substr(0, 200);
}

TEST_F(TesseradEndpoints, ASlowlorisIsClosedByTheReadTimeout) {
  Start({"--limits-read-timeout", "1s"});
  UniqueFd fd = ConnectTcp(daemon_->PortOf("http://"));
  ASSERT_TRUE(fd.valid());
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(SendAll(fd.get(), "GET /healthz HTTP/1.1\r\nHost: x\r\n"));
  bool closed = false;
  for (int i = 0; i < 40 && !closed; ++i) {
    // One header byte every 100 ms: never a whole request.
    if (!SendAll(fd.get(), "X")) {
      closed = true;
      break;
    }
    closed = ClosedWithin(fd.get(), milliseconds(100));
  }
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(closed);
  EXPECT_LT(took, seconds(3));
  EXPECT_GE(took, milliseconds(900));
}

TEST_F(TesseradEndpoints, KeepAliveServesTwoRequestsOnOneConnection) {
  Start();
  UniqueFd fd = ConnectTcp(daemon_->PortOf("http://"));
  ASSERT_TRUE(fd.valid());
  const std::string request = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_TRUE(SendAll(fd.get(), request));
  const std::string first = Receive(fd.get(), seconds(10), true);
  EXPECT_EQ(first.rfind("HTTP/1.1 200 ", 0), 0u) << first;
  ASSERT_TRUE(SendAll(fd.get(), "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"));
  const std::string second = Receive(fd.get(), seconds(10), true);
  EXPECT_EQ(second.rfind("HTTP/1.1 200 ", 0), 0u) << second.substr(0, 200);
  // Both on the one connection this test opened.
  EXPECT_NE(second.find("tessera_http_connections_total 1\n"), std::string::npos);
}

TEST_F(TesseradEndpoints, AnIdleKeepAliveConnectionIsClosedAfterTheIdleTimeout) {
  Start({"--limits-idle-timeout", "1s"});
  UniqueFd fd = ConnectTcp(daemon_->PortOf("http://"));
  ASSERT_TRUE(SendAll(fd.get(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(Receive(fd.get(), seconds(10), true).rfind("HTTP/1.1 200 ", 0), 0u);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(ClosedWithin(fd.get(), seconds(5)));
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(800));
}

TEST_F(TesseradEndpoints, ConnectionsBeyondTheLimitAreClosedAtOnce) {
  Start({"--limits-max-connections", "1"});
  UniqueFd first = ConnectTcp(daemon_->PortOf("http://"));
  ASSERT_TRUE(SendAll(first.get(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(Receive(first.get(), seconds(10), true).rfind("HTTP/1.1 200 ", 0), 0u);
  UniqueFd second = ConnectTcp(daemon_->PortOf("http://"));
  ASSERT_TRUE(second.valid());  // the kernel accepts; tesserad closes it unanswered
  EXPECT_TRUE(ClosedWithin(second.get(), seconds(5)));
  // The first, kept alive, still works.
  ASSERT_TRUE(SendAll(first.get(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(Receive(first.get(), seconds(10), true).rfind("HTTP/1.1 200 ", 0), 0u);
}

TEST_F(TesseradEndpoints, TheUnixSocketServesPlainHttpAndIsMode0660) {
  Start();
  struct stat info {};
  ASSERT_EQ(::stat(socket_path().c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0660u);
  const CurlResult r = Curl("http://localhost/healthz", {"--unix-socket", socket_path()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.status, 200);
}

}  // namespace
}  // namespace tessera::testing
