// The OpenAPI 3.0 description of the CMS API, served at /cms/openapi.json.
// docs/cms-api.md is the prose; this is the machine-readable index of the
// same routes, bodies and errors.
#include <nlohmann/json.hpp>

#include "services/cms/cms_routes.hpp"

namespace tessera::cms {
namespace {

using nlohmann::json;

json Ref(const std::string& name) { return {{"$ref", "#/components/schemas/" + name}}; }

json JsonContent(const json& schema) { return {{"application/json", {{"schema", schema}}}}; }

json Errors(std::initializer_list<int> codes) {
  json out = json::object();
  for (int code : codes) {
    out[std::to_string(code)] = {
        {"description", "problem+json (RFC 9457)"},
        {"content", {{"application/problem+json", {{"schema", Ref("Problem")}}}}}};
  }
  return out;
}

json Operation(const std::string& summary, const json& request, int status, const json& answer,
               std::initializer_list<int> errors, bool client_cert) {
  json op = {{"summary", summary}};
  if (!request.is_null())
    op["requestBody"] = {{"required", true}, {"content", JsonContent(request)}};
  op["responses"] = Errors(errors);
  op["responses"][std::to_string(status)] = {{"description", "success"},
                                             {"content", JsonContent(answer)}};
  if (client_cert) op["security"] = json::array({{{"officerCertificate", json::array()}}});
  return op;
}

json Object(std::initializer_list<std::pair<const char*, json>> properties) {
  json props = json::object();
  json required = json::array();
  for (const auto& [name, schema] : properties) {
    props[name] = schema;
    required.push_back(name);
  }
  return {{"type", "object"},
          {"properties", props},
          {"required", required},
          {"additionalProperties", false}};
}

json Document() {
  const json str = {{"type", "string"}};
  const json b64 = {{"type", "string"}, {"format", "base64url"}};
  const json integer = {{"type", "integer"}};
  json paths;
  paths["/cms/tokens"]["post"] =
      Operation("Register a token (attestation checked first)",
                Object({{"serial", integer},
                        {"token_key", b64},
                        {"attestation", b64},
                        {"attestation_ca", b64},
                        {"chuid", b64},
                        {"transport", str},
                        {"used_key_slots", {{"type", "array"}, {"items", str}}}}),
                201, Ref("Token"), {400, 409, 422, 503}, false);
  paths["/cms/tokens"]["get"] = Operation(
      "The inventory", nullptr, 200,
      Object({{"tokens", {{"type", "array"}, {"items", Ref("Token")}}}}), {400, 401}, true);
  paths["/cms/tokens/{serial}"]["get"] =
      Operation("One token and its bindings", nullptr, 200, Ref("Token"), {400, 401, 404}, true);
  paths["/cms/users/{id}"]["get"] =
      Operation("One user and its bindings", nullptr, 200, Ref("User"), {401, 404}, true);
  paths["/cms/nonces"]["post"] =
      Operation("A nonce for E-form v1", nullptr, 201,
                Object({{"nonce", b64}, {"expires_at", integer}}), {401, 403}, true);
  paths["/cms/eforms"]["post"] =
      Operation("Submit E-form v1 (JWS); get v2 to countersign", Object({{"v1", str}}), 201,
                Object({{"request_id", str}, {"v2", str}, {"expires_at", integer}}),
                {400, 401, 403, 404, 409, 422}, true);
  paths["/cms/requests/{id}/bind"]["post"] = Operation(
      "Countersigned v2 (JWS): bind, issue, wrap the key to the token", Object({{"v2", str}}), 201,
      Object({{"binding", Ref("Binding")},
              {"key_package", b64},
              {"certificate", b64},
              {"chain", {{"type", "array"}, {"items", b64}}},
              {"superseded_tokens", {{"type", "array"}, {"items", integer}}}}),
      {400, 401, 403, 404, 409, 422, 503}, true);
  // The binding's members, and the PIV Authentication key for 9A beside
  // them (issue 15).
  paths["/cms/activations"]["post"] = Operation(
      "The activation receipt signed by the new key: activate, issue the 9A key",
      Object({{"receipt", str}}), 200,
      {{"allOf", json::array({Ref("Binding"), Object({{"authentication_key_package", b64},
                                                      {"authentication_certificate", b64}})})}},
      {400, 404, 409, 422, 503}, false);
  paths["/cms/openapi.json"]["get"] = {{"summary", "This document"},
                                       {"responses", {{"200", {{"description", "OpenAPI 3.0"}}}}}};
  json schemas;
  schemas["Problem"] = {{"type", "object"},
                        {"properties",
                         {{"type", str},
                          {"title", str},
                          {"status", integer},
                          {"detail", str},
                          {"instance", str},
                          {"request_id", str}}}};
  schemas["Binding"] = {
      {"type", "object"},
      {"properties",
       {{"request_id", str},
        {"user_id", str},
        {"token_serial", integer},
        {"state", {{"type", "string"}, {"enum", {"pending", "active", "revoked"}}}},
        {"ca", str},
        {"certificate_serial", str},
        {"created_at", integer},
        {"activated_at", {{"type", "integer"}, {"nullable", true}}},
        {"revoked_at", {{"type", "integer"}, {"nullable", true}}},
        {"revocation_reason", {{"type", "string"}, {"nullable", true}}}}}};
  schemas["Token"] = {
      {"type", "object"},
      {"properties",
       {{"serial", integer},
        {"state", {{"type", "string"}, {"enum", {"inventory", "bound", "active", "revoked"}}}},
        {"user_id", {{"type", "string"}, {"nullable", true}}},
        {"transport", str},
        {"token_key", b64},
        {"registrations", integer},
        {"registered_at", integer},
        {"updated_at", integer},
        {"bindings", {{"type", "array"}, {"items", Ref("Binding")}}}}}};
  schemas["User"] = {{"type", "object"},
                     {"properties",
                      {{"id", str},
                       {"name", str},
                       {"organization", str},
                       {"email", str},
                       {"document", str},
                       {"created_at", integer},
                       {"bindings", {{"type", "array"}, {"items", Ref("Binding")}}}}}};
  return {{"openapi", "3.0.3"},
          {"info",
           {{"title", "Tessera CMS"},
            {"version", "1"},
            {"description",
             "Seed 000: token inventory, E-forms, binding, key delivery. "
             "Prose: docs/cms-api.md."}}},
          {"paths", paths},
          {"components",
           {{"schemas", schemas},
            {"securitySchemes",
             {{"officerCertificate",
               {{"type", "mutualTLS"},
                {"description", "the officer certificate on the officer's token"}}}}}}}};
}

}  // namespace

const std::string& OpenApiDocument() {
  static const std::string kDocument = Document().dump(2);
  return kDocument;
}

}  // namespace tessera::cms
