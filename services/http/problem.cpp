#include "services/http/problem.hpp"

#include <nlohmann/json.hpp>

namespace tessera::http {
namespace {

// Problem type URIs are URNs: stable names that need no web server
// (RFC 9457 §3.1.1 allows any URI; docs/http.md lists them).
#define TESSERA_PROBLEM(name) "urn:tessera:problem:" name

constexpr ProblemType kBadRequest{400, TESSERA_PROBLEM("bad-request"), "Bad request", true, 0};
constexpr ProblemType kMalformed{400, TESSERA_PROBLEM("malformed-request"),
                                 "Malformed HTTP request", true, 0};
constexpr ProblemType kUnauthenticated{401, TESSERA_PROBLEM("client-certificate-required"),
                                       "Client certificate required", true, 0};
constexpr ProblemType kNoSession{401, TESSERA_PROBLEM("session-required"), "Session required", true,
                                 0};
constexpr ProblemType kForbidden{403, TESSERA_PROBLEM("forbidden"), "Forbidden", true, 0};
constexpr ProblemType kNotFound{404, TESSERA_PROBLEM("not-found"), "Not found", true, 0};
constexpr ProblemType kMethod{405, TESSERA_PROBLEM("method-not-allowed"), "Method not allowed",
                              true, 0};
constexpr ProblemType kTimeout{408, TESSERA_PROBLEM("request-timeout"), "Request timeout", true, 0};
constexpr ProblemType kConflict{409, TESSERA_PROBLEM("conflict"), "Conflict", true, 0};
constexpr ProblemType kExists{409, TESSERA_PROBLEM("already-exists"), "Already exists", true, 0};
constexpr ProblemType kGone{410, TESSERA_PROBLEM("gone"), "Gone", true, 0};
constexpr ProblemType kTooLarge{413, TESSERA_PROBLEM("body-too-large"), "Request body too large",
                                true, 0};
constexpr ProblemType kMediaType{415, TESSERA_PROBLEM("unsupported-media-type"),
                                 "Unsupported media type", true, 0};
constexpr ProblemType kUnprocessable{422, TESSERA_PROBLEM("unprocessable"), "Unprocessable content",
                                     true, 0};
constexpr ProblemType kHeaders{431, TESSERA_PROBLEM("header-too-large"),
                               "Request header fields too large", true, 0};
constexpr ProblemType kInternal{500, TESSERA_PROBLEM("internal"), "Internal error", false, 0};
constexpr ProblemType kNotImplemented{501, TESSERA_PROBLEM("not-implemented"), "Not implemented",
                                      true, 0};
constexpr ProblemType kBadGateway{502, TESSERA_PROBLEM("bad-gateway"), "Bad gateway", true, 0};
constexpr ProblemType kUnavailable{503, TESSERA_PROBLEM("unavailable"), "Service unavailable", true,
                                   1};
constexpr ProblemType kRetry{503, TESSERA_PROBLEM("retry"), "Conflict with a concurrent change",
                             true, 1};
constexpr ProblemType kOverloaded{503, TESSERA_PROBLEM("overloaded"), "Server overloaded", true, 1};
constexpr ProblemType kStorage{507, TESSERA_PROBLEM("insufficient-storage"), "Insufficient storage",
                               false, 0};

#undef TESSERA_PROBLEM

const ProblemType& FaultRow(int reason) {
  switch (static_cast<HttpFault>(reason)) {
    case HttpFault::kMalformedRequest: return kMalformed;
    case HttpFault::kClientCertRequired: return kUnauthenticated;
    case HttpFault::kRequestTimeout: return kTimeout;
    case HttpFault::kBodyTooLarge: return kTooLarge;
    case HttpFault::kUnsupportedMediaType: return kMediaType;
    case HttpFault::kHeaderTooLarge: return kHeaders;
    case HttpFault::kOverloaded: return kOverloaded;
    case HttpFault::kSessionRequired: return kNoSession;
    case HttpFault::kBadGateway: return kBadGateway;
    case HttpFault::kGone: return kGone;
  }
  return kForbidden;  // a refusal without an HTTP reason
}

}  // namespace

Status Fault(HttpFault fault, std::string message) {
  return Status::Refused(static_cast<int>(fault), std::move(message));
}

// The table. Every Code has a row; the card-only codes map to what they would
// mean if a service returned them.
const ProblemType& ProblemFor(const Status& status) {
  switch (status.code()) {
    case Code::kInvalidArgument:
    case Code::kWrongLength:
    case Code::kIncorrectP1P2: return kBadRequest;
    case Code::kNotFound:
    case Code::kReferenceNotFound: return kNotFound;
    case Code::kFunctionNotSupported: return kMethod;
    case Code::kInsNotSupported:
    case Code::kClaNotSupported: return kNotImplemented;
    case Code::kSecurityStatus:
    case Code::kAuthBlocked:
    case Code::kPinIncorrect: return kForbidden;
    case Code::kConditionsNotSatisfied: return kConflict;
    case Code::kAlreadyExists: return kExists;
    case Code::kSignatureInvalid:
    case Code::kDataMismatch: return kUnprocessable;
    case Code::kRefused: return FaultRow(status.detail());
    case Code::kUnavailable:
    case Code::kPowerLost: return kUnavailable;
    case Code::kAborted: return kRetry;
    case Code::kNoSpace: return kStorage;
    case Code::kCorrupt:
    case Code::kIoError:
    case Code::kInternal:
    case Code::kOk: break;
  }
  return kInternal;
}

Response ProblemResponse(const Status& status, std::string_view request_id,
                         std::string_view instance) {
  const ProblemType& row = ProblemFor(status);
  nlohmann::json body = {
      {"type", row.type},
      {"title", row.title},
      {"status", row.status},
      {"detail", row.show_detail ? status.message()
                                 : std::string("the server failed; the log has the details "
                                               "under this request_id")},
  };
  if (!instance.empty()) body["instance"] = std::string(instance);
  if (status.code() == Code::kPinIncorrect) body["tries_left"] = status.detail();
  body["request_id"] = std::string(request_id);
  Response response;
  response.status = row.status;
  response.content_type = "application/problem+json";
  // Invalid UTF-8 in a message (bytes echoed from a request) is replaced, not thrown.
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (row.retry_after > 0) {
    response.headers.emplace_back("Retry-After", std::to_string(row.retry_after));
  }
  return response;
}

}  // namespace tessera::http
