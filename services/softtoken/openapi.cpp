// The OpenAPI 3.0 description of the soft-token service, served at
// /softtoken/v1/openapi.json. docs/softtoken-api.md is the prose; this is
// the machine-readable index of the same routes, bodies and errors.
#include <nlohmann/json.hpp>

#include "services/softtoken/st_routes.hpp"

namespace tessera::softtoken {
namespace {

using nlohmann::json;

json Ref(const std::string& name) { return {{"$ref", "#/components/schemas/" + name}}; }

json Problems(std::initializer_list<int> codes) {
  json out = json::object();
  for (int code : codes) {
    out[std::to_string(code)] = {
        {"description", "problem+json (RFC 9457); 403 for a wrong password has tries_left"},
        {"content", {{"application/problem+json", {{"schema", Ref("Problem")}}}}}};
  }
  return out;
}

json Operation(const std::string& summary, const std::string& request, int status,
               const std::string& answer, std::initializer_list<int> errors,
               bool client_cert = false) {
  json op = {{"summary", summary}};
  if (!request.empty()) {
    op["requestBody"] = {{"required", true},
                         {"content", {{"application/json", {{"schema", Ref(request)}}}}}};
  }
  json responses = Problems(errors);
  responses[std::to_string(status)] = {
      {"description", "success"}, {"content", {{"application/json", {{"schema", Ref(answer)}}}}}};
  op["responses"] = responses;
  if (client_cert) op["security"] = json::array({{{"idToken", json::array()}}});
  return op;
}

json Object(std::initializer_list<std::pair<const char*, const char*>> properties,
            std::initializer_list<const char*> required) {
  json props = json::object();
  for (const auto& [name, type] : properties) {
    const std::string t = type;
    if (t == "b64") {
      props[name] = {{"type", "string"}, {"contentEncoding", "base64url"}};
    } else {
      props[name] = {{"type", t}};
    }
  }
  json out = {{"type", "object"}, {"properties", props}};
  out["required"] = json::array();
  for (const char* r : required) out["required"].push_back(r);
  return out;
}

std::string Build() {
  json doc;
  doc["openapi"] = "3.0.3";
  doc["info"] = {{"title", "Tessera soft-token service (seed 002)"}, {"version", "1"}};
  json& paths = doc["paths"];
  paths["/softtoken/v1/challenges"]["post"] =
      Operation("A server nonce for the device's proof", "", 201, "Challenge", {400, 503});
  paths["/softtoken/v1/requests"]["post"] =
      Operation("Channel 1: ask for a soft token; the answer carries the one-time password",
                "DeviceRequest", 201, "RequestCreated", {400, 403, 409, 503});
  paths["/softtoken/v1/requests/{id}/poll"]["post"] =
      Operation("Channel 1: the request's state, comparison code and soft token", "Poll", 200,
                "PollAnswer", {400, 403, 404});
  paths["/softtoken/v1/confirm"]["post"] =
      Operation("Channel 2: the one-time password typed by the user", "Confirm", 200, "Match",
                {400, 401, 403, 404, 409, 410}, true);
  paths["/softtoken/v1/requests/{id}/approve"]["post"] =
      Operation("Channel 2: the codes match; issue", "Approve", 200, "Issued",
                {400, 401, 403, 404, 409, 410}, true);
  paths["/softtoken/v1/requests/{id}/reject"]["post"] =
      Operation("Channel 2: the codes differ; close the request", "Approve", 200, "Rejected",
                {400, 401, 403, 404, 409, 410}, true);
  paths["/softtoken/v1/tokens/{id}"]["get"] = Operation(
      "Channel 2: the issued soft token again", "", 200, "Issued", {401, 403, 404, 410}, true);
  paths["/softtoken/v1/status/{list}"]["get"] = {
      {"summary", "The token status list (application/statuslist+jwt)"},
      {"responses",
       {{"200",
         {{"description", "a Status List Token"},
          {"content", {{"application/statuslist+jwt", {{"schema", {{"type", "string"}}}}}}}}},
        {"404", {{"description", "no such list"}}}}}};
  paths["/softtoken/v1/issuer"]["get"] =
      Operation("The issuer's certificate and its CA chain", "", 200, "Issuer", {503});

  json& schemas = doc["components"]["schemas"];
  schemas["Problem"] = Object({{"type", "string"},
                               {"title", "string"},
                               {"status", "integer"},
                               {"detail", "string"},
                               {"tries_left", "integer"}},
                              {"type", "title", "status"});
  schemas["Challenge"] = Object({{"nonce", "b64"}, {"expires_at", "integer"}}, {"nonce"});
  schemas["DeviceRequest"] =
      Object({{"nonce", "b64"},
              {"serial", "integer"},
              {"slot", "string"},
              {"device_key", "b64"},
              {"attestation", "b64"},
              {"attestation_ca", "b64"},
              {"signature", "b64"},
              {"deliver", "string"},
              {"format", "string"}},
             {"nonce", "serial", "device_key", "attestation", "attestation_ca", "signature"});
  schemas["RequestCreated"] = Object({{"request", "string"},
                                      {"otp", "string"},
                                      {"expires_at", "integer"},
                                      {"tries", "integer"},
                                      {"poll_after", "integer"}},
                                     {"request", "otp"});
  schemas["Poll"] = Object({{"signature", "b64"}}, {"signature"});
  schemas["PollAnswer"] = Object({{"state", "string"},
                                  {"tries_left", "integer"},
                                  {"comparison", "string"},
                                  {"format", "string"},
                                  {"soft_token", "string"},
                                  {"expires_at", "integer"}},
                                 {"state"});
  schemas["Confirm"] = Object({{"otp", "string"}}, {"otp"});
  schemas["Match"] = Object({{"request", "string"},
                             {"comparison", "string"},
                             {"attributes", "object"},
                             {"confirmation", "string"},
                             {"format", "string"},
                             {"deliver", "string"},
                             {"expires_at", "integer"}},
                            {"request", "comparison", "confirmation"});
  schemas["Approve"] =
      Object({{"confirmation", "string"}, {"comparison", "string"}}, {"confirmation"});
  schemas["Issued"] = Object({{"state", "string"},
                              {"request", "string"},
                              {"token", "string"},
                              {"format", "string"},
                              {"status", "object"},
                              {"soft_token", "string"},
                              {"expires_at", "integer"}},
                             {"state", "token"});
  schemas["Rejected"] = Object({{"state", "string"}, {"request", "string"}}, {"state"});
  schemas["Issuer"] = Object({{"certificates", "array"}}, {"certificates"});
  doc["components"]["securitySchemes"]["idToken"] = {
      {"type", "mutualTLS"},
      {"description", "TLS client authentication with the ID token's 9A certificate"}};
  return doc.dump(1);
}

}  // namespace

const std::string& OpenApiDocument() {
  static const std::string kDocument = Build();
  return kDocument;
}

}  // namespace tessera::softtoken
