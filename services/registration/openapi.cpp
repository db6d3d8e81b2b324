// The OpenAPI 3.0 description of the registration gateway, served at
// /reg/openapi.json. docs/registration-api.md is the prose; this is the
// machine-readable index of the same routes, bodies and errors.
#include <nlohmann/json.hpp>

#include "services/registration/reg_routes.hpp"

namespace tessera::registration {
namespace {

using nlohmann::json;

json Ref(const std::string& name) { return {{"$ref", "#/components/schemas/" + name}}; }

json JsonContent(const json& schema) { return {{"application/json", {{"schema", schema}}}}; }

json Operation(const std::string& summary, const std::string& request, int status,
               const std::string& answer, std::initializer_list<int> errors) {
  json op = {{"summary", summary}};
  op["requestBody"] = {{"required", true}, {"content", JsonContent(Ref(request))}};
  json responses = json::object();
  for (int code : errors) {
    responses[std::to_string(code)] = {
        {"description", "problem+json (RFC 9457)"},
        {"content", {{"application/problem+json", {{"schema", Ref("Problem")}}}}}};
  }
  responses[std::to_string(status)] =
      answer.empty() ? json{{"description", "success, no body"}}
                     : json{{"description", "success"}, {"content", JsonContent(Ref(answer))}};
  op["responses"] = responses;
  return op;
}

json Object(std::initializer_list<std::pair<const char*, const char*>> properties) {
  json props = json::object();
  json required = json::array();
  for (const auto& [name, type] : properties) {
    const std::string t = type;
    if (t == "b64") {
      props[name] = {{"type", "string"}, {"contentEncoding", "base64url"}};
    } else if (t == "b64[]") {
      props[name] = {{"type", "array"},
                     {"items", {{"type", "string"}, {"contentEncoding", "base64url"}}}};
    } else {
      props[name] = {{"type", t}};
    }
    required.push_back(name);
  }
  return {{"type", "object"}, {"properties", props}, {"required", required}};
}

json Document() {
  json paths = json::object();
  paths["/reg/registrations"]["post"] =
      Operation("Start a registration: R0, the template and the certificate (claims 6, 7)", "Empty",
                201, "RegistrationStarted", {400, 503});
  paths["/reg/registrations/{id}/exchange"]["post"] =
      Operation("R1 (SSK1 and the user identification) -> R2 (SSK2 and the UIDC)", "ClientMessage",
                200, "ServerMessage", {400, 403, 404, 409, 422, 503});
  paths["/reg/registrations/{id}/confirm"]["post"] =
      Operation("R3: K confirmed, the registration active", "ClientMessage", 200, "Registered",
                {400, 404, 409, 422, 503});
  paths["/reg/sessions"]["post"] = Operation("A1 -> A2: the server's proof of K", "ClientMessage",
                                             201, "SessionChallenge", {400, 503});
  paths["/reg/sessions/{sid}/finish"]["post"] =
      Operation("A3: the client's proof of K; the session opens", "ClientMessage", 200,
                "SessionOpened", {400, 403, 404, 409, 503});
  paths["/reg/sessions/{sid}/entitlements"]["post"] =
      Operation("The signed entitlement document, sealed under SES (claim 5)", "Sealed", 200,
                "Sealed", {400, 401, 403, 409, 422, 503});
  paths["/reg/sessions/{sid}"]["delete"] =
      Operation("Log out", "Sealed", 204, "", {400, 401, 409, 422, 503});
  paths["/app/{name}/{rest}"]["post"] =
      Operation("A sealed request to an entitled application (header Tessera-Session)", "Sealed",
                200, "Sealed", {400, 401, 403, 409, 422, 502, 503});
  json schemas = {
      {"Empty", {{"type", "object"}}},
      {"ClientMessage", Object({{"client_message", "b64"}})},
      {"ServerMessage", Object({{"server_message", "b64"}, {"expires_at", "integer"}})},
      {"RegistrationStarted", Object({{"registration_id", "string"},
                                      {"server_hello", "b64"},
                                      {"template", "object"},
                                      {"certificate", "b64"},
                                      {"chain", "b64[]"},
                                      {"expires_at", "integer"}})},
      {"Registered", Object({{"registration_id", "string"},
                             {"user_id_code", "string"},
                             {"state", "string"},
                             {"registered_at", "integer"}})},
      {"SessionChallenge",
       Object({{"session_id", "string"}, {"server_message", "b64"}, {"expires_at", "integer"}})},
      {"SessionOpened", Object({{"session_id", "string"},
                                {"user_id_code", "string"},
                                {"expires_at", "integer"},
                                {"idle_timeout", "integer"}})},
      {"Sealed", Object({{"seq", "integer"}, {"ct", "b64"}})},
      {"Problem", Object({{"type", "string"}, {"title", "string"}, {"status", "integer"}})}};
  return {{"openapi", "3.0.3"},
          {"info",
           {{"title", "Tessera registration gateway"},
            {"version", "1"},
            {"description", "Seed 001: docs/registration-protocol.md, docs/registration-api.md"}}},
          {"paths", paths},
          {"components", {{"schemas", schemas}}}};
}

}  // namespace

const std::string& OpenApiDocument() {
  static const std::string text = Document().dump(2);
  return text;
}

}  // namespace tessera::registration
