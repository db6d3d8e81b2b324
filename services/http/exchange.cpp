#include "services/http/exchange.hpp"

#include <openssl/rand.h>

#include <atomic>
#include <boost/asio/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <cctype>
#include <cstdio>
#include <exception>

#include "services/http/problem.hpp"
#include "services/http/uri.hpp"

namespace tessera::http {
namespace {

bool SaneRequestId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' ||
                    c == ':' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string RandomId() {
  unsigned char bytes[8] = {};
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    // Only the ID's uniqueness suffers; the request itself is fine.
    static std::atomic<std::uint64_t> counter{0};
    const std::uint64_t n = counter.fetch_add(1);
    for (std::size_t i = 0; i < sizeof bytes; ++i)
      bytes[i] = static_cast<unsigned char>(n >> (8 * i));
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (unsigned char b : bytes) {
    id += kHex[b >> 4];
    id += kHex[b & 0xf];
  }
  return id;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

void ConfigureParser(RequestParser& parser, const Limits& limits) {
  parser.header_limit(static_cast<std::uint32_t>(limits.header_bytes));
  parser.body_limit(static_cast<std::uint64_t>(limits.body_bytes));
}

Status ReadFailure(const boost::beast::error_code& ec) {
  using error = boost::beast::http::error;
  if (ec == error::header_limit) {
    return Fault(HttpFault::kHeaderTooLarge, "the request line and header fields exceed the limit");
  }
  if (ec == error::body_limit) {
    return Fault(HttpFault::kBodyTooLarge, "the request body exceeds the limit");
  }
  if (ec == error::end_of_stream || ec == error::partial_message ||
      ec == boost::beast::error::timeout || ec == boost::asio::error::eof ||
      ec == boost::asio::error::operation_aborted || ec == boost::asio::error::connection_reset ||
      ec.category() != boost::beast::http::make_error_code(error::bad_method).category()) {
    return Status::Ok();  // the peer left or was too slow: nobody to answer
  }
  return Fault(HttpFault::kMalformedRequest, "malformed HTTP/1.1 request: " + ec.message());
}

std::string RequestIdFor(const WireRequest& wire) {
  const auto it = wire.find("X-Request-ID");
  if (it != wire.end() && SaneRequestId(it->value())) return std::string(it->value());
  return RandomId();
}

Result<Request> MakeRequest(WireRequest&& wire, const ConnectionInfo& info) {
  Request request;
  request.method = std::string(wire.method_string());
  request.target = std::string(wire.target());
  request.request_id = RequestIdFor(wire);
  request.client_subject = info.client_subject;
  request.client_certificate = info.client_certificate;
  request.tls_exporter = info.tls_exporter;
  request.remote = info.remote;
  for (const auto& field : wire) {
    request.headers.emplace_back(Lower(field.name_string()), std::string(field.value()));
  }
  request.body = std::move(wire.body());
  TESSERA_ASSIGN_OR_RETURN(TargetParts parts, SplitTarget(request.target));
  TESSERA_ASSIGN_OR_RETURN(request.path, PercentDecode(parts.path));
  request.query = std::string(parts.query);
  return request;
}

Response Dispatcher::Route(const Request& request, std::string* route_label) const {
  TargetParts parts = SplitTarget(request.target).value();  // MakeRequest checked it
  Result<Router::Match> match = router_.Find(request.method, parts.path);
  if (!match.ok()) {
    Response problem = ProblemResponse(match.status(), request.request_id, request.path);
    if (match.status().code() == Code::kFunctionNotSupported) {
      problem.headers.emplace_back("Allow", router_.Allowed(parts.path));  // RFC 9110 §15.5.6
    }
    return problem;
  }
  *route_label = match->pattern;
  if (match->options.require_client_cert && request.client_subject.empty()) {
    return ProblemResponse(Fault(HttpFault::kClientCertRequired,
                                 "this resource needs a client certificate that the server's "
                                 "client CA verifies"),
                           request.request_id, request.path);
  }
  Request routed = request;
  routed.params = std::move(match->params);
  Result<Response> answer = Status::Internal("the handler did not answer");
  try {
    answer = (*match->handler)(routed);
  } catch (const std::exception& e) {
    answer = Status::Internal(std::string("handler threw: ") + e.what());
  } catch (...) {
    answer = Status::Internal("handler threw");
  }
  if (!answer.ok()) {
    if (!ProblemFor(answer.status()).show_detail) {
      // The client sees only the request ID; the operator's log has the cause.
      (void)std::fprintf(stderr, "tesserad: request %s %s failed: %s\n", request.request_id.c_str(),
                         request.path.c_str(), answer.status().ToString().c_str());
    }
    return ProblemResponse(answer.status(), request.request_id, request.path);
  }
  return std::move(answer).value();
}

WireResponse Dispatcher::Handle(WireRequest&& wire, const ConnectionInfo& info,
                                bool keep_alive) const {
  const auto start = std::chrono::steady_clock::now();
  const unsigned version = wire.version();
  const std::string method(wire.method_string());
  const std::string target(wire.target());
  Result<Request> request = MakeRequest(std::move(wire), info);
  if (!request.ok()) {
    Request bare;
    bare.method = method;
    bare.path = target;
    bare.request_id = RandomId();
    bare.client_subject = info.client_subject;
    bare.remote = info.remote;
    return Finish(ProblemResponse(Fault(HttpFault::kMalformedRequest, request.status().message()),
                                  bare.request_id),
                  bare, "unmatched", start, version, false);
  }
  std::string route = "unmatched";
  Response response = Route(*request, &route);
  return Finish(std::move(response), *request, route, start, version, keep_alive);
}

WireResponse Dispatcher::Refuse(const Status& failure, const ConnectionInfo& info,
                                std::string_view method, std::string_view target) const {
  Request bare;
  bare.method = std::string(method);
  bare.path = std::string(target);
  bare.request_id = RandomId();
  bare.client_subject = info.client_subject;
  bare.remote = info.remote;
  return Finish(ProblemResponse(failure, bare.request_id), bare, "unmatched",
                std::chrono::steady_clock::now(), 11, false);
}

WireResponse Dispatcher::Finish(Response response, const Request& request, std::string_view route,
                                std::chrono::steady_clock::time_point start, unsigned version,
                                bool keep_alive) const {
  WireResponse wire{static_cast<bhttp::status>(response.status), version};
  wire.set(bhttp::field::content_type, response.content_type);
  wire.set("X-Request-ID", request.request_id);
  for (const auto& [name, value] : response.headers) wire.insert(name, value);
  const std::size_t bytes = response.body.size();
  wire.body() = std::move(response.body);
  wire.keep_alive(keep_alive);
  wire.prepare_payload();
  const auto duration = std::chrono::steady_clock::now() - start;
  metrics_.ObserveRequest(route, request.method, response.status, duration);
  if (access_log_ != nullptr) {
    access_log_->Write(AccessRecord{request.remote, request.method, request.path, response.status,
                                    bytes, duration, request.request_id, request.client_subject});
  }
  return wire;
}

}  // namespace tessera::http
