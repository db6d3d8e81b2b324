// Fuzzes the HTTP/1.1 request path exactly as tesserad reads it: Beast's
// request parser with the server's limits (ConfigureParser, default Limits),
// fed the way Beast's read loop feeds it, then the Dispatcher (target
// checks, percent-decoding, routing, the problem table) for every whole
// request, pipelined requests included; a read failure goes through
// ReadFailure and Refuse as on a connection. Nothing may crash, leak or
// answer a status outside 100..599.
#include <boost/asio/buffer.hpp>
#include <cstdlib>
#include <string>
#include <string_view>

#include "services/http/builtin_routes.hpp"
#include "services/http/exchange.hpp"
#include "services/http/json_body.hpp"

namespace {

using namespace tessera;

struct World {
  http::Router router;
  http::Metrics metrics;
  http::Limits limits;
  http::Dispatcher dispatcher{router, metrics, nullptr};

  World() {
    router.Add("GET", "/ca/{name}/crl", [](const http::Request& r) -> Result<http::Response> {
      if (r.params.at("name").empty()) std::abort();
      return Status::NotFound("no CA named " + r.params.at("name"));
    });
    router.Add("GET", "/ca/{name}/ocsp/{request}",
               [](const http::Request& r) -> Result<http::Response> {
                 http::Response response;
                 response.body = r.params.at("request");
                 return response;
               });
    router.Add("POST", "/ca/{name}/issue", [](const http::Request& r) -> Result<http::Response> {
      TESSERA_ASSIGN_OR_RETURN(
          std::string profile,
          http::DecodeJsonBody<std::string>(
              r, [](http::JsonObject& o) -> Result<std::string> { return o.String("profile"); }));
      return http::JsonResponse({{"profile", profile}});
    });
    router.Add(
        "GET", "/whoami",
        [](const http::Request& r) -> Result<http::Response> {
          return http::JsonResponse({{"subject", r.client_subject}});
        },
        http::RouteOptions{.require_client_cert = true});
    http::AddBuiltinRoutes(router, metrics, {});
  }
};

void Check(const http::WireResponse& response) {
  const unsigned status = response.result_int();
  if (status < 100 || status > 599) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static World world;
  if (size == 0) return 0;
  // The first byte picks how the bytes arrive (1..32 per read), as a slow
  // or fast client would send them.
  const std::size_t chunk = (data[0] % 32) + 1;
  std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  const http::ConnectionInfo info{"127.0.0.1:1", (data[0] & 0x80) != 0 ? "CN=fuzz" : "", "", ""};
  std::string pending;
  for (int requests = 0; requests < 16; ++requests) {
    http::RequestParser parser;
    http::ConfigureParser(parser, world.limits);
    boost::beast::error_code ec;
    bool more = true;
    while (!parser.is_done()) {
      if (pending.empty() || ec == boost::beast::http::error::need_more) {
        ec = {};
        if (input.empty()) {
          more = false;
          break;
        }
        const std::size_t n = std::min(chunk, input.size());
        pending.append(input.substr(0, n));
        input.remove_prefix(n);
      }
      const std::size_t used = parser.put(boost::asio::buffer(pending), ec);
      pending.erase(0, used);
      if (ec && ec != boost::beast::http::error::need_more) break;
      // The server refuses a declared body over the limit once the header is in.
      if (parser.is_header_done() && parser.content_length() &&
          *parser.content_length() > world.limits.body_bytes) {
        ec = boost::beast::http::error::body_limit;
        break;
      }
    }
    if (!more) {
      // The client closed: a request without a body may still be whole.
      if (parser.got_some()) {
        parser.put_eof(ec);
        if (!ec && parser.is_done()) {
          Check(world.dispatcher.Handle(parser.release(), info, false));
        } else {
          const Status failure = http::ReadFailure(ec);
          if (!failure.ok()) Check(world.dispatcher.Refuse(failure, info));
        }
      }
      return 0;
    }
    if (ec) {
      const Status failure = http::ReadFailure(ec);
      if (!failure.ok()) Check(world.dispatcher.Refuse(failure, info));
      return 0;
    }
    http::WireRequest request = parser.release();
    const bool keep_alive = request.keep_alive();
    Check(world.dispatcher.Handle(std::move(request), info, keep_alive));
    if (!keep_alive) return 0;
  }
  return 0;
}
