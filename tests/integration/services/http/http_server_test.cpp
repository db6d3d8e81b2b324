// The http::Server in this process with routes of the test's own: a route
// that needs a client certificate, a JSON route, a rest route, Status and
// HttpFault answers through the problem table, and a failing health probe.
// Driven by curl over TLS.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "services/http/builtin_routes.hpp"
#include "services/http/json_body.hpp"
#include "services/http/problem.hpp"
#include "services/http/server.hpp"
#include "tests/integration/services/http/test_pki.hpp"
#include "tests/support/run_tool.hpp"
#include "tests/support/temp_dir.hpp"

namespace tessera::testing {
namespace {

struct Echo {
  std::string name;
  std::int64_t count = 1;
};

class HttpServer : public ::testing::Test {
 protected:
  void SetUp() override {
    pki_ = MakeTestPki(dir_.path());
    ASSERT_TRUE(pki_.error.empty()) << pki_.error;
    router_.Add(
        "GET", "/whoami",
        [](const http::Request& request) -> Result<http::Response> {
          return http::JsonResponse({{"subject", request.client_subject}});
        },
        http::RouteOptions{.require_client_cert = true});
    router_.Add("POST", "/echo/{tag}", [](const http::Request& request) -> Result<http::Response> {
      TESSERA_ASSIGN_OR_RETURN(
          Echo echo, http::DecodeJsonBody<Echo>(request, [](http::JsonObject& o) -> Result<Echo> {
            Echo e;
            TESSERA_ASSIGN_OR_RETURN(e.name, o.String("name"));
            TESSERA_ASSIGN_OR_RETURN(auto count, o.OptionalInt("count"));
            if (count) e.count = *count;
            return e;
          }));
      return http::JsonResponse(
          {{"tag", request.params.at("tag")}, {"name", echo.name}, {"count", echo.count}}, 201);
    });
    router_.Add("GET", "/busy", [](const http::Request&) -> Result<http::Response> {
      return Status::Unavailable("the database is restarting");
    });
    router_.Add("GET", "/fwd/{app}/{path...}",
                [](const http::Request& request) -> Result<http::Response> {
                  return http::JsonResponse({{"app", request.params.at("app")},
                                             {"path", request.params.at("path")},
                                             {"query", request.query}});
                });
    router_.Add("GET", "/nosession", [](const http::Request&) -> Result<http::Response> {
      return http::Fault(http::HttpFault::kSessionRequired, "no live session 0123");
    });
    router_.Add("GET", "/upstream", [](const http::Request&) -> Result<http::Response> {
      return http::Fault(http::HttpFault::kBadGateway, "app demo did not answer in 5 s");
    });
    router_.Add("GET", "/boom", [](const http::Request&) -> Result<http::Response> {
      return Status::Internal("SELECT secret FROM somewhere failed");
    });
    http::AddBuiltinRoutes(router_, metrics_,
                           {{"directory", [] { return Status::Ok(); }},
                            {"hsm", [] { return Status::IoError("token not present"); }}});
    http::ServerConfig config;
    config.listeners.push_back(http::ParseListenAddress("127.0.0.1:0").value());
    config.tls = {pki_.server_cert, pki_.server_key, pki_.ca_cert};
    config.threads = 2;
    auto server = http::Server::Create(config, router_, metrics_, nullptr);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
    base_ = server_->BoundAddresses().at(0);
    thread_ = std::thread([this] { server_->Run(); });
  }
  void TearDown() override {
    if (server_) server_->Stop();
    if (thread_.joinable()) thread_.join();
  }

