// Channel 2, the user's computer (seed 002; docs/softtoken-api.md "Channel
// 2"): the card's status, the password, the attributes and the comparison
// code; the approval that issues the soft token; the rejection.
#include <openssl/crypto.h>

#include <nlohmann/json.hpp>

#include "services/http/problem.hpp"
#include "services/jose/jws.hpp"
#include "services/softtoken/id_token.hpp"
#include "services/softtoken/otp.hpp"
#include "services/softtoken/st_common.hpp"
#include "services/softtoken/st_issue.hpp"

namespace tessera::softtoken {
namespace {

bool SameBytes(ByteView a, ByteView b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

nlohmann::json AttributesJson(const Attributes& attributes) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, value] : attributes) out[name] = value;
  return out;
}

Result<Attributes> AttributesFromJson(const std::string& text) {
  const nlohmann::json parsed = nlohmann::json::parse(text, nullptr, false);
  if (!parsed.is_object()) return Status::Corrupt("a soft-token request's attributes are not JSON");
  Attributes out;
  for (const auto& [name, value] : parsed.items()) {
    if (!value.is_string()) return Status::Corrupt("a soft-token attribute is not a string");
    out.emplace_back(name, value.get<std::string>());
  }
  return out;
}

Status Gone(const std::string& message) { return http::Fault(http::HttpFault::kGone, message); }

// A request's state as a refusal for a step that needs another one.
Status StateRefusal(const directory::SoftTokenRequestRecord& row, std::int64_t now) {
  if (row.state == "burned") {
    return Gone("the request was burned after too many wrong passwords; ask the device again");
  }
  if (row.state == "refused") return Gone("the request was cancelled");
  if (row.state == "expired" || row.expires_at <= now) {
    return Gone("the request expired; ask the device for a new password");
  }
  if (row.state == "issued")
    return Status::ConditionsNotSatisfied("the soft token was issued already");
  return Status::ConditionsNotSatisfied("the request is " + row.state);
}

}  // namespace

Result<std::string> SoftTokenService::CardSubject(const IdCaller& id) {
  TESSERA_ASSIGN_OR_RETURN(IdToken card, CheckIdToken(*db_, *ca_, id.certificate, Now()));
  return card.subject;
}

