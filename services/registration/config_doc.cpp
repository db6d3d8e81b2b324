#include "services/registration/config_doc.hpp"

#include <openssl/x509.h>

#include "common/ossl.hpp"
#include "common/registration/server_certificate.hpp"
#include "services/jose/jcs.hpp"

namespace tessera::registration {
namespace {

using nlohmann::json;

Status Bad(const std::string& why) {
  return Status::InvalidArgument("the entitlement document: " + why);
}

Result<std::string> StringField(const json& o, const char* name) {
  auto it = o.find(name);
  if (it == o.end() || !it->is_string()) return Bad(std::string(name) + " is not a string");
  return it->get<std::string>();
}

Result<std::int64_t> IntField(const json& o, const char* name) {
  auto it = o.find(name);
  if (it == o.end() || !it->is_number_integer()) {
    return Bad(std::string(name) + " is not an integer");
  }
  return it->get<std::int64_t>();
}

// Only the members the document defines: a signed document with anything
// else is not one this client understands, so it is refused, not skimmed.
Status OnlyMembers(const json& o, std::initializer_list<const char*> names, const char* what) {
  for (const auto& item : o.items()) {
    bool known = false;
    for (const char* name : names) known = known || item.key() == name;
    if (!known) return Bad(std::string(what) + " has an unknown member '" + item.key() + "'");
  }
  return Status::Ok();
}

Result<ConfigApplication> ParseApplication(const json& a) {
  if (!a.is_object()) return Bad("an application is not an object");
  TESSERA_RETURN_IF_ERROR(
      OnlyMembers(a, {"name", "paths", "settings", "url_path"}, "an application"));
  ConfigApplication app;
  TESSERA_ASSIGN_OR_RETURN(app.name, StringField(a, "name"));
  TESSERA_ASSIGN_OR_RETURN(app.url_path, StringField(a, "url_path"));
  auto paths = a.find("paths");
  if (paths == a.end() || !paths->is_array())
    return Bad("paths of '" + app.name + "' is not a list");
  for (const json& p : *paths) {
    if (!p.is_string() || p.get<std::string>().empty() || p.get<std::string>()[0] != '/') {
      return Bad("a path of '" + app.name + "' does not start with /");
    }
    app.paths.push_back(p.get<std::string>());
  }
  auto settings = a.find("settings");
  if (settings == a.end() || !settings->is_object()) {
    return Bad("settings of '" + app.name + "' is not an object");
  }
  app.settings = *settings;
  if (app.url_path != "/app/" + app.name) {
    return Bad("url_path of '" + app.name + "' is not /app/" + app.name);
  }
  return app;
}

}  // namespace

Result<std::string> ConfigPayload(const ConfigDocument& doc) {
  json apps = json::array();
  for (const ConfigApplication& app : doc.applications) {
    apps.push_back({{"name", app.name},
                    {"paths", app.paths},
                    {"settings", app.settings},
                    {"url_path", app.url_path}});
  }
  const json payload = {
      {"applications", apps},
      {"expires_at", doc.expires_at},
      {"form", kConfigForm},
      {"gateway", {{"certificate_sha256", doc.certificate_sha256}, {"url", doc.gateway_url}}},
      {"issued_at", doc.issued_at},
      {"user_id_code", doc.user_id_code},
      {"version", doc.version}};
  return jose::Canonicalize(payload);
}

Result<ConfigDocument> ParseConfigPayload(std::string_view payload) {
  json j = json::parse(payload, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Bad("the payload is not a JSON object");
  TESSERA_RETURN_IF_ERROR(OnlyMembers(
      j, {"applications", "expires_at", "form", "gateway", "issued_at", "user_id_code", "version"},
      "the document"));
  TESSERA_ASSIGN_OR_RETURN(std::string form, StringField(j, "form"));
  if (form != kConfigForm) return Bad("form is '" + form + "', not " + std::string(kConfigForm));
  ConfigDocument doc;
  TESSERA_ASSIGN_OR_RETURN(doc.version, IntField(j, "version"));
  TESSERA_ASSIGN_OR_RETURN(doc.user_id_code, StringField(j, "user_id_code"));
  TESSERA_ASSIGN_OR_RETURN(doc.issued_at, IntField(j, "issued_at"));
  TESSERA_ASSIGN_OR_RETURN(doc.expires_at, IntField(j, "expires_at"));
  auto gateway = j.find("gateway");
  if (gateway == j.end() || !gateway->is_object()) return Bad("gateway is not an object");
  TESSERA_RETURN_IF_ERROR(OnlyMembers(*gateway, {"certificate_sha256", "url"}, "gateway"));
  TESSERA_ASSIGN_OR_RETURN(doc.gateway_url, StringField(*gateway, "url"));
  TESSERA_ASSIGN_OR_RETURN(doc.certificate_sha256, StringField(*gateway, "certificate_sha256"));
  auto apps = j.find("applications");
  if (apps == j.end() || !apps->is_array()) return Bad("applications is not a list");
  for (const json& a : *apps) {
    TESSERA_ASSIGN_OR_RETURN(ConfigApplication app, ParseApplication(a));
    doc.applications.push_back(std::move(app));
  }
  if (doc.version < 0) return Bad("version is negative");
  return doc;
}

Result<std::string> SignConfig(const ConfigDocument& doc, ByteView spki_sha256,
                               const jose::JwsSigner& signer) {
  TESSERA_ASSIGN_OR_RETURN(std::string payload, ConfigPayload(doc));
  return jose::SignCompact(jose::JwsAlg::kEs256, std::string(kConfigType), ToHex(spki_sha256),
                           payload, signer);
}

Result<ConfigDocument> VerifyConfig(std::string_view jws, const ConfigCheck& check) {
  TESSERA_ASSIGN_OR_RETURN(ServerKey server,
                           CheckServerCertificate(check.certificate, check.issuer_point,
                                                  check.host_time, check.time_floor));
  if (server.spki_sha256.size() != check.expected_spki_sha256.size() ||
      !std::equal(server.spki_sha256.begin(), server.spki_sha256.end(),
                  check.expected_spki_sha256.begin())) {
    return Status::DataMismatch(
        "the entitlement document comes from a gateway key other than the one this token "
        "registered with");
  }
  const unsigned char* p = check.certificate.data();
  ossl::X509Ptr certificate(d2i_X509(nullptr, &p, static_cast<long>(check.certificate.size())));
  if (!certificate) return ossl::Error("d2i_X509");
  EVP_PKEY* key = X509_get0_pubkey(certificate.get());
  if (key == nullptr) return ossl::Error("X509_get0_pubkey");
  TESSERA_ASSIGN_OR_RETURN(jose::JwsParts parts, jose::VerifyCompact(jws, *key));
  if (parts.alg != jose::JwsAlg::kEs256 || parts.typ != kConfigType) {
    return Bad("the header is not ES256 with typ " + std::string(kConfigType));
  }
  if (parts.kid != ToHex(server.spki_sha256)) return Bad("the kid is not the gateway key's");
  TESSERA_ASSIGN_OR_RETURN(bool canonical, jose::IsCanonical(parts.payload));
  if (!canonical) return Bad("the payload is not canonical JSON (RFC 8785)");
  TESSERA_ASSIGN_OR_RETURN(ConfigDocument doc, ParseConfigPayload(parts.payload));
  if (doc.user_id_code != check.expected_uidc) {
    return Status::DataMismatch("the entitlement document is for user ID code " + doc.user_id_code +
                                ", not " + check.expected_uidc);
  }
  if (doc.certificate_sha256 != ToHex(server.spki_sha256)) {
    return Bad("gateway.certificate_sha256 is not the gateway key's");
  }
  if (doc.expires_at <= static_cast<std::int64_t>(check.host_time)) {
    return Status::ConditionsNotSatisfied("the entitlement document expired at " +
                                          std::to_string(doc.expires_at));
  }
  if (check.applied_version.has_value()) {
    if (doc.version < *check.applied_version) {
      return Status::ConditionsNotSatisfied(
          "the entitlement document has version " + std::to_string(doc.version) +
          ", older than the applied version " + std::to_string(*check.applied_version));
    }
    if (doc.version == *check.applied_version && jws != check.applied_jws) {
      return Status::ConditionsNotSatisfied("the entitlement document repeats version " +
                                            std::to_string(doc.version) + " with other contents");
    }
  }
  return doc;
}

}  // namespace tessera::registration