  // curl: the status code, then the body, with `extra` arguments.
  std::pair<int, std::string> Curl(const std::string& path, std::vector<std::string> extra = {},
                                   std::string* headers = nullptr) {
    const std::string header_file = (dir_ / "headers").string();
    std::vector<std::string> argv = {"curl",     "-sS",        "--max-time", "20",
                                     "--cacert", pki_.ca_cert, "-D",         header_file};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.push_back(base_ + path);
    const ToolResult run = RunTool(argv);
    std::ifstream in(header_file);
    std::string head((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (headers != nullptr) *headers = head;
    const std::size_t at = head.rfind("HTTP/1.1 ");
    return {at == std::string::npos ? 0 : std::stoi(head.substr(at + 9, 3)), run.out};
  }

  TempDir dir_{"tessera-http-server"};
  TestPki pki_;
  http::Router router_;
  http::Metrics metrics_;
  std::unique_ptr<http::Server> server_;
  std::thread thread_;
  std::string base_;
};

TEST_F(HttpServer, AClientCertRouteIs401WithoutACertificate) {
  const auto [status, body] = Curl("/whoami");
  EXPECT_EQ(status, 401);
  EXPECT_EQ(nlohmann::json::parse(body)["type"], "urn:tessera:problem:client-certificate-required");
}

TEST_F(HttpServer, AClientCertRouteSeesTheVerifiedSubject) {
  const auto [status, body] =
      Curl("/whoami", {"--cert", pki_.client_cert, "--key", pki_.client_key});
  EXPECT_EQ(status, 200) << body;
  EXPECT_EQ(nlohmann::json::parse(body)["subject"], "CN=alice,O=Tessera Test");
}

TEST_F(HttpServer, AJsonBodyIsDecodedIntoTheHandlersStruct) {
  const auto [status, body] = Curl("/echo/a%2Fb", {"-H", "Content-Type: application/json",
                                                   "--data-binary", R"({"name":"x","count":3})"});
  EXPECT_EQ(status, 201) << body;
  EXPECT_EQ(nlohmann::json::parse(body),
            nlohmann::json({{"tag", "a/b"}, {"name", "x"}, {"count", 3}}));
}

TEST_F(HttpServer, BadJsonIs400NamingTheProblem) {
  auto [status, body] =
      Curl("/echo/t", {"-H", "Content-Type: application/json", "--data-binary", R"({"name":)"});
  EXPECT_EQ(status, 400);
  EXPECT_NE(nlohmann::json::parse(body)["detail"].get<std::string>().find("not JSON"),
            std::string::npos);
  std::tie(status, body) =
      Curl("/echo/t", {"-H", "Content-Type: application/json", "--data-binary", R"({"name":5})"});
  EXPECT_EQ(status, 400);
  EXPECT_EQ(nlohmann::json::parse(body)["detail"], "body.name: expected a string, got number");
  std::tie(status, body) = Curl("/echo/t", {"-H", "Content-Type: application/json", "--data-binary",
                                            R"({"name":"x","colour":1})"});
  EXPECT_EQ(status, 400);
  EXPECT_EQ(nlohmann::json::parse(body)["detail"], "body: unknown field \"colour\"");
}

TEST_F(HttpServer, AWrongContentTypeIs415) {
  const auto [status, body] =
      Curl("/echo/t", {"-H", "Content-Type: text/plain", "--data-binary", R"({"name":"x"})"});
  EXPECT_EQ(status, 415);
  EXPECT_EQ(nlohmann::json::parse(body)["type"], "urn:tessera:problem:unsupported-media-type");
}

TEST_F(HttpServer, UnavailableIs503WithRetryAfter) {
  std::string headers;
  const auto [status, body] = Curl("/busy", {}, &headers);
  EXPECT_EQ(status, 503);
  EXPECT_NE(headers.find("Retry-After: 1"), std::string::npos) << headers;
  EXPECT_EQ(nlohmann::json::parse(body)["detail"], "the database is restarting");
}

TEST_F(HttpServer, AnInternalErrorHidesItsMessage) {
  const auto [status, body] = Curl("/boom");
  EXPECT_EQ(status, 500);
  EXPECT_EQ(body.find("SELECT"), std::string::npos) << body;
}

TEST_F(HttpServer, ARestRouteGetsTheDecodedSegmentsJoinedAndTheRawQuery) {
  const auto [status, body] = Curl("/fwd/demo/a%20b/c?x=1&y=%2F");
  EXPECT_EQ(status, 200) << body;
  EXPECT_EQ(nlohmann::json::parse(body),
            nlohmann::json({{"app", "demo"}, {"path", "a b/c"}, {"query", "x=1&y=%2F"}}));
}

TEST_F(HttpServer, ARestRouteRefusesDotSegmentsAndEncodedSlashesWith400) {
  // --path-as-is: curl would otherwise remove the dot segments itself.
  for (const std::string path :
       {"/fwd/demo/a/../../whoami", "/fwd/demo/%2e%2e/x", "/fwd/demo/./x", "/fwd/demo/a%2Fb"}) {
    const auto [status, body] = Curl(path, {"--path-as-is"});
    EXPECT_EQ(status, 400) << path << " " << body;
    const auto problem = nlohmann::json::parse(body);
    EXPECT_EQ(problem["type"], "urn:tessera:problem:bad-request") << path;
    EXPECT_NE(problem["detail"].get<std::string>().find("is a dot segment or holds an encoded '/'"),
              std::string::npos)
        << body;
  }
  const auto [status, body] = Curl("/fwd/demo/a//b", {"--path-as-is"});
  EXPECT_EQ(status, 404) << body;
  EXPECT_EQ(nlohmann::json::parse(body)["type"], "urn:tessera:problem:not-found");
}

TEST_F(HttpServer, SessionRequiredIs401AndBadGatewayIs502) {
  std::string headers;
  auto [status, body] = Curl("/nosession", {}, &headers);
  EXPECT_EQ(status, 401);
  auto problem = nlohmann::json::parse(body);
  EXPECT_EQ(problem["type"], "urn:tessera:problem:session-required");
  EXPECT_EQ(problem["title"], "Session required");
  EXPECT_EQ(problem["status"], 401);
  EXPECT_EQ(problem["detail"], "no live session 0123");
  EXPECT_EQ(problem["instance"], "/nosession");
  EXPECT_NE(headers.find("application/problem+json"), std::string::npos) << headers;
  std::tie(status, body) = Curl("/upstream", {}, &headers);
  EXPECT_EQ(status, 502);
  problem = nlohmann::json::parse(body);
  EXPECT_EQ(problem["type"], "urn:tessera:problem:bad-gateway");
  EXPECT_EQ(problem["title"], "Bad gateway");
  EXPECT_EQ(problem["status"], 502);
  EXPECT_EQ(problem["detail"], "app demo did not answer in 5 s");
  EXPECT_EQ(headers.find("Retry-After"), std::string::npos) << headers;
}

TEST_F(HttpServer, HealthzIs503NamingTheFailingProbe) {
  const auto [status, body] = Curl("/healthz");
  EXPECT_EQ(status, 503);
  const auto problem = nlohmann::json::parse(body);
  EXPECT_EQ(problem["type"], "urn:tessera:problem:unavailable");
  EXPECT_NE(problem["detail"].get<std::string>().find("health probe hsm failed"), std::string::npos)
      << body;
}

}  // namespace
}  // namespace tessera::testing
