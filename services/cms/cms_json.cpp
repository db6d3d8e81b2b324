#include "services/cms/cms_json.hpp"

#include "services/ca/revocation_reason.hpp"
#include "services/jose/jws.hpp"

namespace tessera::cms {
namespace {

nlohmann::json OrNull(const std::optional<std::int64_t>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json ReasonOrNull(const std::optional<int>& reason) {
  return reason ? nlohmann::json(ca::RevocationReasonName(*reason)) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json BindingJson(const directory::BindingRecord& b) {
  return {{"request_id", b.id},
          {"user_id", b.user_id},
          {"token_serial", b.token_serial},
          {"state", b.state},
          {"ca", b.ca},
          {"certificate_serial", ToHex(b.cert_serial)},
          {"created_at", b.created_at},
          {"activated_at", OrNull(b.activated_at)},
          {"revoked_at", OrNull(b.revoked_at)},
          {"revocation_reason", ReasonOrNull(b.revoked_reason)}};
}

nlohmann::json TokenJson(const directory::CmsTokenRecord& t,
                         const std::vector<directory::BindingRecord>& bindings) {
  nlohmann::json history = nlohmann::json::array();
  for (const auto& b : bindings) history.push_back(BindingJson(b));
  return {{"serial", t.serial},
          {"state", t.state},
          {"user_id", t.user_id ? nlohmann::json(*t.user_id) : nlohmann::json(nullptr)},
          {"transport", t.transport},
          {"token_key", jose::Base64UrlEncode(t.token_key)},
          {"registrations", t.registrations},
          {"registered_at", t.registered_at},
          {"updated_at", t.updated_at},
          {"revoked_at", OrNull(t.revoked_at)},
          {"revocation_reason", ReasonOrNull(t.revoked_reason)},
          {"bindings", history}};
}

nlohmann::json UserJson(const directory::UserRecord& u,
                        const std::vector<directory::BindingRecord>& bindings) {
  nlohmann::json history = nlohmann::json::array();
  for (const auto& b : bindings) history.push_back(BindingJson(b));
  return {{"id", u.id},
          {"name", u.display_name},
          {"organization", u.organization},
          {"email", u.email},
          {"document", u.document},
          {"photo_sha256", u.photo_hash ? nlohmann::json(jose::Base64UrlEncode(*u.photo_hash))
                                        : nlohmann::json(nullptr)},
          {"created_at", u.created_at},
          {"bindings", history}};
}

nlohmann::json OfficerJson(const directory::OfficerRecord& o) {
  return {{"id", o.id},
          {"name", o.name},
          {"role", o.role},
          {"token_serial", o.token_serial},
          {"ca", o.ca},
          {"certificate_serial", ToHex(o.cert_serial)},
          {"certificate", jose::Base64UrlEncode(o.certificate)},
          {"state", o.state},
          {"created_at", o.created_at}};
}

nlohmann::json BindAnswerJson(const BindAnswer& a) {
  nlohmann::json chain = nlohmann::json::array();
  for (const Bytes& der : a.chain) chain.push_back(jose::Base64UrlEncode(der));
  return {{"binding", BindingJson(a.binding)},
          {"key_package", jose::Base64UrlEncode(a.key_package)},
          {"certificate", jose::Base64UrlEncode(a.certificate)},
          {"chain", chain},
          {"superseded_tokens", a.superseded_tokens}};
}

nlohmann::json ActivateAnswerJson(const ActivateAnswer& a) {
  nlohmann::json out = BindingJson(a.binding);
  out["authentication_key_package"] = jose::Base64UrlEncode(a.authentication_key_package);
  out["authentication_certificate"] = jose::Base64UrlEncode(a.authentication_certificate);
  return out;
}

Result<nlohmann::json> ShowToken(directory::Database& db, std::uint32_t serial) {
  nlohmann::json out;
  TESSERA_RETURN_IF_ERROR(db.Read([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(std::optional<directory::CmsTokenRecord> token,
                             directory::FindCmsToken(tx, serial));
    if (!token)
      return Status::NotFound("token " + std::to_string(serial) + " is not in the inventory");
    TESSERA_ASSIGN_OR_RETURN(std::vector<directory::BindingRecord> bindings,
                             directory::BindingsOfToken(tx, serial));
    out = TokenJson(*token, bindings);
    return Status::Ok();
  }));
  return out;
}

Result<nlohmann::json> ListTokensJson(directory::Database& db, const std::string& state) {
  nlohmann::json out = {{"tokens", nlohmann::json::array()}};
  TESSERA_RETURN_IF_ERROR(db.Read([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(std::vector<directory::CmsTokenRecord> tokens,
                             directory::ListCmsTokens(tx, state));
    out["tokens"] = nlohmann::json::array();
    for (const auto& token : tokens) out["tokens"].push_back(TokenJson(token, {}));
    return Status::Ok();
  }));
  return out;
}

Result<nlohmann::json> ShowUser(directory::Database& db, const std::string& id) {
  nlohmann::json out;
  TESSERA_RETURN_IF_ERROR(db.Read([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(std::optional<directory::UserRecord> user,
                             directory::FindUser(tx, id));
    if (!user) return Status::NotFound("user '" + id + "' is not in the directory");
    TESSERA_ASSIGN_OR_RETURN(std::vector<directory::BindingRecord> bindings,
                             directory::BindingsOfUser(tx, id));
    out = UserJson(*user, bindings);
    return Status::Ok();
  }));
  return out;
}

}  // namespace tessera::cms
