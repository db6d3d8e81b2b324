// Issuing the soft token of a matched request (seed 002; docs/softtoken-
// format.md): the SD-JWT VC signed by the issuer key in the HSM, or the
// X.509 certificate from the CA, stored with its status-list index and the
// request marked issued in one transaction.
#include "services/softtoken/st_issue.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "hsm/agreement_key.hpp"
#include "services/directory/stores/softtoken_store.hpp"
#include "services/jose/jwt.hpp"
#include "services/jose/sd_jwt.hpp"
#include "services/softtoken/id_token.hpp"

namespace tessera::softtoken {
namespace {

std::string Attribute(const Attributes& attributes, const char* name) {
  for (const auto& [n, v] : attributes) {
    if (n == name) return v;
  }
  return {};
}

std::string Pem(ByteView der) {
  const std::string b64 = jose::Base64Encode(der);
  std::string out = "-----BEGIN CERTIFICATE-----\n";
  for (std::size_t i = 0; i < b64.size(); i += 64) out += b64.substr(i, 64) + "\n";
  return out + "-----END CERTIFICATE-----\n";
}

}  // namespace

Result<std::string> SignSdJwtVc(ca::HsmPool::Lease& lease, const SoftTokenService::Issuer& issuer,
                                const IssueInput& input) {
  jose::SdJwtClaims plain;
  plain.iss = input.issuer_url;
  plain.iat = input.issued_at;
  plain.exp = input.expires_at;
  plain.vct = std::string(jose::kSoftTokenVct);
  plain.cnf_spki = input.device_spki;
  plain.status =
      jose::StatusReference{static_cast<std::uint64_t>(input.status_index), input.status_uri};
  jose::Disclosable disclosable;
  for (const auto& [name, value] : input.attributes) {
    if (name == "card_serial") {
      disclosable.emplace_back(name, nlohmann::json(std::stoull(value)));
    } else {
      disclosable.emplace_back(name, nlohmann::json(value));
    }
  }
  std::vector<Bytes> x5c{issuer.certificate};
  x5c.insert(x5c.end(), issuer.chain.begin(), issuer.chain.end());
  TESSERA_ASSIGN_OR_RETURN(
      hsm::SigningKey key,
      hsm::FindSigningKey(lease.session(), IssuerKeyLabel(issuer.record.name)));
  return jose::IssueSdJwt(
      plain, disclosable, x5c,
      [&](const std::string& signing_input) {
        return hsm::SignEs256(lease.session(), key, AsBytes(signing_input));
      },
      [](std::size_t n) { return RandomBytes(n); });
}

Result<ApproveAnswer> SoftTokenService::IssueFor(const Issuer& issuer,
                                                 const directory::SoftTokenRequestRecord& row,
                                                 const Attributes& attributes, const IdToken& card,
                                                 std::int64_t now, const Caller& caller) {
  const std::string list = StatusListName(issuer.record.name);
  const std::int64_t expires_at =
      std::min(now + options_.token_lifetime, card.certificate.not_after);
  TESSERA_ASSIGN_OR_RETURN(std::string token_id, NewId());

  // The X.509 form: a certificate for the device key from the issuer's CA,
  // prepared before the transaction, stored inside it.
  std::optional<ca::PreparedCertificate> certificate;
  if (row.format == "x509") {
    ca::KeyIssueRequest issue;
    issue.ca = issuer.record.ca;
    issue.profile = "softtoken-device";
    issue.public_key = row.device_key;
    issue.subject = {{"CN", Attribute(attributes, "name")}};
    if (const std::string o = Attribute(attributes, "organization"); !o.empty()) {
      issue.subject.emplace_back("O", o);
    }
    issue.subject.emplace_back("UID", card.user_id);
    if (const std::string e = Attribute(attributes, "email"); !e.empty()) issue.email = e;
    issue.user_id = card.user_id;
    issue.not_after = expires_at;
    TESSERA_ASSIGN_OR_RETURN(certificate,
                             ca_->PrepareForKey(issue, ca::Actor{caller.name, caller.request_id}));
  }
  TESSERA_ASSIGN_OR_RETURN(ca::HsmPool::Lease lease, pool_.Acquire(issuer.record.hsm));

  ApproveAnswer answer;
  Status done = db_->Transact([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(std::optional<directory::SoftTokenRequestRecord> current,
                             directory::FindStRequest(tx, row.id));
    if (!current || current->state != "matched") {
      return Status::ConditionsNotSatisfied("the request was issued or closed meanwhile");
    }
    TESSERA_ASSIGN_OR_RETURN(std::uint32_t index, directory::NextStatusIndex(tx, list));
    directory::SoftTokenRecord token;
    token.id = token_id;
    token.request_id = row.id;
    token.issuer = issuer.record.name;
    token.format = row.format;
    token.status_list = list;
    token.status_index = index;
    token.user_id = card.user_id;
    token.card_serial = card.card_serial;
    token.source_ca = card.certificate.ca;
    token.source_serial = card.certificate.serial;
    token.device_key_sha256 = Sha256(row.device_key);
    token.issued_at = now;
    token.expires_at = expires_at;
    if (certificate) {
      TESSERA_RETURN_IF_ERROR(ca_->StoreIssued(tx, *certificate, now));
      token.cert_ca = certificate->record.ca;
      token.cert_serial = certificate->record.serial;
      std::string pem = Pem(certificate->record.der);
      for (const Bytes& c : issuer.chain) pem += Pem(c);
      token.content = pem;
    } else {
      IssueInput input;
      input.attributes = attributes;
      input.device_spki = row.device_key;
      input.issuer_url = PublicUrl() + "/softtoken";
      input.status_uri = StatusListUri(PublicUrl(), list);
      input.status_index = index;
      input.issued_at = now;
      input.expires_at = expires_at;
      TESSERA_ASSIGN_OR_RETURN(std::string sd_jwt, SignSdJwtVc(lease, issuer, input));
      token.content = sd_jwt;
    }
    TESSERA_RETURN_IF_ERROR(directory::InsertStToken(tx, token));
    current->state = "issued";
    current->token_id = token_id;
    current->updated_at = now;
    current->delivered_computer = row.deliver != "device";
    TESSERA_RETURN_IF_ERROR(directory::UpdateStRequest(tx, *current, "matched"));
    TESSERA_RETURN_IF_ERROR(AuditIn(tx, caller, "softtoken.issue", RequestObject(row.id),
                                    nlohmann::json{{"token", token_id},
                                                   {"format", row.format},
                                                   {"user", card.user_id},
                                                   {"card", card.card_serial},
                                                   {"status_index", index},
                                                   {"expires_at", expires_at}}
                                        .dump(),
                                    now));
    answer.request_id = row.id;
    answer.token_id = token_id;
    answer.format = row.format;
    answer.soft_token = *token.content;
    answer.status_uri = StatusListUri(PublicUrl(), list);
    answer.status_index = index;
    answer.expires_at = expires_at;
    return Status::Ok();
  });
  if (!done.ok()) return done;
  // The cached status list does not know the new index yet.
  std::lock_guard<std::mutex> lock(mutex_);
  lists_.erase(list);
  return answer;
}

}  // namespace tessera::softtoken
