// E-form v1 -> v2 (seed 000 claims 2 and 4; docs/cms-api.md "E-forms"):
// the officer's signed request is checked (signature, officer, certificate,
// nonce, time) and answered with v2, filled from the directory, with the
// hash of v1 inside.
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "common/crypto/hash.hpp"
#include "services/cms/cms_common.hpp"
#include "services/cms/cms_service.hpp"
#include "services/cms/eform.hpp"
#include "services/jose/jws.hpp"

namespace tessera::cms {

Result<NonceAnswer> CmsService::IssueNonce(const Caller& caller) {
  const std::int64_t now = ca_->Now();
  if (caller.client_certificate.empty()) {
    return Refuse("cms.nonce", "cms/nonces",
                  Status::SecurityStatus("a nonce is for an officer: present the officer "
                                         "certificate as TLS client certificate"),
                  caller);
  }
  TESSERA_ASSIGN_OR_RETURN(ossl::X509Ptr certificate,
                           ParseCertificateDer(caller.client_certificate));
  const Bytes serial = SerialOf(certificate.get());
  std::optional<directory::OfficerRecord> holder;
  TESSERA_RETURN_IF_ERROR(db_->Read([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(holder, directory::FindOfficerByCertificate(tx, options_.ca, serial));
    return Status::Ok();
  }));
  if (!holder) {
    return Refuse("cms.nonce", "cms/nonces",
                  Status::SecurityStatus("the client certificate is not an officer's"), caller);
  }
  // The checks the E-forms get: active, a signing role, the certificate
  // unrevoked, valid and the one presented.
  ossl::PkeyPtr unused_key;
  Result<directory::OfficerRecord> checked = CheckOfficer(holder->id, caller, &unused_key);
  if (!checked.ok()) return Refuse("cms.nonce", "cms/nonces", checked.status(), caller);
  NonceAnswer answer;
  TESSERA_ASSIGN_OR_RETURN(answer.nonce, RandomBytes(32));
  answer.expires_at = now + options_.nonce_lifetime;
  Status status = db_->Transact([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(std::optional<directory::OfficerRecord> officer,
                             directory::FindOfficerByCertificate(tx, options_.ca, serial));
    if (!officer || officer->state != "active" ||
        officer->certificate != caller.client_certificate) {
      return Status::SecurityStatus("the client certificate is not an active officer's");
    }
    TESSERA_RETURN_IF_ERROR(directory::InsertNonce(
        tx, directory::NonceRecord{answer.nonce, officer->id, now, answer.expires_at, {}}));
    // Old nonces go as new ones come; no timer needed.
    return directory::PurgeNonces(tx, now - options_.nonce_lifetime).status();
  });
  if (!status.ok()) return Refuse("cms.nonce", "cms/nonces", status, caller);
  return answer;
}

Result<V2Answer> CmsService::SubmitV1(const std::string& v1_jws, const Caller& caller) {
  const std::int64_t now = ca_->Now();
  EformV1 form;
  std::string object = "cms/eform";
  auto refuse = [&](const Status& error) { return Refuse("cms.eform.v1", object, error, caller); };

  Result<jose::JwsParts> parts = jose::ParseCompact(v1_jws);
  if (!parts.ok()) return refuse(parts.status());
  if (parts->typ != kEformV1Type) {
    return refuse(
        Status::InvalidArgument("E-form v1 has typ '" + parts->typ + "', not " + kEformV1Type));
  }
  Result<EformV1> decoded = DecodeV1(parts->payload);
  if (!decoded.ok()) return refuse(decoded.status());
  form = *decoded;
  object = UserObject(form.user_id);
  if (!parts->kid || *parts->kid != form.officer) {
    return refuse(Status::InvalidArgument("the JWS kid must name the officer of the E-form"));
  }
  ossl::PkeyPtr key;
  Result<directory::OfficerRecord> officer = CheckOfficer(form.officer, caller, &key);
  if (!officer.ok()) return refuse(officer.status());
  Result<jose::JwsParts> verified = jose::VerifyCompact(v1_jws, *key);
  if (!verified.ok()) return refuse(verified.status());
  if (std::llabs(form.time - now) > options_.clock_skew) {
    return refuse(Status::ConditionsNotSatisfied("E-form v1 time is " + std::to_string(form.time) +
                                                 ", the CMS's is " + std::to_string(now)));
  }

  TESSERA_ASSIGN_OR_RETURN(
      const Bytes v1_hash,
      crypto::DigestOnce(
          crypto::Hash::kSha256,
          ByteView(reinterpret_cast<const std::uint8_t*>(v1_jws.data()), v1_jws.size())));
  V2Answer answer;
  Status status = db_->Transact([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(std::optional<directory::NonceRecord> nonce,
                             directory::FindNonce(tx, form.nonce));
    if (!nonce)
      return Status::ConditionsNotSatisfied("the E-form's nonce was not issued by this CMS");
    if (nonce->officer_id != form.officer) {
      return Status::ConditionsNotSatisfied("the E-form's nonce was issued to another officer");
    }
    TESSERA_RETURN_IF_ERROR(directory::ConsumeNonce(tx, form.nonce, now));
    TESSERA_ASSIGN_OR_RETURN(std::optional<directory::UserRecord> user,
                             directory::FindUser(tx, form.user_id));
    if (!user) return Status::NotFound("user '" + form.user_id + "' is not in the directory");
    TESSERA_ASSIGN_OR_RETURN(std::optional<directory::CmsTokenRecord> token,
                             directory::FindCmsToken(tx, form.token_serial));
    if (!token) {
      return Status::NotFound("token " + std::to_string(form.token_serial) +
                              " is not in the inventory");
    }
    if (token->state != "inventory") {
      return Status::ConditionsNotSatisfied("token " + std::to_string(form.token_serial) + " is " +
                                            token->state + ", not in the inventory");
    }
    TESSERA_ASSIGN_OR_RETURN(answer.request_id, NewRequestId());
    EformV2 v2;
    v2.request_id = answer.request_id;
    v2.v1_sha256 = v1_hash;
    v2.user =
        EformUser{user->id, user->display_name, user->organization, user->email, user->document};
    v2.token_serial = token->serial;
    TESSERA_ASSIGN_OR_RETURN(v2.token_key_sha256,
                             crypto::DigestOnce(crypto::Hash::kSha256, token->token_key));
    v2.officer = form.officer;
    v2.reviewed = form.reviewed;
    v2.issued_at = now;
    v2.expires_at = now + options_.v2_lifetime;
    TESSERA_ASSIGN_OR_RETURN(answer.v2, EncodeV2(v2));
    answer.expires_at = v2.expires_at;
    directory::CmsRequestRecord request;
    request.id = answer.request_id;
    request.user_id = user->id;
    request.token_serial = token->serial;
    request.officer_id = form.officer;
    request.state = "v2-sent";
    request.eform_v1 = Bytes(v1_jws.begin(), v1_jws.end());
    request.eform_v2 = Bytes(answer.v2.begin(), answer.v2.end());
    request.created_at = now;
    request.updated_at = now;
    TESSERA_RETURN_IF_ERROR(directory::InsertCmsRequest(tx, request));
    const std::string details = nlohmann::json{{"request", answer.request_id},
                                               {"token", form.token_serial},
                                               {"officer", form.officer},
                                               {"document_type", form.reviewed.document_type}}
                                    .dump();
    TESSERA_RETURN_IF_ERROR(AuditIn(tx, caller, "cms.eform.v1", object, details, now));
    return AuditIn(tx, caller, "cms.eform.v2", object, details, now);
  });
  if (!status.ok()) return refuse(status);
  return answer;
}

}  // namespace tessera::cms
