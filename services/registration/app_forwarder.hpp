// AppForwarder: the registration gateway's HTTP/1.1 client to application
// servers (issue 14, design §4.2 "Forwarding"; docs/registration-api.md). It
// sends one request to an application's base URL and returns its answer;
// the gateway seals that answer for the token as it is.
//
// - http:// and https:// (TLS 1.2 or 1.3, the server's certificate checked
//   against `ca_file`, or the system store, and the URL's host name or IP).
// - One connection per request (Connection: close): applications are few
//   and local; no pool to go stale.
// - Deadlines: `connect_timeout` for resolving, connecting and the TLS
//   handshake together; `read_timeout` for sending the request and reading
//   the whole answer. Answers larger than the limits are refused.
// - Hop-by-hop header fields (RFC 9110 §7.6.1: Connection and the fields it
//   names, Keep-Alive, Proxy-Connection, TE, Transfer-Encoding, Upgrade, and
//   Trailer, Proxy-Authenticate, Proxy-Authorization) are stripped both
//   ways, and so are Host and Content-Length, which describe this hop's
//   framing: the forwarder writes its own.
// - `added` header fields (the gateway's X-Tessera-User-Code) replace any
//   field of the same name the request carried, so a client cannot forge
//   one.
//
// Errors: kInvalidArgument for a base URL, method, target or header field
// that cannot be sent (nothing is sent); kUnavailable when the application
// cannot be reached, does not answer within the deadlines, answers with
// bytes that are not HTTP/1.1 or more than the limits allow, or the TLS
// check fails (the gateway answers 502 bad-gateway). Any status the
// application answers, 4xx and 5xx included, is a result, not an error.
//
// Thread-safe: Forward may be called from many threads at once; each call
// has its own io_context and connection, and the TLS context is read-only.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.hpp"

namespace tessera::registration {

using HeaderFields = std::vector<std::pair<std::string, std::string>>;

struct ForwardRequest {
  std::string method;  // an RFC 9110 token: "GET", "POST", ...
  // Path and query on the application, origin form (RFC 9112 §3.2.1):
  // "/echo?x=1", percent-encoded (EncodeTargetPath), no dot segments. It is
  // appended to the base URL's path.
  std::string target;
  HeaderFields headers;
  std::string body;
};

struct ForwardResponse {
  int status = 0;
  HeaderFields headers;  // as the application sent them, less the hop-by-hop ones
  std::string body;
};

struct AppForwarderOptions {
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds read_timeout{30000};
  std::size_t max_header_bytes = 16 * 1024;  // the answer's status line and header
  std::size_t max_body_bytes = 1024 * 1024;  // the answer's body
  std::string ca_file;                       // https: PEM; empty: the system's store
};

class AppForwarder {
 public:
  // kInvalidArgument for a timeout or limit of zero or a CA file that does
  // not load.
  static Result<AppForwarder> Create(AppForwarderOptions options);
  ~AppForwarder();
  AppForwarder(AppForwarder&&) noexcept;
  AppForwarder& operator=(AppForwarder&&) noexcept;

  // Sends `request` to `base_url` ("http://127.0.0.1:8081",
  // "https://app.example:8443/api"), with `added` set on it.
  Result<ForwardResponse> Forward(std::string_view base_url, const ForwardRequest& request,
                                  const HeaderFields& added = {}) const;

 private:
  struct State;
  explicit AppForwarder(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// "/" + a decoded path ("a b/c") percent-encoded for a request target
// ("/a%20b/c"): every byte but RFC 3986 unreserved, sub-delims, ':' and '@'
// in each '/'-separated segment (§3.3 pchar).
std::string EncodeTargetPath(std::string_view decoded_path);

// `fields` without the hop-by-hop ones (above), Host and Content-Length.
HeaderFields StripHopByHop(const HeaderFields& fields);

}  // namespace tessera::registration
