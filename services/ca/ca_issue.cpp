// CaService::Issue: a certificate from a CSR under a profile, signed in the
// HSM, stored with its audit record in one transaction.
#include <nlohmann/json.hpp>

#include "services/ca/ca_context.hpp"
#include "services/ca/ca_service.hpp"
#include "services/ca/issuance.hpp"

namespace tessera::ca {
namespace {

constexpr std::int64_t kDay = 86400;
// A 128-bit serial collides with negligible probability; three draws
// separate a broken RNG from bad luck.
constexpr int kSerialAttempts = 3;

}  // namespace

Result<directory::CertificateRecord> CaService::Issue(const IssueRequest& request,
                                                      const Actor& actor) {
  const std::int64_t now = clock_();
  TESSERA_ASSIGN_OR_RETURN(const Profile* profile, FindProfile(request.profile));
  if (!profile->issuable) {
    return Status::InvalidArgument("profile '" + request.profile +
                                   "' is not issued from a CSR (`ca init` or a service issues it)");
  }
  TESSERA_ASSIGN_OR_RETURN(std::shared_ptr<const CaContext> context, Context(request.ca));
  TESSERA_ASSIGN_OR_RETURN(CertificationRequest csr, ParseCertificationRequest(request.csr));
  TESSERA_RETURN_IF_ERROR(CheckAgainstProfile(csr, *profile));

  TESSERA_ASSIGN_OR_RETURN(HsmPool::Lease lease, pool_.Acquire(context->record.hsm));
  TESSERA_ASSIGN_OR_RETURN(hsm::SigningKey key,
                           hsm::FindSigningKey(lease.session(), context->record.key_label));
  Signer signer{&lease.session(), key, context->certificate.get(), context->public_key.get()};

  CertificateSpec spec;
  spec.profile = profile;
  spec.subject = csr.subject.get();
  spec.public_key = csr.public_key.get();
  spec.subject_alt_names = csr.subject_alt_names.get();
  spec.not_before = now;
  // Never past the issuer's own end (RFC 5280 §6.1.3 would reject it anyway).
  spec.not_after =
      std::min(now + profile->validity_days * kDay, NotAfterOf(context->certificate.get()));
  spec.crl_url = Url(request.ca, "crl");
  spec.ocsp_url = Url(request.ca, "ocsp");

  for (int attempt = 1;; ++attempt) {
    TESSERA_ASSIGN_OR_RETURN(spec.serial, RandomSerial());
    TESSERA_ASSIGN_OR_RETURN(ossl::X509Ptr certificate, MakeCertificate(spec, signer));
    TESSERA_ASSIGN_OR_RETURN(Bytes der, ToDer(certificate.get()));
    directory::CertificateRecord record =
        RecordOf(request.ca, spec.serial, *profile, certificate.get(), std::move(der), now);
    record.user_id = request.user_id;
    const audit::AuditEvent event{actor.name, "ca.issue",
                                  "ca/" + request.ca + "/serial/" + SerialHex(spec.serial),
                                  actor.request_id,
                                  nlohmann::json{{"profile", request.profile},
                                                 {"subject", record.subject},
                                                 {"not_after", record.not_after}}
                                      .dump()};
    bool serial_taken = false;
    Status stored = db_->Transact([&](directory::SqlTransaction& tx) -> Status {
      Status inserted = directory::InsertCertificate(tx, record);
      serial_taken = inserted.code() == Code::kAlreadyExists;
      TESSERA_RETURN_IF_ERROR(inserted);
      return AuditIn(tx, event, now);
    });
    if (stored.ok()) return record;
    if (!serial_taken || attempt == kSerialAttempts) return stored;
  }
}

}  // namespace tessera::ca