Result<MatchAnswer> SoftTokenService::Match(std::string_view typed_otp, const IdCaller& id,
                                            const Caller& caller) {
  std::string object = "softtoken/request";
  auto refuse = [&](const Status& s) { return Refuse("softtoken.match", object, s, caller); };
  const std::int64_t now = Now();
  // The card's status first: a revoked or unbound card is refused before
  // the password is looked at.
  Result<IdToken> card = CheckIdToken(*db_, *ca_, id.certificate, now);
  if (!card.ok()) return refuse(card.status());
  Result<Otp> otp = ParseOtp(typed_otp);
  if (!otp.ok()) return refuse(otp.status());
  TESSERA_ASSIGN_OR_RETURN(Bytes match_nonce, RandomBytes(16));
  TESSERA_ASSIGN_OR_RETURN(Bytes confirmation, RandomBytes(32));

  MatchAnswer answer;
  Status outcome = Status::Ok();  // the refusal decided inside, committed with its counter
  Status done = db_->Transact([&](directory::SqlTransaction& tx) -> Status {
    outcome = Status::Ok();
    TESSERA_ASSIGN_OR_RETURN(std::optional<directory::SoftTokenRequestRecord> row,
                             directory::FindPendingStRequestByHandle(tx, otp->handle));
    if (!row) {
      outcome = Status::NotFound(
          "no pending request has this one-time password: it was used already, it expired, or "
          "it was never given out");
      return Status::Ok();
    }
    object = RequestObject(row->id);
    if (row->expires_at <= now) {
      row->state = "expired";
      row->updated_at = now;
      TESSERA_RETURN_IF_ERROR(directory::UpdateStRequest(tx, *row, "pending"));
      outcome = Gone("the one-time password expired; ask the device for a new one");
      return Status::Ok();
    }
    if (!SameBytes(OtpHash(row->id, otp->secret), row->otp_hash)) {
      TESSERA_ASSIGN_OR_RETURN(std::int64_t left, directory::SpendStRequestTry(tx, row->id, now));
      TESSERA_RETURN_IF_ERROR(
          AuditIn(tx, caller, "softtoken.otp.wrong", object,
                  nlohmann::json{{"tries_left", left}, {"card", card->card_serial}}.dump(), now));
      const int tries = static_cast<int>(left);
      outcome = tries == 0 ? Status::PinIncorrect(0,
                                                  "wrong one-time password; no tries are left "
                                                  "and the request is burned: ask the device "
                                                  "for a new password")
                           : Status::PinIncorrect(
                                 tries, "wrong one-time password; " + std::to_string(tries) +
                                            (tries == 1 ? " try" : " tries") + " left");
      return Status::Ok();
    }
    // Only on a match are the attributes read.
    TESSERA_ASSIGN_OR_RETURN(Attributes attributes, ReadAttributes(tx, *card));
    const std::string comparison =
        ComparisonCode(row->id, row->device_key, card->spki, match_nonce);
    row->state = "matched";
    row->updated_at = now;
    row->id_ca = card->certificate.ca;
    row->id_cert_serial = card->certificate.serial;
    row->user_id = card->user_id;
    row->card_serial = card->card_serial;
    row->attributes = AttributesJson(attributes).dump();
    row->comparison = comparison;
    row->confirm_hash = Sha256(confirmation);
    TESSERA_RETURN_IF_ERROR(directory::UpdateStRequest(tx, *row, "pending"));
    TESSERA_RETURN_IF_ERROR(
        AuditIn(tx, caller, "softtoken.match", object,
                nlohmann::json{{"user", card->user_id}, {"card", card->card_serial}}.dump(), now));
    answer.request_id = row->id;
    answer.comparison = DisplayComparison(comparison);
    answer.attributes = std::move(attributes);
    answer.format = row->format;
    answer.deliver = row->deliver;
    answer.expires_at = row->expires_at;
    return Status::Ok();
  });
  if (!done.ok()) return refuse(done);
  if (!outcome.ok()) return refuse(outcome);
  answer.confirmation = jose::Base64UrlEncode(confirmation);
  return answer;
}

Result<ApproveAnswer> SoftTokenService::Approve(const std::string& request_id,
                                                std::string_view confirmation,
                                                std::string_view comparison, const IdCaller& id,
                                                const Caller& caller) {
  const std::string object = RequestObject(request_id.substr(0, 64));
  auto refuse = [&](const Status& s) { return Refuse("softtoken.issue", object, s, caller); };
  TESSERA_RETURN_IF_ERROR(CheckId(request_id, "soft-token request"));
  const std::int64_t now = Now();
  Result<IdToken> card = CheckIdToken(*db_, *ca_, id.certificate, now);
  if (!card.ok()) return refuse(card.status());
  Result<Bytes> presented = jose::Base64UrlDecode(confirmation);
  if (!presented.ok()) return refuse(Status::InvalidArgument("the confirmation is not base64url"));
  Result<std::shared_ptr<const Issuer>> issuer = CurrentIssuer();
  if (!issuer.ok()) return refuse(issuer.status());

  std::optional<directory::SoftTokenRequestRecord> row;
  TESSERA_RETURN_IF_ERROR(db_->Read([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(row, directory::FindStRequest(tx, request_id));
    return Status::Ok();
  }));
  if (!row) return refuse(Status::NotFound("no soft-token request '" + request_id + "'"));
  if (row->state != "matched" || row->expires_at <= now) return refuse(StateRefusal(*row, now));
  if (row->id_ca != card->certificate.ca || row->id_cert_serial != card->certificate.serial) {
    return refuse(Status::SecurityStatus("another card matched this request"));
  }
  if (!row->confirm_hash || !SameBytes(Sha256(*presented), *row->confirm_hash)) {
    return refuse(Status::SecurityStatus("the confirmation is not this request's"));
  }
  if (!comparison.empty() && NormalizeComparison(comparison) != row->comparison.value_or("")) {
    return refuse(Status::SecurityStatus("the comparison code typed is not this request's"));
  }
  Result<Attributes> attributes = AttributesFromJson(row->attributes.value_or(""));
  if (!attributes.ok()) return refuse(attributes.status());
  Result<ApproveAnswer> issued = IssueFor(**issuer, *row, *attributes, *card, now, caller);
  if (!issued.ok()) return refuse(issued.status());
  if (row->deliver == "device") issued->soft_token.clear();
  return issued;
}

