// CaService's composable steps (ca_service.hpp): a certificate for a key the
// caller vouches for, stored in the caller's transaction, and revocations
// inside the caller's transaction. The CMS binds a user, revokes the user's
// other tokens and issues the new certificate in one transaction (seed 000
// claim 3); these are the CA's parts of it.
#include <openssl/x509v3.h>

#include <map>
#include <nlohmann/json.hpp>

#include "services/ca/ca_context.hpp"
#include "services/ca/ca_service.hpp"
#include "services/ca/issuance.hpp"
#include "services/ca/ocsp_cache.hpp"
#include "services/ca/revocation_reason.hpp"

namespace tessera::ca {
namespace {

constexpr std::int64_t kDay = 86400;

Result<ossl::X509NamePtr> SubjectOf(const KeyIssueRequest& request) {
  ossl::X509NamePtr name(X509_NAME_new());
  if (!name) return Status::Internal("X509_NAME_new failed");
  for (const auto& [attribute, value] : request.subject) {
    if (value.empty()) continue;
    if (X509_NAME_add_entry_by_txt(name.get(), attribute.c_str(), MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(value.data()),
                                   static_cast<int>(value.size()), -1, 0) != 1) {
      return Status::InvalidArgument("subject attribute " + attribute + "='" + value +
                                     "' is not acceptable");
    }
  }
  if (X509_NAME_entry_count(name.get()) == 0) {
    return Status::InvalidArgument("a certificate needs a subject");
  }
  return name;
}

Result<GeneralNamesPtr> EmailNames(const std::optional<std::string>& email) {
  if (!email || email->empty()) return GeneralNamesPtr();
  GeneralNamesPtr names(GENERAL_NAMES_new());
  GENERAL_NAME* name = GENERAL_NAME_new();
  ASN1_IA5STRING* text = ASN1_IA5STRING_new();
  if (!names || name == nullptr || text == nullptr ||
      ASN1_STRING_set(text, email->data(), static_cast<int>(email->size())) != 1) {
    GENERAL_NAME_free(name);
    ASN1_IA5STRING_free(text);
    return Status::Internal("cannot build the subjectAltName");
  }
  GENERAL_NAME_set0_value(name, GEN_EMAIL, text);
  if (sk_GENERAL_NAME_push(names.get(), name) == 0) {
    GENERAL_NAME_free(name);
    return Status::Internal("cannot build the subjectAltName");
  }
  return names;
}

}  // namespace

Result<PreparedCertificate> CaService::PrepareForKey(const KeyIssueRequest& request,
                                                     const Actor& actor) {
  const std::int64_t now = clock_();
  TESSERA_ASSIGN_OR_RETURN(const Profile* profile, FindProfile(request.profile));
  if (!profile->issuable && !profile->service_key) {
    return Status::InvalidArgument("profile '" + request.profile + "' is not for requests");
  }
  if (request.not_after && *request.not_after <= now) {
    return Status::InvalidArgument("the notAfter cap " + std::to_string(*request.not_after) +
                                   " is not after now (" + std::to_string(now) + ")");
  }
  TESSERA_ASSIGN_OR_RETURN(std::shared_ptr<const CaContext> context, Context(request.ca));
  TESSERA_ASSIGN_OR_RETURN(ossl::PkeyPtr public_key, ossl::PublicKeyFromDer(request.public_key));
  TESSERA_ASSIGN_OR_RETURN(ossl::X509NamePtr subject, SubjectOf(request));
  TESSERA_ASSIGN_OR_RETURN(GeneralNamesPtr alt_names, EmailNames(request.email));

  TESSERA_ASSIGN_OR_RETURN(HsmPool::Lease lease, pool_.Acquire(context->record.hsm));
  TESSERA_ASSIGN_OR_RETURN(hsm::SigningKey key,
                           hsm::FindSigningKey(lease.session(), context->record.key_label));
  Signer signer{&lease.session(), key, context->certificate.get(), context->public_key.get()};
  CertificateSpec spec;
  spec.profile = profile;
  spec.subject = subject.get();
  spec.public_key = public_key.get();
  spec.subject_alt_names = alt_names.get();
  spec.not_before = now;
  spec.not_after =
      std::min(now + profile->validity_days * kDay, NotAfterOf(context->certificate.get()));
  if (request.not_after) spec.not_after = std::min(spec.not_after, *request.not_after);
  spec.crl_url = Url(request.ca, "crl");
  spec.ocsp_url = Url(request.ca, "ocsp");
  TESSERA_ASSIGN_OR_RETURN(spec.serial, RandomSerial());
  TESSERA_ASSIGN_OR_RETURN(ossl::X509Ptr certificate, MakeCertificate(spec, signer));
  TESSERA_ASSIGN_OR_RETURN(Bytes der, ToDer(certificate.get()));
  PreparedCertificate prepared{
      RecordOf(request.ca, spec.serial, *profile, certificate.get(), std::move(der), now), {}};
  prepared.record.user_id = request.user_id;
  prepared.record.token_serial = request.token_serial;
  prepared.event =
      audit::AuditEvent{actor.name, "ca.issue",
                        "ca/" + request.ca + "/serial/" + SerialHex(spec.serial), actor.request_id,
                        nlohmann::json{{"profile", request.profile},
                                       {"subject", prepared.record.subject},
                                       {"not_after", prepared.record.not_after}}
                            .dump()};
  return prepared;
}

Status CaService::StoreIssued(directory::SqlTransaction& tx, const PreparedCertificate& prepared,
                              std::int64_t now) {
  TESSERA_RETURN_IF_ERROR(directory::InsertCertificate(tx, prepared.record));
  return AuditIn(tx, prepared.event, now);
}

Status CaService::RevokeWithin(directory::SqlTransaction& tx,
                               const std::vector<RevokeRequest>& requests, const Actor& actor,
                               std::int64_t now) {
  std::map<std::string, bool> touched;
  for (const RevokeRequest& request : requests) {
    TESSERA_RETURN_IF_ERROR(
        RevocationReasonFromName(RevocationReasonName(request.reason)).status());
    TESSERA_RETURN_IF_ERROR(directory::InsertRevocation(
        tx, directory::RevocationRecord{request.ca, request.serial, now, request.reason}));
    const audit::AuditEvent event{
        actor.name, "ca.revoke", "ca/" + request.ca + "/serial/" + SerialHex(request.serial),
        actor.request_id, nlohmann::json{{"reason", RevocationReasonName(request.reason)}}.dump()};
    TESSERA_RETURN_IF_ERROR(AuditIn(tx, event, now));
    touched[request.ca] = true;
  }
  for (const auto& [ca, unused] : touched) {
    TESSERA_ASSIGN_OR_RETURN(std::shared_ptr<const CaContext> context, Context(ca));
    TESSERA_ASSIGN_OR_RETURN(HsmPool::Lease lease, pool_.Acquire(context->record.hsm));
    TESSERA_ASSIGN_OR_RETURN(hsm::SigningKey key,
                             hsm::FindSigningKey(lease.session(), context->record.key_label));
    Signer signer{&lease.session(), key, context->certificate.get(), context->public_key.get()};
    TESSERA_ASSIGN_OR_RETURN(directory::CrlRecord crl,
                             NextCrl(tx, ca, signer, now, options_.crl_validity));
    TESSERA_RETURN_IF_ERROR(StoreCrl(tx, crl));
  }
  return Status::Ok();
}

void CaService::ForgetRevoked(const std::vector<RevokeRequest>& requests) {
  for (const RevokeRequest& request : requests)
    ocsp_cache_->ForgetSerial(request.ca, request.serial);
}

}  // namespace tessera::ca
