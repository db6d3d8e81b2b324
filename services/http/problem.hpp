// The one Status -> HTTP table of the services (STYLE.md: "one maps Status to
// an HTTP status with a JSON error in the services"), and the RFC 9457
// problem-details body built from it.
//
// Handlers never pick an error status: they return a Status and the server
// calls ProblemResponse. Errors the HTTP layer finds itself (a header too
// large, a body too large, a wrong Content-Type, a missing client
// certificate), and the HTTP-only ones of a service (no live session, an
// application behind a gateway that did not answer), travel as
// Status::Refused(HttpFault, message), the front end's own reason codes,
// and are mapped by the same table. Stateless; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/status.hpp"
#include "services/http/router.hpp"

namespace tessera::http {

// The HTTP layer's own refusals: Status::Refused(static_cast<int>(fault), msg),
// or Fault(fault, msg).
enum class HttpFault : int {
  kMalformedRequest = 1,      // 400: the bytes are not HTTP/1.1 (RFC 9112)
  kClientCertRequired = 2,    // 401: the route needs a verified client certificate
  kRequestTimeout = 3,        // 408
  kBodyTooLarge = 4,          // 413
  kUnsupportedMediaType = 5,  // 415: the body is not the Content-Type the route reads
  kHeaderTooLarge = 6,        // 431 (RFC 6585 §5)
  kOverloaded = 7,            // 503: too many connections, or the server is stopping
  kSessionRequired = 8,       // 401: no live session for the request (registration gateway)
  kBadGateway = 9,            // 502: the upstream the request is forwarded to did not answer
  kGone = 10,  // 410: the thing asked for existed and is over for good (an expired request)
};

Status Fault(HttpFault fault, std::string message);

struct ProblemType {
  int status;         // the HTTP status code
  const char* type;   // the problem type URI (RFC 9457 §3.1.1)
  const char* title;  // short, the same for every occurrence (§3.1.3)
  bool show_detail;   // false: the detail is withheld (internal errors), see the log
  int retry_after;    // seconds for a Retry-After header, 0 for none
};

// The table's row for `status` (not kOk).
const ProblemType& ProblemFor(const Status& status);

// application/problem+json (RFC 9457 §3): {type, title, status, detail,
// instance (the request path, when given), request_id}. The detail is the
// Status message unless the row withholds it. A kPinIncorrect status (a wrong
// PIN or one-time password) adds the extension member "tries_left" (RFC 9457
// §3.2) from its detail().
Response ProblemResponse(const Status& status, std::string_view request_id,
                         std::string_view instance = {});

}  // namespace tessera::http
