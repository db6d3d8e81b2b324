// Activation (seed 000 claim 8; docs/cms-api.md "Activation"): the token
// unwrapped the key into 9C and signed a receipt with it; the CMS checks the
// receipt against the certificate it issued and marks the binding active.
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "services/cms/cms_common.hpp"
#include "services/cms/cms_service.hpp"
#include "services/cms/receipt.hpp"
#include "services/jose/jws.hpp"

namespace tessera::cms {

Result<directory::BindingRecord> CmsService::Activate(const std::string& receipt_jws,
                                                      const Caller& caller) {
  const std::int64_t now = ca_->Now();
  std::string object = "cms/activation";
  auto refuse = [&](const Status& error) { return Refuse("cms.activate", object, error, caller); };
  Result<jose::JwsParts> parts = jose::ParseCompact(receipt_jws);
  if (!parts.ok()) return refuse(parts.status());
  if (parts->typ != kReceiptType) {
    return refuse(
        Status::InvalidArgument("the receipt has typ '" + parts->typ + "', not " + kReceiptType));
  }
  Result<ActivationReceipt> receipt = DecodeReceipt(parts->payload);
  if (!receipt.ok()) return refuse(receipt.status());
  object = TokenObject(receipt->token_serial);

  std::optional<directory::BindingRecord> binding;
  std::optional<directory::CertificateRecord> certificate;
  TESSERA_RETURN_IF_ERROR(db_->Read([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(binding, directory::FindBinding(tx, receipt->request_id));
    if (binding) {
      TESSERA_ASSIGN_OR_RETURN(certificate,
                               directory::FindCertificate(tx, binding->ca, binding->cert_serial));
    }
    return Status::Ok();
  }));
  if (!binding || !certificate) {
    return refuse(Status::NotFound("no binding for request '" + receipt->request_id + "'"));
  }
  if (binding->token_serial != receipt->token_serial) {
    return refuse(Status::ConditionsNotSatisfied(
        "the receipt names token " + std::to_string(receipt->token_serial) +
        ", the binding token " + std::to_string(binding->token_serial)));
  }
  if (binding->state != "pending") {
    return refuse(binding->state == "active"
                      ? Status::AlreadyExists("the binding is active already")
                      : Status::ConditionsNotSatisfied("the binding is " + binding->state));
  }
  Result<ossl::X509Ptr> x509 = ParseCertificateDer(certificate->der);
  if (!x509.ok()) return refuse(x509.status());
  Result<jose::JwsParts> verified =
      jose::VerifyCompact(receipt_jws, *X509_get0_pubkey(x509->get()));
  if (!verified.ok()) return refuse(verified.status());
  if (std::llabs(receipt->time - now) > options_.clock_skew) {
    return refuse(Status::ConditionsNotSatisfied("the receipt's time is too far from the CMS's"));
  }
  Status done = db_->Transact([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(binding, directory::FindBinding(tx, receipt->request_id));
    if (!binding || binding->state != "pending") {
      return Status::ConditionsNotSatisfied("the binding changed meanwhile");
    }
    binding->state = "active";
    binding->activated_at = now;
    binding->updated_at = now;
    TESSERA_RETURN_IF_ERROR(directory::UpdateBinding(tx, *binding));
    TESSERA_ASSIGN_OR_RETURN(std::optional<directory::CmsRequestRecord> request,
                             directory::FindCmsRequest(tx, binding->id));
    if (request) {
      request->state = "active";
      request->updated_at = now;
      TESSERA_RETURN_IF_ERROR(directory::UpdateCmsRequest(tx, *request));
    }
    TESSERA_ASSIGN_OR_RETURN(std::optional<directory::CmsTokenRecord> token,
                             directory::FindCmsToken(tx, binding->token_serial));
    if (token) {
      token->state = "active";
      token->updated_at = now;
      TESSERA_RETURN_IF_ERROR(directory::UpdateCmsToken(tx, *token));
    }
    return AuditIn(tx, caller, "cms.activate", object,
                   nlohmann::json{{"request", binding->id}, {"user", binding->user_id}}.dump(),
                   now);
  });
  if (!done.ok()) return refuse(done);
  return *binding;
}

}  // namespace tessera::cms
