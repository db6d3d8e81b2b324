// services/http's pure parts and tesserad's configuration, without sockets:
// the router, the Status -> HTTP table, percent-decoding, JSON decoding, the
// access-log line, and config files.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "services/http/access_log.hpp"
#include "services/http/json_body.hpp"
#include "services/http/metrics.hpp"
#include "services/http/problem.hpp"
#include "services/http/router.hpp"
#include "services/http/uri.hpp"
#include "tools/tesserad/config.hpp"

namespace tessera::http {
namespace {

Handler Answer(std::string text) {
  return [text](const Request&) -> Result<Response> {
    Response r;
    r.body = text;
    return r;
  };
}

std::string Call(const Router& router, std::string_view method, std::string_view path) {
  auto match = router.Find(method, path);
  if (!match.ok()) return std::string(CodeName(match.status().code()));
  Request request;
  return (*match->handler)(request).value().body;
}

TEST(Router, MatchesLiteralAndParameterSegments) {
  Router router;
  router.Add("GET", "/ca/{name}/crl", Answer("crl"));
  router.Add("POST", "/ca/{name}/ocsp", Answer("ocsp-post"));
  router.Add("GET", "/ca/{name}/ocsp/{request}", Answer("ocsp-get"));
  EXPECT_EQ(Call(router, "GET", "/ca/root/crl"), "crl");
  EXPECT_EQ(Call(router, "POST", "/ca/root/ocsp"), "ocsp-post");
  auto match = router.Find("GET", "/ca/issuing%201/ocsp/MEQw%2FQ%3D%3D");
  ASSERT_TRUE(match.ok());
  EXPECT_EQ(match->pattern, "/ca/{name}/ocsp/{request}");
  EXPECT_EQ(match->params.at("name"), "issuing 1");
  EXPECT_EQ(match->params.at("request"), "MEQw/Q==");  // an encoded '/' stays in its segment
}

TEST(Router, AnUnknownPathIsNotFoundAndAKnownOneWithAnotherMethodIsNotSupported) {
  Router router;
  router.Add("GET", "/ca/{name}/crl", Answer("crl"));
  EXPECT_EQ(router.Find("GET", "/ca/x/crl/more").status().code(), Code::kNotFound);
  EXPECT_EQ(router.Find("GET", "/ca//crl").status().code(), Code::kNotFound);  // empty {name}
  EXPECT_EQ(router.Find("DELETE", "/ca/x/crl").status().code(), Code::kFunctionNotSupported);
  EXPECT_EQ(router.Allowed("/ca/x/crl"), "GET");
  EXPECT_EQ(router.Allowed("/nothing"), "");
}

TEST(Router, ALiteralSegmentWinsOverAParameterAndALaterAddReplaces) {
  Router router;
  router.Add("GET", "/ca/{name}", Answer("param"));
  router.Add("GET", "/ca/list", Answer("literal"));
  EXPECT_EQ(Call(router, "GET", "/ca/list"), "literal");
  EXPECT_EQ(Call(router, "GET", "/ca/other"), "param");
  router.Add("GET", "/ca/list", Answer("replaced"));
  EXPECT_EQ(Call(router, "GET", "/ca/list"), "replaced");
  EXPECT_EQ(router.Patterns(), (std::vector<std::string>{"/ca/{name}", "/ca/list"}));
}

TEST(Router, ARestSegmentTakesOneOrMoreDecodedSegmentsJoinedBySlash) {
  Router router;
  router.Add("POST", "/app/{name}/{path...}", Answer("rest"));
  auto match = router.Find("POST", "/app/demo/echo");
  ASSERT_TRUE(match.ok()) << match.status().ToString();
  EXPECT_EQ(match->pattern, "/app/{name}/{path...}");
  EXPECT_EQ(match->params,
            (std::map<std::string, std::string>{{"name", "demo"}, {"path", "echo"}}));
  match = router.Find("POST", "/app/demo/a%20b/c/d%3F");
  ASSERT_TRUE(match.ok()) << match.status().ToString();
  EXPECT_EQ(match->params.at("path"), "a b/c/d?");
  // No segment for the rest, or an empty one: no match.
  EXPECT_EQ(router.Find("POST", "/app/demo").status().code(), Code::kNotFound);
  EXPECT_EQ(router.Find("POST", "/app/demo/").status().code(), Code::kNotFound);
  EXPECT_EQ(router.Find("POST", "/app/demo/a//b").status().code(), Code::kNotFound);
  EXPECT_EQ(router.Find("POST", "/app/demo/a/").status().code(), Code::kNotFound);
  EXPECT_EQ(router.Find("GET", "/app/demo/a").status().code(), Code::kFunctionNotSupported);
  EXPECT_EQ(router.Allowed("/app/demo/a/b"), "POST");
}

TEST(Router, ARestSegmentRefusesDotSegmentsAndEncodedSlashesWith400) {
  Router router;
  router.Add("POST", "/app/{name}/{path...}", Answer("rest"));
  for (const char* path : {"/app/demo/..", "/app/demo/a/../b", "/app/demo/./a", "/app/demo/%2E%2E",
                           "/app/demo/a/%2e", "/app/demo/a%2Fb", "/app/demo/a%2f..%2fb"}) {
    const auto match = router.Find("POST", path);
    ASSERT_FALSE(match.ok()) << path;
    EXPECT_EQ(match.status().code(), Code::kInvalidArgument) << path;
    EXPECT_EQ(ProblemFor(match.status()).status, 400) << path;
    EXPECT_EQ(router.Allowed(path), "") << path;
  }
  EXPECT_EQ(router.Find("POST", "/app/demo/a/..x/.b").value().params.at("path"), "a/..x/.b");
  // In a {name} segment an encoded '/' is still a value, as before.
  router.Add("POST", "/one/{name}", Answer("one"));
  EXPECT_EQ(router.Find("POST", "/one/a%2Fb").value().params.at("name"), "a/b");
}

TEST(Router, ALiteralWinsOverANameWhichWinsOverARest) {
  Router router;
  router.Add("GET", "/app/{name}/{path...}", Answer("rest"));
  router.Add("GET", "/app/{name}/status", Answer("param"));
  router.Add("GET", "/app/demo/status", Answer("literal"));
  EXPECT_EQ(Call(router, "GET", "/app/demo/status"), "literal");
  EXPECT_EQ(Call(router, "GET", "/app/other/status"), "param");
  EXPECT_EQ(Call(router, "GET", "/app/other/status/more"), "rest");
  EXPECT_EQ(Call(router, "GET", "/app/other/x"), "rest");
  // Another route that fits wins over a rest segment that refuses.
  router.Add("GET", "/app/{name}/..", Answer("dots"));
  EXPECT_EQ(Call(router, "GET", "/app/other/.."), "dots");
}

TEST(ProblemTable, MapsEveryCodeTheServicesUse) {
  struct Row {
    Status status;
    int http;
    const char* type;
  };
  const Row rows[] = {
      {Status::InvalidArgument("x"), 400, "urn:tessera:problem:bad-request"},
      {Status::NotFound("x"), 404, "urn:tessera:problem:not-found"},
      {Status::FunctionNotSupported("x"), 405, "urn:tessera:problem:method-not-allowed"},
      {Status::AlreadyExists("x"), 409, "urn:tessera:problem:already-exists"},
      {Status::ConditionsNotSatisfied("x"), 409, "urn:tessera:problem:conflict"},
      {Status::SecurityStatus("x"), 403, "urn:tessera:problem:forbidden"},
      {Status::PinIncorrect(2), 403, "urn:tessera:problem:forbidden"},
      {Status::SignatureInvalid("x"), 422, "urn:tessera:problem:unprocessable"},
      {Status::DataMismatch("x"), 422, "urn:tessera:problem:unprocessable"},
      {Status::Unavailable("x"), 503, "urn:tessera:problem:unavailable"},
      {Status::Aborted("x"), 503, "urn:tessera:problem:retry"},
      {Status::NoSpace("x"), 507, "urn:tessera:problem:insufficient-storage"},
      {Status::Internal("x"), 500, "urn:tessera:problem:internal"},
      {Status::Corrupt("x"), 500, "urn:tessera:problem:internal"},
      {Fault(HttpFault::kMalformedRequest, "x"), 400, "urn:tessera:problem:malformed-request"},
      {Fault(HttpFault::kClientCertRequired, "x"), 401,
       "urn:tessera:problem:client-certificate-required"},
      {Fault(HttpFault::kBodyTooLarge, "x"), 413, "urn:tessera:problem:body-too-large"},
      {Fault(HttpFault::kUnsupportedMediaType, "x"), 415,
       "urn:tessera:problem:unsupported-media-type"},
      {Fault(HttpFault::kHeaderTooLarge, "x"), 431, "urn:tessera:problem:header-too-large"},
      {Fault(HttpFault::kSessionRequired, "x"), 401, "urn:tessera:problem:session-required"},
      {Fault(HttpFault::kBadGateway, "x"), 502, "urn:tessera:problem:bad-gateway"},
  };
  for (const Row& row : rows) {
    EXPECT_EQ(ProblemFor(row.status).status, row.http) << row.status.ToString();
    EXPECT_STREQ(ProblemFor(row.status).type, row.type) << row.status.ToString();
  }
}

TEST(ProblemTable, TheBodyIsRfc9457JsonWithTheRequestId) {
  const Response r = ProblemResponse(Status::NotFound("no CA named x"), "rid-1", "/ca/x/crl");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.content_type, "application/problem+json");
  EXPECT_EQ(nlohmann::json::parse(r.body),
            nlohmann::json({{"type", "urn:tessera:problem:not-found"},
                            {"title", "Not found"},
                            {"status", 404},
                            {"detail", "no CA named x"},
                            {"instance", "/ca/x/crl"},
                            {"request_id", "rid-1"}}));
  const Response busy = ProblemResponse(Status::Unavailable("db down"), "rid-2");
  ASSERT_EQ(busy.headers.size(), 1u);
  EXPECT_EQ(busy.headers[0], (std::pair<std::string, std::string>{"Retry-After", "1"}));
  const Response internal = ProblemResponse(Status::Internal("SQL text"), "rid-3");
  EXPECT_EQ(internal.body.find("SQL"), std::string::npos);
}

TEST(ProblemTable, SessionRequiredAndBadGatewayShowTheirDetailWithoutRetryAfter) {
  const Response session =
      ProblemResponse(Fault(HttpFault::kSessionRequired, "session expired"), "rid-4", "/app/x/y");
  EXPECT_EQ(session.status, 401);
  EXPECT_TRUE(session.headers.empty());
  EXPECT_EQ(nlohmann::json::parse(session.body),
            nlohmann::json({{"type", "urn:tessera:problem:session-required"},
                            {"title", "Session required"},
                            {"status", 401},
                            {"detail", "session expired"},
                            {"instance", "/app/x/y"},
                            {"request_id", "rid-4"}}));
  const Response gateway =
      ProblemResponse(Fault(HttpFault::kBadGateway, "app demo timed out"), "rid-5");
  EXPECT_EQ(gateway.status, 502);
  EXPECT_TRUE(gateway.headers.empty());
  EXPECT_EQ(nlohmann::json::parse(gateway.body),
            nlohmann::json({{"type", "urn:tessera:problem:bad-gateway"},
                            {"title", "Bad gateway"},
                            {"status", 502},
                            {"detail", "app demo timed out"},
                            {"request_id", "rid-5"}}));
}

TEST(PercentDecode, DecodesAndRefusesBadEscapesAndNul) {
  EXPECT_EQ(PercentDecode("a%20b%2F").value(), "a b/");
  EXPECT_FALSE(PercentDecode("%2").ok());
  EXPECT_FALSE(PercentDecode("%zz").ok());
  EXPECT_FALSE(PercentDecode("a%00b").ok());
  EXPECT_FALSE(SplitTarget("http://x/y").ok());
  EXPECT_EQ(SplitTarget("/a?b=c").value().query, "b=c");
}

Request JsonRequest(std::string body, std::string type = "application/json; charset=utf-8") {
  Request request;
  request.headers.emplace_back("content-type", std::move(type));
  request.body = std::move(body);
  return request;
}

struct Profile {
  std::string name;
  std::vector<std::string> usages;
  bool critical = false;
  std::string nested;
};

Result<Profile> DecodeProfile(const Request& request) {
  return DecodeJsonBody<Profile>(request, [](JsonObject& o) -> Result<Profile> {
    Profile p;
    TESSERA_ASSIGN_OR_RETURN(p.name, o.String("name"));
    TESSERA_ASSIGN_OR_RETURN(p.usages, o.StringArray("usages"));
    TESSERA_ASSIGN_OR_RETURN(auto critical, o.OptionalBool("critical"));
    p.critical = critical.value_or(false);
    TESSERA_RETURN_IF_ERROR(o.Object("subject", [&](JsonObject& s) -> Status {
      TESSERA_ASSIGN_OR_RETURN(p.nested, s.String("cn"));
      return Status::Ok();
    }));
    return p;
  });
}

TEST(JsonBody, DecodesATypedStruct) {
  auto p = DecodeProfile(
      JsonRequest(R"({"name":"tls","usages":["a","b"],"critical":true,"subject":{"cn":"x"}})"));
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->name, "tls");
  EXPECT_EQ(p->usages, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(p->critical);
  EXPECT_EQ(p->nested, "x");
}

TEST(JsonBody, ErrorsNameTheField) {
  auto message = [](std::string body) {
    return DecodeProfile(JsonRequest(std::move(body))).status().message();
  };
  EXPECT_EQ(message(R"({"usages":[],"subject":{"cn":"x"}})"), "body.name: missing");
  EXPECT_EQ(message(R"({"name":1,"usages":[],"subject":{"cn":"x"}})"),
            "body.name: expected a string, got number");
  EXPECT_EQ(message(R"({"name":"n","usages":["a",2],"subject":{"cn":"x"}})"),
            "body.usages[1]: expected a string, got number");
  EXPECT_EQ(message(R"({"name":"n","usages":[],"subject":{"cn":"x","o":"y"}})"),
            "body.subject: unknown field \"o\"");
  EXPECT_EQ(message(R"({"name":"n","usages":[],"subject":{"cn":"x"},"extra":0})"),
            "body: unknown field \"extra\"");
  EXPECT_EQ(message(R"([1])"), "body: expected a JSON object, got array");
  EXPECT_EQ(message(R"({"name":)"), "body: not JSON: syntax error at byte 9");
  EXPECT_EQ(message(std::string(100, '[')), "body: JSON nested deeper than 32 levels");
  // nlohmann throws out_of_range, not parse_error, for these (the fuzz find).
  EXPECT_EQ(message(R"({"days":-92e0072036854775808})"), "body: a number is out of range");
  EXPECT_EQ(message(R"({"days":1e400})"), "body: a number is out of range");
  const Status wrong_type = DecodeProfile(JsonRequest("{}", "text/plain")).status();
  EXPECT_EQ(ProblemFor(wrong_type).status, 415);
}

TEST(AccessLogLine, QuotesAndEscapesWhatARequestControls) {
  AccessRecord record;
  record.remote = "127.0.0.1:5555";
  record.method = "GET";
  record.path = "/a b\n\"x\"";
  record.status = 404;
  record.bytes = 12;
  record.duration = std::chrono::microseconds(1500);
  record.request_id = "r1";
  const std::string line = AccessLog::Format(record);
  EXPECT_NE(line.find(" remote=127.0.0.1:5555 method=GET path=\"/a b\\x0a\\\"x\\\"\" status=404 "
                      "bytes=12 duration_ms=1.500 request_id=r1 client=-"),
            std::string::npos)
      << line;
  EXPECT_EQ(line.find('\n'), std::string::npos);
}

TEST(Metrics, RenderPrometheusTextWithBoundedLabels) {
  Metrics metrics;
  metrics.ObserveRequest("/healthz", "GET", 200, std::chrono::milliseconds(3));
  metrics.ObserveRequest("unmatched", "BREW", 405, std::chrono::milliseconds(20));
  metrics.CountHsmOperation("sign", true);
  metrics.CountHsmOperation("sign", false);
  metrics.ConnectionOpened();
  const std::string text = metrics.Render();
  EXPECT_NE(text.find("tessera_http_requests_total{route=\"/healthz\",method=\"GET\","
                      "status=\"200\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("method=\"other\",status=\"405\"} 1\n"), std::string::npos);
  EXPECT_EQ(text.find("BREW"), std::string::npos);
  EXPECT_NE(text.find("tessera_http_request_duration_seconds_bucket{route=\"/healthz\","
                      "le=\"0.0025\"} 0\n"),
            std::string::npos);
  EXPECT_NE(text.find("tessera_http_request_duration_seconds_bucket{route=\"/healthz\","
                      "le=\"0.005\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("tessera_http_request_duration_seconds_sum{route=\"/healthz\"} 0.003\n"),
            std::string::npos);
  EXPECT_NE(text.find("tessera_hsm_operations_total{operation=\"sign\",result=\"ok\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("tessera_hsm_operations_total{operation=\"sign\",result=\"error\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("tessera_http_open_connections 1\n"), std::string::npos);
}

}  // namespace
}  // namespace tessera::http

namespace tessera::tesserad {
namespace {

const std::set<std::string> kServices = {"ca"};

TEST(TesseradConfig, SectionsPrefixKeysAndListsRepeat) {
  auto settings = ParseConfigFile(
      "listen = https://0.0.0.0:8443  # TLS\nlisten = http://[::1]:80, unix:/run/t.sock\n"
      "services = ca\n[tls]\ncert = \"/etc/t/cert.pem\"\nkey = /etc/t/key.pem\n[limits]\n"
      "read_timeout = 500ms\nidle_timeout = 30\nbody_bytes = 2048\n",
      "t.conf");
  ASSERT_TRUE(settings.ok()) << settings.status().ToString();
  auto config = BuildConfig(*settings, kServices);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  ASSERT_EQ(config->server.listeners.size(), 3u);
  EXPECT_EQ(config->server.listeners[0].ToString(), "https://0.0.0.0:8443");
  EXPECT_EQ(config->server.listeners[1].ToString(), "http://[::1]:80");
  EXPECT_EQ(config->server.listeners[2].ToString(), "unix:/run/t.sock");
  EXPECT_EQ(config->server.tls.cert_file, "/etc/t/cert.pem");
  EXPECT_EQ(config->server.limits.read_timeout, std::chrono::milliseconds(500));
  EXPECT_EQ(config->server.limits.idle_timeout, std::chrono::seconds(30));
  EXPECT_EQ(config->server.limits.body_bytes, 2048u);
  EXPECT_EQ(config->services, std::vector<std::string>{"ca"});
}

TEST(TesseradConfig, FlagsReplaceTheFilesValues) {
  auto file = ParseConfigFile("listen = http://127.0.0.1:1\nthreads = 4\n", "t.conf").value();
  Settings flags;
  flags["listen"] = {{"http://127.0.0.1:2", "flag --listen"}};
  auto config = BuildConfig(Merge(file, flags), kServices);
  ASSERT_TRUE(config.ok());
  ASSERT_EQ(config->server.listeners.size(), 1u);
  EXPECT_EQ(config->server.listeners[0].port, 2);
  EXPECT_EQ(config->server.threads, 4);
  EXPECT_EQ(FlagFor("tls.client_ca"), "--tls-client-ca");
  EXPECT_EQ(FlagFor("access_log"), "--access-log");
}

TEST(TesseradConfig, ErrorsNameTheFileLineAndKey) {
  auto message = [](std::string text) {
    auto settings = ParseConfigFile(text, "t.conf");
    if (!settings.ok()) return settings.status().message();
    return BuildConfig(*settings, kServices).status().message();
  };
  EXPECT_EQ(message("listen = http://127.0.0.1:1\n[tls]\nkye = x\n"),
            "t.conf:3: unknown key tls.kye");
  EXPECT_EQ(message("[nope]\n"),
            "t.conf:1: unknown section [nope] (known: [tls], [limits], [ca], [cms], "
            "[registration], [softtoken])");
  EXPECT_EQ(message("listen\n"), "t.conf:1: expected key = value");
  EXPECT_EQ(message("hsm = a\nhsm = b\n"), "t.conf:2: hsm: already set at t.conf:1");
  EXPECT_EQ(message("listen = http://127.0.0.1:1\nthreads = 0\n"),
            "t.conf:2: threads: expected a whole number from 1 to 256, got \"0\"");
  EXPECT_EQ(message("listen = http://127.0.0.1:99999\n"),
            "t.conf:1: listen: listen address http://127.0.0.1:99999: the port must be 0 to 65535");
  EXPECT_EQ(message("listen = http://127.0.0.1:1\nservices = ca, cms\n"),
            "t.conf:2: services: unknown service \"cms\" (known: ca)");
  EXPECT_EQ(message("listen = 127.0.0.1:1\n"),
            "t.conf:1: listen: a TLS listener needs tls.cert and tls.key (--tls-cert, --tls-key); "
            "use http:// for plain HTTP");
  EXPECT_EQ(message("[limits]\nread_timeout = 5m\n"),
            "t.conf:2: limits.read_timeout: expected a duration such as 10, 10s or 500ms (up to "
            "a day), got \"5m\"");
}

}  // namespace
}  // namespace tessera::tesserad
