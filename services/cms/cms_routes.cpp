#include "services/cms/cms_routes.hpp"

#include <charconv>

#include "services/cms/cms_json.hpp"
#include "services/http/json_body.hpp"
#include "services/jose/jws.hpp"

namespace tessera::cms {
namespace {

Caller CallerOf(const http::Request& request) {
  return Caller{request.client_subject.empty() ? "http:" + request.remote : request.client_subject,
                request.request_id,
                Bytes(request.client_certificate.begin(), request.client_certificate.end())};
}

Result<std::uint32_t> SerialParam(const std::string& text) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty() ||
      value > 0xFFFFFFFFu) {
    return Status::InvalidArgument("token serial '" + text + "' is not a number up to 4294967295");
  }
  return static_cast<std::uint32_t>(value);
}

Result<Bytes> Binary(http::JsonObject& o, std::string_view name) {
  TESSERA_ASSIGN_OR_RETURN(std::string text, o.String(name));
  Result<Bytes> bytes = jose::Base64UrlDecode(text);
  if (!bytes.ok()) return Status::InvalidArgument("body." + std::string(name) + ": not base64url");
  return bytes;
}

Result<http::Response> PostToken(CmsService& service, const http::Request& request) {
  TESSERA_ASSIGN_OR_RETURN(
      RegisterTokenRequest body,
      http::DecodeJsonBody<RegisterTokenRequest>(
          request, [](http::JsonObject& o) -> Result<RegisterTokenRequest> {
            RegisterTokenRequest r;
            TESSERA_ASSIGN_OR_RETURN(std::int64_t serial, o.Int("serial"));
            if (serial < 0 || serial > 0xFFFFFFFFLL) {
              return Status::InvalidArgument("body.serial: out of range");
            }
            r.serial = static_cast<std::uint32_t>(serial);
            TESSERA_ASSIGN_OR_RETURN(r.token_key, Binary(o, "token_key"));
            TESSERA_ASSIGN_OR_RETURN(r.attestation, Binary(o, "attestation"));
            TESSERA_ASSIGN_OR_RETURN(r.attestation_ca, Binary(o, "attestation_ca"));
            TESSERA_ASSIGN_OR_RETURN(r.chuid, Binary(o, "chuid"));
            TESSERA_ASSIGN_OR_RETURN(r.transport, o.String("transport"));
            TESSERA_ASSIGN_OR_RETURN(r.used_key_slots, o.StringArray("used_key_slots"));
            return r;
          }));
  TESSERA_ASSIGN_OR_RETURN(directory::CmsTokenRecord token,
                           service.RegisterToken(body, CallerOf(request)));
  return http::JsonResponse(TokenJson(token, {}), token.registrations == 1 ? 201 : 200);
}

Result<http::Response> GetTokens(CmsService& service, const http::Request& request) {
  std::string state;
  if (request.query.rfind("state=", 0) == 0)
    state = request.query.substr(6);
  else if (!request.query.empty())
    return Status::InvalidArgument("unknown query '" + request.query + "'");
  TESSERA_ASSIGN_OR_RETURN(nlohmann::json json, ListTokensJson(service.database(), state));
  return http::JsonResponse(json);
}

Result<http::Response> GetToken(CmsService& service, const http::Request& request) {
  TESSERA_ASSIGN_OR_RETURN(std::uint32_t serial, SerialParam(request.params.at("serial")));
  TESSERA_ASSIGN_OR_RETURN(nlohmann::json json, ShowToken(service.database(), serial));
  return http::JsonResponse(json);
}

Result<http::Response> GetUser(CmsService& service, const http::Request& request) {
  TESSERA_ASSIGN_OR_RETURN(nlohmann::json json,
                           ShowUser(service.database(), request.params.at("id")));
  return http::JsonResponse(json);
}

Result<http::Response> PostNonce(CmsService& service, const http::Request& request) {
  if (!request.body.empty() && request.body != "{}") {
    return Status::InvalidArgument("POST /cms/nonces takes no body (or {})");
  }
  TESSERA_ASSIGN_OR_RETURN(NonceAnswer nonce, service.IssueNonce(CallerOf(request)));
  return http::JsonResponse(
      {{"nonce", jose::Base64UrlEncode(nonce.nonce)}, {"expires_at", nonce.expires_at}}, 201);
}

Result<std::string> OneString(const http::Request& request, std::string_view name) {
  return http::DecodeJsonBody<std::string>(
      request, [name](http::JsonObject& o) -> Result<std::string> { return o.String(name); });
}

Result<http::Response> PostEform(CmsService& service, const http::Request& request) {
  TESSERA_ASSIGN_OR_RETURN(std::string v1, OneString(request, "v1"));
  TESSERA_ASSIGN_OR_RETURN(V2Answer answer, service.SubmitV1(v1, CallerOf(request)));
  return http::JsonResponse(
      {{"request_id", answer.request_id}, {"v2", answer.v2}, {"expires_at", answer.expires_at}},
      201);
}

Result<http::Response> PostBind(CmsService& service, const http::Request& request) {
  TESSERA_ASSIGN_OR_RETURN(std::string v2, OneString(request, "v2"));
  TESSERA_ASSIGN_OR_RETURN(BindAnswer answer,
                           service.Bind(request.params.at("id"), v2, CallerOf(request)));
  return http::JsonResponse(BindAnswerJson(answer), 201);
}

Result<http::Response> PostActivation(CmsService& service, const http::Request& request) {
  TESSERA_ASSIGN_OR_RETURN(std::string receipt, OneString(request, "receipt"));
  TESSERA_ASSIGN_OR_RETURN(ActivateAnswer answer, service.Activate(receipt, CallerOf(request)));
  return http::JsonResponse(ActivateAnswerJson(answer));
}

}  // namespace

void AddCmsRoutes(http::Router& router, std::shared_ptr<CmsService> service) {
  const http::RouteOptions cert{true};
  auto bind = [service](Result<http::Response> (*fn)(CmsService&, const http::Request&)) {
    return [service, fn](const http::Request& request) { return fn(*service, request); };
  };
  router.Add("POST", "/cms/tokens", bind(PostToken));
  router.Add("GET", "/cms/tokens", bind(GetTokens), cert);
  router.Add("GET", "/cms/tokens/{serial}", bind(GetToken), cert);
  router.Add("GET", "/cms/users/{id}", bind(GetUser), cert);
  router.Add("POST", "/cms/nonces", bind(PostNonce), cert);
  router.Add("POST", "/cms/eforms", bind(PostEform), cert);
  router.Add("POST", "/cms/requests/{id}/bind", bind(PostBind), cert);
  router.Add("POST", "/cms/activations", bind(PostActivation));
  router.Add("GET", "/cms/openapi.json", [](const http::Request&) -> Result<http::Response> {
    http::Response response;
    response.content_type = "application/json";
    response.body = OpenApiDocument();
    return response;
  });
}

}  // namespace tessera::cms
