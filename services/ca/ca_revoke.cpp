// CaService::Revoke and the CRL schedule: a revocation is stored with its
// audit record and a new CRL in one transaction (DESIGN.md "Directory");
// EnsureFresh re-issues CRLs past their refresh point and renews OCSP
// responder certificates near their end.
#include <nlohmann/json.hpp>

#include "services/ca/ca_context.hpp"
#include "services/ca/ca_service.hpp"
#include "services/ca/issuance.hpp"
#include "services/ca/ocsp_cache.hpp"
#include "services/ca/revocation_reason.hpp"

namespace tessera::ca {
namespace {

constexpr std::int64_t kDay = 86400;

}  // namespace

Result<directory::RevocationRecord> CaService::Revoke(const RevokeRequest& request,
                                                      const Actor& actor) {
  const std::int64_t now = clock_();
  TESSERA_RETURN_IF_ERROR(RevocationReasonFromName(RevocationReasonName(request.reason)).status());
  TESSERA_ASSIGN_OR_RETURN(std::shared_ptr<const CaContext> context, Context(request.ca));
  TESSERA_ASSIGN_OR_RETURN(HsmPool::Lease lease, pool_.Acquire(context->record.hsm));
  TESSERA_ASSIGN_OR_RETURN(hsm::SigningKey key,
                           hsm::FindSigningKey(lease.session(), context->record.key_label));
  Signer signer{&lease.session(), key, context->certificate.get(), context->public_key.get()};
  const directory::RevocationRecord revocation{request.ca, request.serial, now, request.reason};
  const audit::AuditEvent event{
      actor.name, "ca.revoke", "ca/" + request.ca + "/serial/" + SerialHex(request.serial),
      actor.request_id, nlohmann::json{{"reason", RevocationReasonName(request.reason)}}.dump()};
  Status transact_status = db_->Transact([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_RETURN_IF_ERROR(directory::InsertRevocation(tx, revocation));
    TESSERA_ASSIGN_OR_RETURN(directory::CrlRecord crl,
                             NextCrl(tx, request.ca, signer, now, options_.crl_validity));
    TESSERA_RETURN_IF_ERROR(StoreCrl(tx, crl));
    return AuditIn(tx, event, now);
  });
  TESSERA_RETURN_IF_ERROR(transact_status);
  ocsp_cache_->ForgetSerial(request.ca, request.serial);
  return revocation;
}

Result<directory::CrlRecord> CaService::CurrentCrl(const std::string& ca) {
  TESSERA_ASSIGN_OR_RETURN(std::shared_ptr<const CaContext> context, Context(ca));
  TESSERA_RETURN_IF_ERROR(RefreshCa(*context, clock_(), false));
  std::optional<directory::CrlRecord> latest;
  Status read_status = db_->Read([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(latest, directory::FindLatestCrl(tx, ca));
    return Status::Ok();
  });
  TESSERA_RETURN_IF_ERROR(read_status);
  if (!latest) return Status::NotFound("CA '" + ca + "' has no CRL");
  return *latest;
}

Status CaService::EnsureFresh(std::int64_t now) {
  TESSERA_ASSIGN_OR_RETURN(std::vector<directory::CaRecord> cas, List());
  Status first_error;
  for (const directory::CaRecord& record : cas) {
    Result<std::shared_ptr<const CaContext>> context = Context(record.name);
    Status status = context.ok() ? RefreshCa(**context, now, false) : context.status();
    if (status.ok() && context.ok()) status = RenewResponder(**context, now);
    // One CA's failure does not keep the others stale.
    if (!status.ok() && first_error.ok()) first_error = status;
  }
  return first_error;
}

Status CaService::RefreshCa(const CaContext& context, std::int64_t now, bool force_crl) {
  const std::string& ca = context.record.name;
  auto stale = [&](const std::optional<directory::CrlRecord>& latest) {
    return force_crl || !latest || now >= latest->this_update + options_.crl_refresh ||
           now >= latest->next_update;
  };
  std::optional<directory::CrlRecord> latest;
  Status read_status = db_->Read([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(latest, directory::FindLatestCrl(tx, ca));
    return Status::Ok();
  });
  TESSERA_RETURN_IF_ERROR(read_status);
  if (!stale(latest)) return Status::Ok();
  TESSERA_ASSIGN_OR_RETURN(HsmPool::Lease lease, pool_.Acquire(context.record.hsm));
  TESSERA_ASSIGN_OR_RETURN(hsm::SigningKey key,
                           hsm::FindSigningKey(lease.session(), context.record.key_label));
  Signer signer{&lease.session(), key, context.certificate.get(), context.public_key.get()};
  return db_->Transact([&](directory::SqlTransaction& tx) -> Status {
    // Another node may have refreshed it meanwhile.
    TESSERA_ASSIGN_OR_RETURN(std::optional<directory::CrlRecord> now_latest,
                             directory::FindLatestCrl(tx, ca));
    if (!stale(now_latest)) return Status::Ok();
    TESSERA_ASSIGN_OR_RETURN(directory::CrlRecord crl,
                             NextCrl(tx, ca, signer, now, options_.crl_validity));
    TESSERA_RETURN_IF_ERROR(StoreCrl(tx, crl));
    const audit::AuditEvent event{"tessera:schedule", "ca.crl", "ca/" + ca + "/crl", "",
                                  nlohmann::json{{"number", crl.number}}.dump()};
    return AuditIn(tx, event, now);
  });
}

Status CaService::RenewResponder(const CaContext& context, std::int64_t now) {
  if (!context.responder_certificate ||
      NotAfterOf(context.responder_certificate.get()) - now > options_.responder_renew_before) {
    return Status::Ok();
  }
  const std::string& ca = context.record.name;
  TESSERA_ASSIGN_OR_RETURN(const Profile* profile, FindProfile("ocsp"));
  TESSERA_ASSIGN_OR_RETURN(HsmPool::Lease lease, pool_.Acquire(context.record.hsm));
  hsm::HsmSession& session = lease.session();
  TESSERA_ASSIGN_OR_RETURN(hsm::SigningKey key,
                           hsm::FindSigningKey(session, context.record.key_label));
  TESSERA_ASSIGN_OR_RETURN(hsm::SigningKey responder_key,
                           hsm::FindSigningKey(session, context.record.ocsp_key_label));
  TESSERA_ASSIGN_OR_RETURN(Bytes spki, hsm::SigningPublicKeyInfo(session, responder_key));
  TESSERA_ASSIGN_OR_RETURN(ossl::PkeyPtr responder_public, ossl::PublicKeyFromDer(spki));
  Signer signer{&session, key, context.certificate.get(), context.public_key.get()};
  CertificateSpec spec;
  spec.profile = profile;
  TESSERA_ASSIGN_OR_RETURN(spec.serial, RandomSerial());
  spec.subject = X509_get_subject_name(context.responder_certificate.get());
  spec.public_key = responder_public.get();
  spec.not_before = now;
  spec.not_after =
      std::min(now + profile->validity_days * kDay, NotAfterOf(context.certificate.get()));
  TESSERA_ASSIGN_OR_RETURN(ossl::X509Ptr certificate, MakeCertificate(spec, signer));
  TESSERA_ASSIGN_OR_RETURN(Bytes der, ToDer(certificate.get()));
  const directory::CertificateRecord record =
      RecordOf(ca, spec.serial, *profile, certificate.get(), der, now);
  const audit::AuditEvent event{"tessera:schedule", "ca.ocsp-renew",
                                "ca/" + ca + "/serial/" + SerialHex(spec.serial), "", ""};
  Status transact_status = db_->Transact([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_RETURN_IF_ERROR(directory::InsertCertificate(tx, record));
    TESSERA_RETURN_IF_ERROR(
        directory::SetOcspResponder(tx, ca, context.record.ocsp_key_label, der));
    return AuditIn(tx, event, now);
  });
  TESSERA_RETURN_IF_ERROR(transact_status);
  contexts_->Forget(ca);
  ocsp_cache_->ForgetCa(ca);
  return Status::Ok();
}

}  // namespace tessera::ca
