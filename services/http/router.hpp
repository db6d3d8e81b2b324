// Router: maps (method, path pattern) to a handler, the one way services
// plug into tesserad (docs/http.md).
//
// A handler decodes the request into a typed struct, calls one service
// function and encodes its answer. It never picks an HTTP status for an
// error: it returns the Status, and the server turns it into RFC 9457
// problem+json through the one Status -> HTTP table (problem.hpp). A pattern
// is literal segments and {name} segments ("/ca/{name}/ocsp/{request}"); a
// {name} matches one non-empty segment, percent-decoded. The last segment may
// be a rest segment, {name...} ("/app/{app}/{path...}"): it matches one or
// more non-empty segments, each percent-decoded, joined by '/'. Routes are
// added before the server starts; afterwards the router is read-only and
// thread-safe.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.hpp"

namespace tessera::http {

struct Request {
  std::string method;                         // "GET", "POST"...
  std::string target;                         // as sent: path and query
  std::string path;                           // percent-decoded path without the query
  std::string query;                          // raw, after '?'
  std::map<std::string, std::string> params;  // the pattern's {name} segments
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
  std::string body;
  std::string request_id;          // X-Request-ID if the client sent a sane one, else generated
  std::string client_subject;      // RFC 4514 subject of a verified client certificate, or empty
  std::string client_certificate;  // that certificate, DER, or empty
  // The connection's RFC 9266 tls-exporter: 32 bytes of keying material
  // (RFC 5705, label "EXPORTER-Channel-Binding", no context) that both ends
  // of this TLS connection, and nobody else, know; empty without TLS. A
  // client signs it to bind a proof to the connection (channel binding).
  std::string tls_exporter;
  std::string remote;  // "127.0.0.1:5555", "unix"

  // The first header named `name` (lower-case), if any.
  std::optional<std::string_view> Header(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra: Cache-Control, ETag...
};

using Handler = std::function<Result<Response>(const Request&)>;

struct RouteOptions {
  // The client must present a certificate that the listener's client CA
  // verifies; otherwise 401 problem+json before the handler runs.
  bool require_client_cert = false;
};

class Router {
 public:
  // `pattern` starts with '/'. A second route with the same method and
  // pattern replaces the first.
  void Add(std::string method, std::string pattern, Handler handler, RouteOptions options = {});

  struct Match {
    const Handler* handler = nullptr;
    RouteOptions options;
    std::string pattern;  // the metrics label
    std::map<std::string, std::string> params;
  };
  // kNotFound when no pattern matches the path; kFunctionNotSupported (405)
  // when one matches but not for `method`. `path` is the target's path as
  // sent, still percent-encoded: segments are split first and decoded after,
  // so "%2F" inside a {name} stays in that one segment. A literal route wins
  // over one with {name} segments, which wins over one with a rest segment.
  // kInvalidArgument (400) when only a rest pattern fits and one of its
  // segments decodes to ".", ".." or holds a '/' ("%2F"): see router.cpp.
  Result<Match> Find(std::string_view method, std::string_view path) const;

  // The distinct patterns, in the order added (the metrics' route labels).
  std::vector<std::string> Patterns() const;
  // "GET, POST": the methods some route allows for `path` (the Allow header
  // of a 405, RFC 9110 §15.5.6); empty when none matches.
  std::string Allowed(std::string_view path) const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    int rank = 0;  // 0 literal, 1 {name} segments, 2 a rest segment: the lowest wins
    Handler handler;
    RouteOptions options;
  };
  std::vector<Route> routes_;
};

}  // namespace tessera::http
