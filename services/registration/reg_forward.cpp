// RegistrationService::Forward: the gateway of the description (figs. 2, 4):
// a request in an open session goes to an application server only when the
// user's entitlements, read from the directory on every request, name the
// application and a path prefix of the request. A revocation takes effect
// at the client's next request.
#include <nlohmann/json.hpp>

#include "services/http/problem.hpp"
#include "services/jose/jws.hpp"
#include "services/registration/app_forwarder.hpp"
#include "services/registration/reg_common.hpp"
#include "services/registration/registration_service.hpp"

namespace tessera::registration {
namespace {

using nlohmann::json;

// `path` under `prefix`: equal, or prefix then a '/' boundary ("/a" covers
// "/a" and "/a/b", not "/ab"). The route has refused "." and "..".
bool Covers(const std::string& prefix, const std::string& path) {
  if (prefix == "/") return true;
  if (!path.starts_with(prefix)) return false;
  return path.size() == prefix.size() || prefix.back() == '/' || path[prefix.size()] == '/';
}

Result<AppRequest> ParseAppRequest(ByteView plaintext) {
  const json j = json::parse(plaintext.begin(), plaintext.end(), nullptr, false);
  auto bad = [](const std::string& why) {
    return Status::InvalidArgument("the sealed application request: " + why);
  };
  if (j.is_discarded() || !j.is_object()) return bad("not a JSON object");
  AppRequest r;
  for (const auto& [key, value] : j.items()) {
    if (key == "method" && value.is_string()) {
      r.method = value.get<std::string>();
    } else if (key == "query" && value.is_string()) {
      r.query = value.get<std::string>();
    } else if (key == "body" && value.is_string()) {
      Result<Bytes> body = jose::Base64UrlDecode(value.get<std::string>());
      if (!body.ok()) return bad("body is not base64url");
      r.body.assign(body->begin(), body->end());
    } else if (key == "headers" && value.is_array()) {
      for (const json& h : value) {
        if (!h.is_array() || h.size() != 2 || !h[0].is_string() || !h[1].is_string()) {
          return bad("headers is not a list of [name, value]");
        }
        r.headers.emplace_back(h[0].get<std::string>(), h[1].get<std::string>());
      }
    } else {
      return bad("unexpected member '" + key + "'");
    }
  }
  static constexpr std::string_view kMethods[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"};
  if (std::find(std::begin(kMethods), std::end(kMethods), r.method) == std::end(kMethods)) {
    return bad("method '" + r.method + "' is not one of GET POST PUT PATCH DELETE HEAD");
  }
  return r;
}

}  // namespace

Result<SealedRecord> RegistrationService::Forward(
    const std::string& session_id, const std::string& app, const std::string& app_path,
    const std::string& path, const SealedRecord& request, const Caller& caller) {
  const std::string object = AppObject(app);
  TESSERA_ASSIGN_OR_RETURN(OpenedRecord opened, OpenRequest(session_id, "POST", path, request));
  TESSERA_ASSIGN_OR_RETURN(AppRequest inner, ParseAppRequest(opened.plaintext.view()));

  std::optional<directory::RegAppRecord> target;
  std::optional<directory::RegEntitlementRecord> entitlement;
  TESSERA_RETURN_IF_ERROR(db_->Read([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(target, directory::FindRegApp(tx, app));
    TESSERA_ASSIGN_OR_RETURN(entitlement, directory::FindEntitlement(tx, opened.user_id, app));
    return Status::Ok();
  }));
  bool allowed = false;
  if (target && entitlement) {
    TESSERA_ASSIGN_OR_RETURN(std::vector<std::string> prefixes, PathPrefixes(entitlement->paths));
    for (const std::string& prefix : prefixes) allowed = allowed || Covers(prefix, app_path);
  }
  if (!allowed) {
    // An unknown application is refused the same way: no probing of names.
    return Refuse("reg.app", object,
                  Status::SecurityStatus("user " + opened.user_id + " is not entitled to " + app +
                                         " " + app_path),
                  caller);
  }
  AppCall call;
  call.base_url = target->base_url;
  call.method = inner.method;
  call.target = EncodeTargetPath(app_path) + (inner.query.empty() ? "" : "?" + inner.query);
  call.headers = inner.headers;
  call.added = {{"X-Tessera-User-Code", opened.user_id_code}};
  call.body = inner.body;
  if (!send_) return Status::Unavailable("this process forwards no application requests");
  Result<AppReply> reply = send_(call);
  if (!reply.ok()) {
    return http::Fault(http::HttpFault::kBadGateway,
                       "application " + app + " did not answer: " + reply.status().message());
  }
  json headers = json::array();
  for (const auto& [name, value] : reply->headers) headers.push_back({name, value});
  const std::string answer = json{{"status", reply->status},
                                  {"headers", headers},
                                  {"body", jose::Base64UrlEncode(AsBytes(reply->body))}}
                                 .dump(-1, ' ', false, json::error_handler_t::replace);
  return SealAnswer(opened, 200, AsBytes(answer));
}

}  // namespace tessera::registration
