// Exchange: one HTTP request in, one response out, independent of the
// connection it came on. The server's connections read with a parser set up
// by ConfigureParser and hand the message here; the fuzzer drives the same
// two functions. Dispatcher runs the route, turns a Status into problem+json
// (problem.hpp), and writes the access-log line and the metrics.
//
// Thread-safe: a Dispatcher is shared by all connections; it only reads the
// router, and Metrics and AccessLog are thread-safe.
#pragma once

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <string>

#include "common/status.hpp"
#include "services/http/access_log.hpp"
#include "services/http/metrics.hpp"
#include "services/http/router.hpp"
#include "services/http/server_config.hpp"

namespace tessera::http {

namespace bhttp = boost::beast::http;
using WireRequest = bhttp::request<bhttp::string_body>;
using WireResponse = bhttp::response<bhttp::string_body>;
using RequestParser = bhttp::request_parser<bhttp::string_body>;

struct ConnectionInfo {
  std::string remote;              // "127.0.0.1:5555", "unix"
  std::string client_subject;      // of a verified client certificate, else empty
  std::string client_certificate;  // its DER, else empty
  std::string tls_exporter;        // RFC 9266 tls-exporter (32 bytes), else empty
};

// The limits the server reads with: header bytes (431) and body bytes (413).
void ConfigureParser(RequestParser& parser, const Limits& limits);
// What a failed read means to the client: the 431 / 413 / 400 fault, or Ok
// when there is nobody to answer (end of stream, timeout, reset).
Status ReadFailure(const boost::beast::error_code& ec);

// The handler's view of a request. kInvalidArgument for a target that is
// not an origin-form path or does not percent-decode.
Result<Request> MakeRequest(WireRequest&& wire, const ConnectionInfo& info);

// X-Request-ID when the client sent 1 to 64 of [A-Za-z0-9._:-], else 16
// random hex digits.
std::string RequestIdFor(const WireRequest& wire);

class Dispatcher {
 public:
  // `access_log` may be null (no log). All must outlive the dispatcher.
  Dispatcher(const Router& router, Metrics& metrics, AccessLog* access_log)
      : router_(router), metrics_(metrics), access_log_(access_log) {}

  // Routes and answers `wire`. Never throws: a handler's exception is a 500.
  // `keep_alive` false adds Connection: close.
  WireResponse Handle(WireRequest&& wire, const ConnectionInfo& info, bool keep_alive) const;
  // The answer to a request that could not be read (`failure` from
  // ReadFailure); the connection closes after it.
  WireResponse Refuse(const Status& failure, const ConnectionInfo& info,
                      std::string_view method = "-", std::string_view target = "-") const;

 private:
  Response Route(const Request& request, std::string* route_label) const;
  WireResponse Finish(Response response, const Request& request, std::string_view route,
                      std::chrono::steady_clock::time_point start, unsigned version,
                      bool keep_alive) const;

  const Router& router_;
  Metrics& metrics_;
  AccessLog* access_log_;
};

}  // namespace tessera::http
