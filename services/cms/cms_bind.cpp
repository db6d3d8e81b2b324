// Binding (seed 000 claims 3, 5, 6; docs/cms-api.md "Binding"): the
// countersigned v2 is checked to be the CMS's own v2; the user's key is made
// in the HSM, certified by the CA and wrapped to the token's F0; then one
// transaction revokes the user's other tokens (superseded), records the
// binding and stores the certificate, so two officers binding one user at
// once cannot both win (the schema's unique index decides the race).
#include <nlohmann/json.hpp>

#include "services/ca/revocation_reason.hpp"
#include "services/cms/cms_common.hpp"
#include "services/cms/cms_service.hpp"
#include "services/cms/eform.hpp"
#include "services/cms/key_delivery.hpp"
#include "services/jose/jws.hpp"

namespace tessera::cms {
namespace {

constexpr int kSuperseded = 4;  // RFC 5280 §5.3.1 CRLReason superseded

}  // namespace

Result<BindAnswer> CmsService::Bind(const std::string& request_id, const std::string& v2_jws,
                                    const Caller& caller) {
  const std::int64_t now = ca_->Now();
  std::string object = "cms/request/" + request_id;
  auto refuse = [&](const Status& error) { return Refuse("cms.bind", object, error, caller); };

  std::optional<directory::CmsRequestRecord> request;
  TESSERA_RETURN_IF_ERROR(db_->Read([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(request, directory::FindCmsRequest(tx, request_id));
    return Status::Ok();
  }));
  if (!request) return refuse(Status::NotFound("no E-form request '" + request_id + "'"));
  object = UserObject(request->user_id);
  if (request->state != "v2-sent") {
    return refuse(Status::ConditionsNotSatisfied("request " + request_id + " is " + request->state +
                                                 " already"));
  }
  Result<jose::JwsParts> parts = jose::ParseCompact(v2_jws);
  if (!parts.ok()) return refuse(parts.status());
  if (parts->typ != kEformV2Type) {
    return refuse(Status::InvalidArgument("the countersigned E-form has typ '" + parts->typ +
                                          "', not " + kEformV2Type));
  }
  if (!parts->kid || *parts->kid != request->officer_id) {
    return refuse(Status::SecurityStatus("v2 must be countersigned by the officer who sent v1 ('" +
                                         request->officer_id + "')"));
  }
  ossl::PkeyPtr officer_key;
  Result<directory::OfficerRecord> officer =
      CheckOfficer(request->officer_id, caller, &officer_key);
  if (!officer.ok()) return refuse(officer.status());
  Result<jose::JwsParts> verified = jose::VerifyCompact(v2_jws, *officer_key);
  if (!verified.ok()) return refuse(verified.status());
  if (Bytes(verified->payload.begin(), verified->payload.end()) != request->eform_v2) {
    return refuse(Status::ConditionsNotSatisfied(
        "the countersigned v2 is not the v2 this CMS sent for request " + request_id));
  }
  Result<EformV2> v2 = DecodeV2(verified->payload);
  if (!v2.ok()) return refuse(v2.status());
  if (now > v2->expires_at) {
    return refuse(Status::ConditionsNotSatisfied("E-form v2 of request " + request_id +
                                                 " expired; start again with a new v1"));
  }

  // The key, its certificate and its delivery, before the transaction: HSM
  // work the transaction need not hold locks for. If the transaction fails,
  // the certificate is never stored and the key (a session object) is gone.
  std::optional<directory::CmsTokenRecord> token;
  TESSERA_RETURN_IF_ERROR(db_->Read([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(token, directory::FindCmsToken(tx, request->token_serial));
    return Status::Ok();
  }));
  if (!token) return refuse(Status::NotFound("the request's token is no longer in the inventory"));
  Result<KeyDelivery> delivery = [&]() -> Result<KeyDelivery> {
    TESSERA_ASSIGN_OR_RETURN(ca::HsmPool::Lease lease, pool_.Acquire(options_.hsm));
    KeyDeliveryRequest key;
    key.slot = kSlot9C;
    key.token_key = token->token_key;
    key.token_serial = request->token_serial;
    TESSERA_ASSIGN_OR_RETURN(key.context, FromHex(request_id));
    key.issue = UserKeyIssue(options_.ca, "user-signature", v2->user, request->token_serial);
    return MakeKeyDelivery(lease, *ca_, ca::Actor{caller.name, caller.request_id}, std::move(key));
  }();
  if (!delivery.ok()) return refuse(delivery.status());

  BindAnswer answer;
  std::vector<ca::RevokeRequest> revoked;
  Status bound = db_->Transact([&](directory::SqlTransaction& tx) -> Status {
    revoked.clear();
    answer.superseded_tokens.clear();
    TESSERA_ASSIGN_OR_RETURN(std::optional<directory::CmsRequestRecord> current,
                             directory::FindCmsRequest(tx, request_id));
    if (!current || current->state != "v2-sent") {
      return Status::ConditionsNotSatisfied("request " + request_id + " was bound meanwhile");
    }
    TESSERA_ASSIGN_OR_RETURN(std::optional<directory::CmsTokenRecord> now_token,
                             directory::FindCmsToken(tx, request->token_serial));
    if (!now_token || now_token->state != "inventory") {
      return Status::ConditionsNotSatisfied(
          "token " + std::to_string(request->token_serial) + " is " +
          (now_token ? now_token->state : std::string("gone")) + ", not in the inventory");
    }
    // Claim 3: the user's other tokens, with every certificate on them.
    // A binding made after this request's v2 was filled is another
    // officer's concurrent binding, not a redundant token the officer saw:
    // refused, so two officers binding one user at once end with one
    // binding (docs/cms-api.md "Binding").
    TESSERA_ASSIGN_OR_RETURN(std::vector<directory::BindingRecord> live,
                             directory::LiveBindingsOfUser(tx, request->user_id));
    for (const directory::BindingRecord& old : live) {
      if (old.created_at >= current->created_at) {
        return Status::AlreadyExists("user '" + request->user_id + "' was bound to token " +
                                     std::to_string(old.token_serial) +
                                     " by another officer (request " + old.id +
                                     ") after this E-form was filled; start again");
      }
    }
    for (const directory::BindingRecord& old : live) {
      TokenRevocation revocation;
      TESSERA_RETURN_IF_ERROR(
          RevokeTokenIn(tx, *ca_, caller, old.token_serial, kSuperseded, now, &revocation));
      revoked.insert(revoked.end(), revocation.certificates.begin(), revocation.certificates.end());
      answer.superseded_tokens.push_back(old.token_serial);
      TESSERA_RETURN_IF_ERROR(
          AuditIn(tx, caller, "cms.token.supersede", TokenObject(old.token_serial),
                  nlohmann::json{{"by", request->token_serial},
                                 {"request", request_id},
                                 {"certificates", revocation.certificates.size()}}
                      .dump(),
                  now));
    }
    directory::BindingRecord binding;
    binding.id = request_id;
    binding.user_id = request->user_id;
    binding.token_serial = request->token_serial;
    binding.state = "pending";
    binding.ca = delivery->certificate.record.ca;
    binding.cert_serial = delivery->certificate.record.serial;
    binding.created_at = now;
    binding.updated_at = now;
    Status inserted = directory::InsertBinding(tx, binding);
    if (inserted.code() == Code::kAlreadyExists) {
      return Status::AlreadyExists("user '" + request->user_id +
                                   "' was bound by another officer at the same time; this "
                                   "binding is refused");
    }
    TESSERA_RETURN_IF_ERROR(inserted);
    TESSERA_RETURN_IF_ERROR(ca_->StoreIssued(tx, delivery->certificate, now));
    current->state = "bound";
    current->eform_v2_signed = Bytes(v2_jws.begin(), v2_jws.end());
    current->ca = binding.ca;
    current->cert_serial = binding.cert_serial;
    current->updated_at = now;
    TESSERA_RETURN_IF_ERROR(directory::UpdateCmsRequest(tx, *current));
    now_token->state = "bound";
    now_token->user_id = request->user_id;
    now_token->updated_at = now;
    TESSERA_RETURN_IF_ERROR(directory::UpdateCmsToken(tx, *now_token));
    TESSERA_RETURN_IF_ERROR(AuditIn(tx, caller, "cms.eform.v2-signed", object,
                                    nlohmann::json{{"request", request_id}}.dump(), now));
    answer.binding = binding;
    return AuditIn(tx, caller, "cms.bind", object,
                   nlohmann::json{{"request", request_id},
                                  {"token", request->token_serial},
                                  {"certificate", ToHex(binding.cert_serial)},
                                  {"superseded", answer.superseded_tokens}}
                       .dump(),
                   now);
  });
  if (!bound.ok()) return refuse(bound);
  ca_->ForgetRevoked(revoked);
  answer.key_package = delivery->key_package;
  answer.certificate = delivery->certificate.record.der;
  TESSERA_ASSIGN_OR_RETURN(answer.chain, ca_->Chain(options_.ca));
  return answer;
}

}  // namespace tessera::cms
