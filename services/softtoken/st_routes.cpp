#include "services/softtoken/st_routes.hpp"

#include <nlohmann/json.hpp>

#include "services/http/json_body.hpp"
#include "services/http/problem.hpp"
#include "services/jose/jws.hpp"
#include "services/softtoken/st_page.hpp"
#include "services/softtoken/st_request.hpp"

namespace tessera::softtoken {
namespace {

using nlohmann::json;

Result<Bytes> Binary(http::JsonObject& o, std::string_view name, std::size_t max) {
  TESSERA_ASSIGN_OR_RETURN(std::string text, o.String(name));
  if (text.size() > max * 4 / 3 + 4) {
    return Status::InvalidArgument("body." + std::string(name) + ": longer than " +
                                   std::to_string(max) + " bytes");
  }
  Result<Bytes> bytes = jose::Base64UrlDecode(text);
  if (!bytes.ok()) return Status::InvalidArgument("body." + std::string(name) + ": not base64url");
  return bytes;
}

Result<std::uint8_t> Slot(const std::string& text) {
  static constexpr std::string_view kHex = "0123456789abcdef";
  if (text.size() != 2 || kHex.find(text[0]) == std::string_view::npos ||
      kHex.find(text[1]) == std::string_view::npos) {
    return Status::InvalidArgument("body.slot: two lower-case hex digits, as 9e");
  }
  return static_cast<std::uint8_t>(kHex.find(text[0]) * 16 + kHex.find(text[1]));
}

Result<http::Response> PostChallenge(SoftTokenService& service, const http::Request& request) {
  if (!request.body.empty() && request.body != "{}") {
    return Status::InvalidArgument("POST /softtoken/v1/challenges takes no body (or {})");
  }
  TESSERA_ASSIGN_OR_RETURN(Challenge c, service.NewChallenge(CallerOf(request)));
  return http::JsonResponse(
      {{"nonce", jose::Base64UrlEncode(c.nonce)}, {"expires_at", c.expires_at}}, 201);
}

Result<http::Response> PostRequest(SoftTokenService& service, const http::Request& request) {
  TESSERA_ASSIGN_OR_RETURN(
      DeviceRequest body,
      http::DecodeJsonBody<DeviceRequest>(
          request, [](http::JsonObject& o) -> Result<DeviceRequest> {
            DeviceRequest r;
            TESSERA_ASSIGN_OR_RETURN(r.nonce, Binary(o, "nonce", 64));
            TESSERA_ASSIGN_OR_RETURN(std::int64_t serial, o.Int("serial"));
            if (serial < 0 || serial > 0xFFFFFFFFLL) {
              return Status::InvalidArgument("body.serial: 0 to 4294967295");
            }
            r.serial = static_cast<std::uint32_t>(serial);
            TESSERA_ASSIGN_OR_RETURN(std::optional<std::string> slot, o.OptionalString("slot"));
            if (slot) {
              TESSERA_ASSIGN_OR_RETURN(r.slot, Slot(*slot));
            }
            TESSERA_ASSIGN_OR_RETURN(r.device_key, Binary(o, "device_key", 1024));
            TESSERA_ASSIGN_OR_RETURN(r.attestation, Binary(o, "attestation", 8192));
            TESSERA_ASSIGN_OR_RETURN(r.attestation_ca, Binary(o, "attestation_ca", 8192));
            TESSERA_ASSIGN_OR_RETURN(r.signature, Binary(o, "signature", 128));
            TESSERA_ASSIGN_OR_RETURN(std::optional<std::string> deliver,
                                     o.OptionalString("deliver"));
            if (deliver) r.deliver = *deliver;
            TESSERA_ASSIGN_OR_RETURN(std::optional<std::string> format, o.OptionalString("format"));
            if (format) r.format = *format;
            return r;
          }));
  body.exporter = ExporterOf(request);
  TESSERA_ASSIGN_OR_RETURN(RequestCreated c, service.CreateRequest(body, CallerOf(request)));
  return http::JsonResponse({{"request", c.id},
                             {"otp", c.otp},
                             {"expires_at", c.expires_at},
                             {"tries", c.tries},
                             {"poll_after", 1}},
                            201);
}

Result<http::Response> PostPoll(SoftTokenService& service, const http::Request& request) {
  TESSERA_ASSIGN_OR_RETURN(Bytes signature, http::DecodeJsonBody<Bytes>(
                                                request, [](http::JsonObject& o) -> Result<Bytes> {
                                                  return Binary(o, "signature", 128);
                                                }));
  TESSERA_ASSIGN_OR_RETURN(PollAnswer a, service.Poll(request.params.at("id"), signature,
                                                      ExporterOf(request), CallerOf(request)));
  json out = {{"state", a.state},
              {"tries_left", a.tries_left},
              {"format", a.format},
              {"expires_at", a.expires_at}};
  if (!a.comparison.empty()) out["comparison"] = a.comparison;
  if (!a.soft_token.empty()) out["soft_token"] = a.soft_token;
  return http::JsonResponse(out);
}

json AttributesJson(const Attributes& attributes) {
  json out = json::object();
  for (const auto& [name, value] : attributes) out[name] = value;
  return out;
}

Result<http::Response> PostConfirm(SoftTokenService& service, const http::Request& request) {
  TESSERA_ASSIGN_OR_RETURN(
      std::string otp,
      http::DecodeJsonBody<std::string>(request, [](http::JsonObject& o) -> Result<std::string> {
        TESSERA_ASSIGN_OR_RETURN(std::string text, o.String("otp"));
        if (text.size() > 64) return Status::InvalidArgument("body.otp: at most 64 characters");
        return text;
      }));
  TESSERA_ASSIGN_OR_RETURN(MatchAnswer a,
                           service.Match(otp, IdCallerOf(request), CallerOf(request)));
  return http::JsonResponse({{"request", a.request_id},
                             {"comparison", a.comparison},
                             {"attributes", AttributesJson(a.attributes)},
                             {"confirmation", a.confirmation},
                             {"format", a.format},
                             {"deliver", a.deliver},
                             {"expires_at", a.expires_at}});
}

struct ApproveBody {
  std::string confirmation;
  std::string comparison;
};

Result<ApproveBody> DecodeApprove(const http::Request& request, bool with_comparison) {
  return http::DecodeJsonBody<ApproveBody>(
      request, [with_comparison](http::JsonObject& o) -> Result<ApproveBody> {
        ApproveBody b;
        TESSERA_ASSIGN_OR_RETURN(b.confirmation, o.String("confirmation"));
        if (b.confirmation.size() > 128) {
          return Status::InvalidArgument("body.confirmation: at most 128 characters");
        }
        if (with_comparison) {
          TESSERA_ASSIGN_OR_RETURN(std::optional<std::string> c, o.OptionalString("comparison"));
          if (c) b.comparison = *c;
        }
        return b;
      });
}

json ApproveJson(const ApproveAnswer& a) {
  json out = {{"state", "issued"},
              {"request", a.request_id},
              {"token", a.token_id},
              {"format", a.format},
              {"status", {{"uri", a.status_uri}, {"idx", a.status_index}}},
              {"expires_at", a.expires_at}};
  if (!a.soft_token.empty()) out["soft_token"] = a.soft_token;
  return out;
}

Result<http::Response> PostApprove(SoftTokenService& service, const http::Request& request) {
  TESSERA_ASSIGN_OR_RETURN(ApproveBody body, DecodeApprove(request, true));
  TESSERA_ASSIGN_OR_RETURN(
      ApproveAnswer a, service.Approve(request.params.at("id"), body.confirmation, body.comparison,
                                       IdCallerOf(request), CallerOf(request)));
  return http::JsonResponse(ApproveJson(a));
}

Result<http::Response> PostReject(SoftTokenService& service, const http::Request& request) {
  TESSERA_ASSIGN_OR_RETURN(ApproveBody body, DecodeApprove(request, false));
  TESSERA_RETURN_IF_ERROR(service.Reject(request.params.at("id"), body.confirmation,
                                         IdCallerOf(request), CallerOf(request)));
  return http::JsonResponse({{"state", "refused"}, {"request", request.params.at("id")}});
}

Result<http::Response> GetToken(SoftTokenService& service, const http::Request& request) {
  TESSERA_ASSIGN_OR_RETURN(ApproveAnswer a,
                           service.Fetch(request.params.at("id"), IdCallerOf(request)));
  return http::JsonResponse(ApproveJson(a));
}

Result<http::Response> GetStatus(SoftTokenService& service, const http::Request& request) {
  TESSERA_ASSIGN_OR_RETURN(std::string jwt, service.StatusList(request.params.at("list")));
  http::Response response;
  response.content_type = "application/statuslist+jwt";
  response.body = std::move(jwt);
  response.headers.emplace_back("Cache-Control",
                                "max-age=" + std::to_string(service.options().status_ttl));
  return response;
}

Result<http::Response> GetIssuer(SoftTokenService& service, const http::Request&) {
  TESSERA_ASSIGN_OR_RETURN(std::vector<Bytes> chain, service.IssuerCertificates());
  json list = json::array();
  for (const Bytes& c : chain) list.push_back(jose::Base64UrlEncode(c));
  return http::JsonResponse({{"certificates", list}});
}

}  // namespace

void AddSoftTokenRoutes(http::Router& router, const std::shared_ptr<SoftTokenService>& service) {
  auto bind = [service](Result<http::Response> (*fn)(SoftTokenService&, const http::Request&)) {
    return [service, fn](const http::Request& request) { return fn(*service, request); };
  };
  const http::RouteOptions client_cert{.require_client_cert = true};
  router.Add("POST", "/softtoken/v1/challenges", bind(PostChallenge));
  router.Add("POST", "/softtoken/v1/requests", bind(PostRequest));
  router.Add("POST", "/softtoken/v1/requests/{id}/poll", bind(PostPoll));
  router.Add("POST", "/softtoken/v1/confirm", bind(PostConfirm), client_cert);
  router.Add("POST", "/softtoken/v1/requests/{id}/approve", bind(PostApprove), client_cert);
  router.Add("POST", "/softtoken/v1/requests/{id}/reject", bind(PostReject), client_cert);
  router.Add("GET", "/softtoken/v1/tokens/{id}", bind(GetToken), client_cert);
  router.Add("GET", "/softtoken/v1/status/{list}", bind(GetStatus));
  router.Add("GET", "/softtoken/v1/issuer", bind(GetIssuer));
  router.Add("GET", "/softtoken/v1/openapi.json",
             [](const http::Request&) -> Result<http::Response> {
               http::Response response;
               response.body = OpenApiDocument();
               return response;
             });
  AddSoftTokenPage(router, service);
}

}  // namespace tessera::softtoken
