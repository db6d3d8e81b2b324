// Activation (seed 000 claim 8; docs/cms-api.md "Activation"): the token
// unwrapped the key into 9C and signed a receipt with it; the CMS checks the
// receipt against the certificate it issued, issues the card's PIV
// Authentication key for 9A (issue 15: made in the HSM, certified with
// profile piv-authentication, wrapped to F0 for 9A) and, in one
// transaction, marks the binding active and stores the 9A certificate.
//
// 9A is issued here rather than at the binding because the token keeps one
// key package (5FFF20) at a time: the officer's terminal carries 9C's, and
// 9A's reaches the token in this answer, only once the token has shown,
// with the PIN and the 9C key, that it is the token the binding named.
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "services/cms/cms_common.hpp"
#include "services/cms/cms_service.hpp"
#include "services/cms/eform.hpp"
#include "services/cms/key_delivery.hpp"
#include "services/cms/receipt.hpp"
#include "services/jose/jws.hpp"

namespace tessera::cms {

Result<ActivateAnswer> CmsService::Activate(const std::string& receipt_jws, const Caller& caller) {
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
  std::optional<directory::CmsRequestRecord> bound_request;  // its E-form v2: the user
  std::optional<directory::CmsTokenRecord> bound_token;      // its F0
  TESSERA_RETURN_IF_ERROR(db_->Read([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(binding, directory::FindBinding(tx, receipt->request_id));
    if (binding) {
      TESSERA_ASSIGN_OR_RETURN(certificate,
                               directory::FindCertificate(tx, binding->ca, binding->cert_serial));
      TESSERA_ASSIGN_OR_RETURN(bound_request, directory::FindCmsRequest(tx, binding->id));
      TESSERA_ASSIGN_OR_RETURN(bound_token, directory::FindCmsToken(tx, binding->token_serial));
    }
    return Status::Ok();
  }));
  if (!binding || !certificate || !bound_request || !bound_token) {
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
  // 9A for the same user, from the same v2 the 9C certificate was made from.
  Result<KeyDelivery> authentication = [&]() -> Result<KeyDelivery> {
    TESSERA_ASSIGN_OR_RETURN(EformV2 v2, DecodeV2(AsString(bound_request->eform_v2)));
    TESSERA_ASSIGN_OR_RETURN(ca::HsmPool::Lease lease, pool_.Acquire(options_.hsm));
    KeyDeliveryRequest key;
    key.slot = kSlot9A;
    key.token_key = bound_token->token_key;
    key.token_serial = binding->token_serial;
    TESSERA_ASSIGN_OR_RETURN(key.context, FromHex(binding->id));
    key.issue = UserKeyIssue(binding->ca, "piv-authentication", v2.user, binding->token_serial);
    return MakeKeyDelivery(lease, *ca_, ca::Actor{caller.name, caller.request_id}, std::move(key));
  }();
  if (!authentication.ok()) return refuse(authentication.status());
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
    TESSERA_RETURN_IF_ERROR(ca_->StoreIssued(tx, authentication->certificate, now));
    return AuditIn(tx, caller, "cms.activate", object,
                   nlohmann::json{{"request", binding->id},
                                  {"user", binding->user_id},
                                  {"authentication_certificate",
                                   ToHex(authentication->certificate.record.serial)}}
                       .dump(),
                   now);
  });
  if (!done.ok()) return refuse(done);
  ActivateAnswer answer;
  answer.binding = *binding;
  answer.authentication_key_package = std::move(authentication->key_package);
  answer.authentication_certificate = authentication->certificate.record.der;
  return answer;
}

}  // namespace tessera::cms
