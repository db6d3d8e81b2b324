#include "services/registration/reg_routes.hpp"

#include <nlohmann/json.hpp>

#include "services/http/json_body.hpp"
#include "services/http/problem.hpp"
#include "services/jose/jws.hpp"

namespace tessera::registration {
namespace {

using nlohmann::json;

Caller CallerOf(const http::Request& request) {
  return Caller{"http:" + request.remote, request.request_id};
}

// The path as the client sent it, before the query: what a record's AAD binds.
std::string TargetPath(const http::Request& request) {
  return request.target.substr(0, request.target.find('?'));
}

Result<Bytes> Binary(http::JsonObject& o, std::string_view name) {
  TESSERA_ASSIGN_OR_RETURN(std::string text, o.String(name));
  Result<Bytes> bytes = jose::Base64UrlDecode(text);
  if (!bytes.ok()) return Status::InvalidArgument("body." + std::string(name) + ": not base64url");
  return bytes;
}

Result<Bytes> ClientMessage(const http::Request& request) {
  return http::DecodeJsonBody<Bytes>(
      request, [](http::JsonObject& o) -> Result<Bytes> { return Binary(o, "client_message"); });
}

Result<SealedRecord> Sealed(const http::Request& request) {
  return http::DecodeJsonBody<SealedRecord>(
      request, [](http::JsonObject& o) -> Result<SealedRecord> {
        SealedRecord r;
        TESSERA_ASSIGN_OR_RETURN(std::int64_t seq, o.Int("seq"));
        if (seq < 1) return Status::InvalidArgument("body.seq: 1 or more");
        r.seq = static_cast<std::uint64_t>(seq);
        TESSERA_ASSIGN_OR_RETURN(r.ct, Binary(o, "ct"));
        return r;
      });
}

http::Response SealedResponse(const SealedRecord& record) {
  return http::JsonResponse({{"seq", record.seq}, {"ct", jose::Base64UrlEncode(record.ct)}});
}

json Base64List(const std::vector<Bytes>& items) {
  json out = json::array();
  for (const Bytes& b : items) out.push_back(jose::Base64UrlEncode(b));
  return out;
}

Result<http::Response> PostRegistration(RegistrationService& service,
                                        const http::Request& request) {
  if (!request.body.empty() && request.body != "{}") {
    return Status::InvalidArgument("POST /reg/registrations takes no body (or {})");
  }
  TESSERA_ASSIGN_OR_RETURN(StartAnswer a, service.Start(CallerOf(request)));
  json template_json = json::parse(a.template_json, nullptr, false);
  return http::JsonResponse({{"registration_id", a.registration_id},
                             {"server_hello", jose::Base64UrlEncode(a.server_hello)},
                             {"template", template_json},
                             {"certificate", jose::Base64UrlEncode(a.certificate)},
                             {"chain", Base64List(a.chain)},
                             {"expires_at", a.expires_at}},
                            201);
}

struct ExchangeBody {
  Bytes r1;
  std::optional<CmsProof> proof;
};

Result<http::Response> PostExchange(RegistrationService& service, const http::Request& request) {
  TESSERA_ASSIGN_OR_RETURN(
      ExchangeBody body,
      http::DecodeJsonBody<ExchangeBody>(request, [](http::JsonObject& o) -> Result<ExchangeBody> {
        ExchangeBody b;
        TESSERA_ASSIGN_OR_RETURN(b.r1, Binary(o, "client_message"));
        CmsProof proof;
        TESSERA_ASSIGN_OR_RETURN(
            bool present, o.OptionalObject("cms_proof", [&proof](http::JsonObject& p) -> Status {
              TESSERA_ASSIGN_OR_RETURN(std::int64_t serial, p.Int("token_serial"));
              if (serial < 0 || serial > 0xFFFFFFFFLL) {
                return Status::InvalidArgument("body.cms_proof.token_serial: out of range");
              }
              proof.token_serial = static_cast<std::uint32_t>(serial);
              TESSERA_ASSIGN_OR_RETURN(proof.certificate, Binary(p, "certificate"));
              TESSERA_ASSIGN_OR_RETURN(proof.signature, Binary(p, "signature"));
              return Status::Ok();
            }));
        if (present) b.proof = std::move(proof);
        return b;
      }));
  TESSERA_ASSIGN_OR_RETURN(ExchangeAnswer a, service.Exchange(request.params.at("id"), body.r1,
                                                              body.proof, CallerOf(request)));
  return http::JsonResponse(
      {{"server_message", jose::Base64UrlEncode(a.server_message)}, {"expires_at", a.expires_at}});
}

Result<http::Response> PostConfirm(RegistrationService& service, const http::Request& request) {
  TESSERA_ASSIGN_OR_RETURN(Bytes r3, ClientMessage(request));
  TESSERA_ASSIGN_OR_RETURN(ConfirmAnswer a,
                           service.Confirm(request.params.at("id"), r3, CallerOf(request)));
  return http::JsonResponse({{"registration_id", a.registration_id},
                             {"user_id_code", a.user_id_code},
                             {"state", "active"},
                             {"registered_at", a.registered_at}});
}

Result<http::Response> PostSession(RegistrationService& service, const http::Request& request) {
  TESSERA_ASSIGN_OR_RETURN(Bytes a1, ClientMessage(request));
  TESSERA_ASSIGN_OR_RETURN(SessionChallenge a, service.OpenSession(a1, CallerOf(request)));
  return http::JsonResponse({{"session_id", a.session_id},
                             {"server_message", jose::Base64UrlEncode(a.server_message)},
                             {"expires_at", a.expires_at}},
                            201);
}

Result<http::Response> PostFinish(RegistrationService& service, const http::Request& request) {
  TESSERA_ASSIGN_OR_RETURN(Bytes a3, ClientMessage(request));
  TESSERA_ASSIGN_OR_RETURN(SessionOpened a,
                           service.FinishSession(request.params.at("sid"), a3, CallerOf(request)));
  return http::JsonResponse({{"session_id", a.session_id},
                             {"user_id_code", a.user_id_code},
                             {"expires_at", a.expires_at},
                             {"idle_timeout", a.idle_timeout}});
}

Result<http::Response> PostEntitlements(RegistrationService& service,
                                        const http::Request& request) {
  TESSERA_ASSIGN_OR_RETURN(SealedRecord record, Sealed(request));
  TESSERA_ASSIGN_OR_RETURN(SealedRecord answer,
                           service.Entitlements(request.params.at("sid"), TargetPath(request),
                                                record, CallerOf(request)));
  return SealedResponse(answer);
}

Result<http::Response> DeleteSession(RegistrationService& service, const http::Request& request) {
  TESSERA_ASSIGN_OR_RETURN(SealedRecord record, Sealed(request));
  TESSERA_RETURN_IF_ERROR(service.CloseSession(request.params.at("sid"), TargetPath(request),
                                               record, CallerOf(request)));
  http::Response response;
  response.status = 204;
  response.content_type.clear();
  return response;
}

Result<http::Response> PostApp(RegistrationService& service, const http::Request& request) {
  std::optional<std::string_view> sid = request.Header("tessera-session");
  if (!sid) {
    return http::Fault(http::HttpFault::kSessionRequired,
                       "a request to an application needs the header Tessera-Session");
  }
  TESSERA_ASSIGN_OR_RETURN(SealedRecord record, Sealed(request));
  auto rest = request.params.find("rest");
  const std::string app_path = "/" + (rest == request.params.end() ? "" : rest->second);
  TESSERA_ASSIGN_OR_RETURN(SealedRecord answer,
                           service.Forward(std::string(*sid), request.params.at("name"), app_path,
                                           TargetPath(request), record, CallerOf(request)));
  return SealedResponse(answer);
}

}  // namespace

void AddRegistrationRoutes(http::Router& router, std::shared_ptr<RegistrationService> service) {
  auto bind = [service](Result<http::Response> (*fn)(RegistrationService&, const http::Request&)) {
    return [service, fn](const http::Request& request) { return fn(*service, request); };
  };
  router.Add("POST", "/reg/registrations", bind(PostRegistration));
  router.Add("POST", "/reg/registrations/{id}/exchange", bind(PostExchange));
  router.Add("POST", "/reg/registrations/{id}/confirm", bind(PostConfirm));
  router.Add("POST", "/reg/sessions", bind(PostSession));
  router.Add("POST", "/reg/sessions/{sid}/finish", bind(PostFinish));
  router.Add("POST", "/reg/sessions/{sid}/entitlements", bind(PostEntitlements));
  router.Add("DELETE", "/reg/sessions/{sid}", bind(DeleteSession));
  router.Add("POST", "/app/{name}", bind(PostApp));
  router.Add("POST", "/app/{name}/{rest...}", bind(PostApp));
  router.Add("GET", "/reg/openapi.json", [](const http::Request&) -> Result<http::Response> {
    http::Response response;
    response.content_type = "application/json";
    response.body = OpenApiDocument();
    return response;
  });
}

}  // namespace tessera::registration
