// CmsService: construction, refusals, and the officer check every officer
// step shares (cms_service.hpp).
#include "services/cms/cms_service.hpp"

#include <nlohmann/json.hpp>

#include "services/cms/cms_common.hpp"

namespace tessera::cms {

CmsService::CmsService(std::shared_ptr<directory::Database> db, std::shared_ptr<ca::CaService> ca,
                       ca::HsmOpener opener, CmsOptions options)
    : db_(std::move(db)),
      ca_(std::move(ca)),
      pool_(std::move(opener), 4),
      options_(std::move(options)) {}

Status CmsService::Refuse(const std::string& action, const std::string& object, const Status& error,
                          const Caller& caller) {
  const std::int64_t now = ca_->Now();
  const std::string details = nlohmann::json{
      {"error", std::string(CodeName(error.code()))},
      {"detail", error.message()}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  // The refusal is recorded if the directory takes it; the caller gets the
  // original error either way.
  (void)db_->Transact([&](directory::SqlTransaction& tx) -> Status {
    return AuditIn(tx, caller, action + ".refused", object, details, now);
  });
  return error;
}

// The officer named `officer_id` may sign E-forms now: recorded, active,
// role officer or administrator, certificate unrevoked and in its validity;
// a TLS client certificate, when the caller presented one, is that same
// certificate. `key` receives the certificate's public key.
Result<directory::OfficerRecord> CmsService::CheckOfficer(const std::string& officer_id,
                                                          const Caller& caller,
                                                          ossl::PkeyPtr* key) {
  const std::int64_t now = ca_->Now();
  std::optional<directory::OfficerRecord> officer;
  std::optional<directory::RevocationRecord> revocation;
  TESSERA_RETURN_IF_ERROR(db_->Read([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(officer, directory::FindOfficer(tx, officer_id));
    if (officer) {
      TESSERA_ASSIGN_OR_RETURN(revocation,
                               directory::FindRevocation(tx, officer->ca, officer->cert_serial));
    }
    return Status::Ok();
  }));
  if (!officer) return Status::SecurityStatus("'" + officer_id + "' is not an officer");
  if (officer->state != "active") {
    return Status::SecurityStatus("officer '" + officer_id + "' is " + officer->state);
  }
  if (officer->role != "officer" && officer->role != "administrator") {
    return Status::SecurityStatus("'" + officer_id + "' has the role " + officer->role +
                                  ", which may not sign E-forms");
  }
  if (revocation) {
    return Status::SecurityStatus("the certificate of officer '" + officer_id + "' is revoked");
  }
  TESSERA_ASSIGN_OR_RETURN(ossl::X509Ptr certificate, ParseCertificateDer(officer->certificate));
  time_t at = now;
  if (X509_cmp_time(X509_get0_notAfter(certificate.get()), &at) < 0 ||
      X509_cmp_time(X509_get0_notBefore(certificate.get()), &at) > 0) {
    return Status::SecurityStatus("the certificate of officer '" + officer_id +
                                  "' is not valid now");
  }
  if (!caller.client_certificate.empty() && caller.client_certificate != officer->certificate) {
    return Status::SecurityStatus("the TLS client certificate is not officer '" + officer_id +
                                  "''s certificate");
  }
  key->reset(X509_get_pubkey(certificate.get()));
  if (!*key) return ossl::Error("X509_get_pubkey");
  return *officer;
}

}  // namespace tessera::cms