Status SoftTokenService::Reject(const std::string& request_id, std::string_view confirmation,
                                const IdCaller& id, const Caller& caller) {
  const std::string object = RequestObject(request_id.substr(0, 64));
  auto refuse = [&](const Status& s) { return Refuse("softtoken.reject", object, s, caller); };
  TESSERA_RETURN_IF_ERROR(CheckId(request_id, "soft-token request"));
  const std::int64_t now = Now();
  Result<IdToken> card = CheckIdToken(*db_, *ca_, id.certificate, now);
  if (!card.ok()) return refuse(card.status());
  Result<Bytes> presented = jose::Base64UrlDecode(confirmation);
  if (!presented.ok()) return refuse(Status::InvalidArgument("the confirmation is not base64url"));
  Status done = db_->Transact([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(std::optional<directory::SoftTokenRequestRecord> row,
                             directory::FindStRequest(tx, request_id));
    if (!row) return Status::NotFound("no soft-token request '" + request_id + "'");
    if (row->state != "matched" || row->expires_at <= now) return StateRefusal(*row, now);
    if (row->id_ca != card->certificate.ca || row->id_cert_serial != card->certificate.serial ||
        !row->confirm_hash || !SameBytes(Sha256(*presented), *row->confirm_hash)) {
      return Status::SecurityStatus("the confirmation is not this request's");
    }
    row->state = "refused";
    row->updated_at = now;
    TESSERA_RETURN_IF_ERROR(directory::UpdateStRequest(tx, *row, "matched"));
    return AuditIn(tx, caller, "softtoken.reject", object, "{}", now);
  });
  if (!done.ok()) return refuse(done);
  return Status::Ok();
}

Result<ApproveAnswer> SoftTokenService::Fetch(const std::string& token_id, const IdCaller& id) {
  TESSERA_RETURN_IF_ERROR(CheckId(token_id, "soft token"));
  TESSERA_ASSIGN_OR_RETURN(IdToken card, CheckIdToken(*db_, *ca_, id.certificate, Now()));
  std::optional<directory::SoftTokenRecord> token;
  std::optional<directory::SoftTokenRequestRecord> row;
  TESSERA_RETURN_IF_ERROR(db_->Read([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(token, directory::FindStToken(tx, token_id));
    if (token && token->request_id) {
      TESSERA_ASSIGN_OR_RETURN(row, directory::FindStRequest(tx, *token->request_id));
    }
    return Status::Ok();
  }));
  if (!token || token->source_ca != card.certificate.ca ||
      token->source_serial != card.certificate.serial) {
    return Status::NotFound("no soft token '" + token_id + "' for this card");
  }
  if (token->revoked_at) return Gone("the soft token was revoked");
  if (row && row->deliver == "device") {
    return Gone("the soft token was delivered to the device only, as the request asked");
  }
  if (!token->content || !row) {
    return Gone("the soft token is no longer kept here: its request expired");
  }
  ApproveAnswer answer;
  answer.request_id = row->id;
  answer.token_id = token->id;
  answer.format = token->format;
  answer.soft_token = *token->content;
  answer.status_uri = StatusListUri(PublicUrl(), token->status_list);
  answer.status_index = static_cast<std::int64_t>(token->status_index);
  answer.expires_at = token->expires_at;
  return answer;
}

}  // namespace tessera::softtoken
