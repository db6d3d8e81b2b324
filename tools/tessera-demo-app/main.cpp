// tessera-demo-app: the application server of the registration demo (issue
// 14, design §4.5): what the gateway forwards a token holder's calls to.
// Plain HTTP on a loopback address only: it has no TLS and no access
// control, so it refuses to listen anywhere else.
//
//   tessera-demo-app --listen 127.0.0.1:PORT   (0: the kernel picks one)
//
// The first line on stdout is the bound port. Routes:
//   GET|POST|PUT|PATCH|DELETE /echo   {"method","path","query","headers","body"}:
//                                     the request, with only the X-Tessera-*
//                                     header fields (what the gateway adds)
//   GET /time                         {"time": unix seconds, "utc": ISO 8601}
// SIGINT and SIGTERM stop it cleanly (exit 0).
#include <arpa/inet.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>
#include <string>

#include "services/http/json_body.hpp"
#include "services/http/metrics.hpp"
#include "services/http/router.hpp"
#include "services/http/server.hpp"

namespace tessera {
namespace {

Result<http::Response> Echo(const http::Request& request) {
  nlohmann::json headers = nlohmann::json::object();
  for (const auto& [name, value] : request.headers) {  // names are lower-case
    if (name.starts_with("x-tessera")) headers[name] = value;
  }
  // A body that is not UTF-8 is echoed with replacement characters.
  return http::JsonResponse({{"method", request.method},
                             {"path", request.path},
                             {"query", request.query},
                             {"headers", headers},
                             {"body", request.body}});
}

Result<http::Response> Time(const http::Request& /*request*/) {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  char text[32] = {};
  gmtime_r(&now, &utc);
  (void)std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return http::JsonResponse({{"time", static_cast<std::int64_t>(now)}, {"utc", text}});
}

bool IsLoopback(const std::string& host) {
  in_addr v4{};
  if (::inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  return host == "::1";
}

int Run(const std::string& listen) {
  const std::string text = listen.find("://") == std::string::npos ? "http://" + listen : listen;
  Result<http::ListenAddress> address = http::ParseListenAddress(text);
  if (!address.ok()) {
    (void)std::fprintf(stderr, "tessera-demo-app: %s\n", address.status().message().c_str());
    return 2;
  }
  if (address->kind != http::ListenAddress::Kind::kPlain || !IsLoopback(address->host)) {
    (void)std::fprintf(stderr,
                       "tessera-demo-app: --listen must be plain HTTP on a loopback address "
                       "(127.0.0.1:PORT, [::1]:PORT)\n");
    return 2;
  }
  http::Router router;
  for (const char* method : {"GET", "POST", "PUT", "PATCH", "DELETE"}) {
    router.Add(method, "/echo", Echo);
  }
  router.Add("GET", "/time", Time);
  http::Metrics metrics;
  http::ServerConfig config;
  config.listeners.push_back(*address);
  config.threads = 2;
  Result<std::unique_ptr<http::Server>> server =
      http::Server::Create(config, router, metrics, nullptr);
  if (!server.ok()) {
    (void)std::fprintf(stderr, "tessera-demo-app: %s\n", server.status().ToString().c_str());
    return 1;
  }
  http::Server* running = server->get();
  running->OnSignals({SIGINT, SIGTERM}, [running](int) { running->Stop(); });
  const std::string bound = running->BoundAddresses().at(0);
  std::printf("%s\n", bound.substr(bound.rfind(':') + 1).c_str());
  (void)std::fflush(stdout);
  running->Run();
  return 0;
}

}  // namespace
}  // namespace tessera

int main(int argc, char** argv) {
  try {
    CLI::App app{
        "tessera-demo-app: the registration demo's application server (plain HTTP, loopback)"};
    std::string listen = "127.0.0.1:0";
    app.add_option("--listen", listen, "ADDRESS:PORT on loopback; port 0 picks one")
        ->capture_default_str();
    CLI11_PARSE(app, argc, argv);
    return tessera::Run(listen);
  } catch (const std::exception& e) {
    (void)std::fprintf(stderr, "tessera-demo-app: %s\n", e.what());
    return 1;
  } catch (...) {
    return 1;
  }
}
