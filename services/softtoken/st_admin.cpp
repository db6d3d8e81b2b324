// SoftTokenService: construction, refusals, the issuer's key and context,
// and maintenance (softtoken_service.hpp).
#include <nlohmann/json.hpp>

#include "hsm/key_object.hpp"
#include "services/directory/stores/ca_store.hpp"
#include "services/softtoken/st_common.hpp"

namespace tessera::softtoken {
namespace {

// Who the audit log names for what maintenance changes.
Caller Maintenance() { return Caller{"tesserad:softtoken", ""}; }

}  // namespace

SoftTokenService::SoftTokenService(std::shared_ptr<directory::Database> db,
                                   std::shared_ptr<ca::CaService> ca, ca::HsmOpener opener,
                                   SoftTokenOptions options)
    : db_(std::move(db)),
      ca_(std::move(ca)),
      pool_(std::move(opener), 4),
      options_(std::move(options)) {}

SoftTokenService::~SoftTokenService() = default;

std::string SoftTokenService::PublicUrl() const {
  if (!options_.public_url.empty() || !options_.public_url_source) return options_.public_url;
  return options_.public_url_source();
}

Status SoftTokenService::Refuse(const std::string& action, const std::string& object,
                                const Status& error, const Caller& caller) {
  const std::int64_t now = Now();
  const std::string details = nlohmann::json{
      {"error", std::string(CodeName(error.code()))},
      {"detail", error.message()}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  // Recorded if the directory takes it; the caller gets the error either way.
  (void)db_->Transact([&](directory::SqlTransaction& tx) -> Status {
    return AuditIn(tx, caller, action + ".refused", object, details, now);
  });
  return error;
}

// The st_issuers row named in the options with its certificate and chain;
// read once and kept (a new `softtoken init` needs a restart).
Result<std::shared_ptr<const SoftTokenService::Issuer>> SoftTokenService::CurrentIssuer() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (issuer_) return issuer_;
  }
  std::optional<directory::SoftTokenIssuerRecord> record;
  std::optional<directory::CertificateRecord> certificate;
  TESSERA_RETURN_IF_ERROR(db_->Read([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(record, directory::FindStIssuer(tx, options_.issuer));
    if (record) {
      TESSERA_ASSIGN_OR_RETURN(certificate,
                               directory::FindCertificate(tx, record->ca, record->cert_serial));
    }
    return Status::Ok();
  }));
  if (!record || !certificate) {
    return Status::Unavailable(
        "the soft-token issuer '" + options_.issuer +
        "' is not initialized (tessera softtoken init --hsm NAME --ca NAME)");
  }
  auto issuer = std::make_shared<Issuer>();
  issuer->record = std::move(*record);
  issuer->certificate = certificate->der;
  TESSERA_ASSIGN_OR_RETURN(issuer->chain, ca_->Chain(issuer->record.ca));
  std::lock_guard<std::mutex> lock(mutex_);
  if (!issuer_) issuer_ = std::move(issuer);
  return issuer_;
}

Result<InitAnswer> SoftTokenService::Init(const InitRequest& request, const Caller& caller) {
  const std::string object = "softtoken/issuer/" + request.name;
  auto refuse = [&](const Status& s) { return Refuse("softtoken.init", object, s, caller); };
  const bool name_ok = !request.name.empty() && request.name.size() <= 64 &&
                       request.name.find_first_not_of(
                           "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
                           "qrstuvwxyz0123456789._-") == std::string::npos;
  if (!name_ok)
    return refuse(Status::InvalidArgument("an issuer name is 1 to 64 of A-Z a-z 0-9 . _ -"));
  Result<ca::HsmPool::Lease> lease = pool_.Acquire(request.hsm);
  if (!lease.ok()) return refuse(lease.status());
  hsm::HsmSession& session = lease->session();
  const std::string label = IssuerKeyLabel(request.name);
  // Until the directory row commits, the key is destroyed again if a later
  // step fails (KeyObject), so a failed init leaves no key behind.
  Result<hsm::SigningKey> key = hsm::GenerateSigningKey(session, hsm::SigningKeyType::kP256, label);
  if (!key.ok()) return refuse(key.status());
  hsm::KeyObject private_key(session, key->private_key, "soft-token issuer key " + label);
  hsm::KeyObject public_key(session, key->public_key, "soft-token issuer public key");
  Result<Bytes> spki = hsm::SigningPublicKeyInfo(session, *key);
  if (!spki.ok()) return refuse(spki.status());
  ca::KeyIssueRequest issue;
  issue.ca = request.ca;
  issue.profile = "softtoken-issuer";
  issue.public_key = *spki;
  issue.subject = {{"CN", request.subject_cn.empty() ? "Tessera soft-token issuer " + request.name
                                                     : request.subject_cn}};
  Result<ca::PreparedCertificate> prepared =
      ca_->PrepareForKey(issue, ca::Actor{caller.name, caller.request_id});
  if (!prepared.ok()) return refuse(prepared.status());
  const std::int64_t now = Now();
  directory::SoftTokenIssuerRecord record;
  record.name = request.name;
  record.hsm = request.hsm;
  record.hsm_key_id = Sha256(*spki);  // the key is found by its label (IssuerKeyLabel)
  record.ca = request.ca;
  record.cert_serial = prepared->record.serial;
  record.created_at = now;
  Status stored = db_->Transact([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_RETURN_IF_ERROR(ca_->StoreIssued(tx, *prepared, now));
    TESSERA_RETURN_IF_ERROR(directory::InsertStIssuer(tx, record));
    return AuditIn(tx, caller, "softtoken.init", object,
                   nlohmann::json{{"hsm", record.hsm},
                                  {"ca", record.ca},
                                  {"key", label},
                                  {"certificate_serial", ToHex(record.cert_serial)}}
                       .dump(),
                   now);
  });
  if (!stored.ok()) return refuse(stored);
  (void)std::move(private_key).Keep();
  (void)std::move(public_key).Keep();
  InitAnswer answer{request.name, prepared->record.der, {}};
  TESSERA_ASSIGN_OR_RETURN(answer.chain, ca_->Chain(request.ca));
  return answer;
}

Result<std::vector<Bytes>> SoftTokenService::IssuerCertificates() {
  TESSERA_ASSIGN_OR_RETURN(std::shared_ptr<const Issuer> issuer, CurrentIssuer());
  std::vector<Bytes> out{issuer->certificate};
  out.insert(out.end(), issuer->chain.begin(), issuer->chain.end());
  return out;
}

Result<MaintenanceReport> SoftTokenService::Maintain() {
  const std::int64_t now = Now();
  MaintenanceReport report;
  TESSERA_RETURN_IF_ERROR(db_->Transact([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(report.requests_expired, directory::ExpireStRequests(tx, now));
    TESSERA_ASSIGN_OR_RETURN(report.nonces_purged, directory::PurgeStNonces(tx, now));
    if (report.requests_expired == 0) return Status::Ok();
    return AuditIn(tx, Maintenance(), "softtoken.expire", "softtoken/request",
                   nlohmann::json{{"requests_deleted", report.requests_expired}}.dump(), now);
  }));
  // The X.509 form's status is the CA's CRL: a soft certificate whose card
  // was revoked or unbound is revoked at the CA (cessationOfOperation).
  std::vector<directory::SoftTokenRecord> stale;
  TESSERA_RETURN_IF_ERROR(db_->Read([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(stale, directory::StX509TokensToRevoke(tx, now));
    return Status::Ok();
  }));
  for (const directory::SoftTokenRecord& token : stale) {
    if (!token.cert_ca || !token.cert_serial) continue;
    ca::RevokeRequest revoke;
    revoke.ca = *token.cert_ca;
    revoke.serial = *token.cert_serial;
    revoke.reason = 5;  // cessationOfOperation (RFC 5280 §5.3.1)
    Result<directory::RevocationRecord> done =
        ca_->Revoke(revoke, ca::Actor{Maintenance().name, ""});
    if (!done.ok() && done.status().code() != Code::kAlreadyExists) return done.status();
    Status recorded = db_->Transact([&](directory::SqlTransaction& tx) -> Status {
      TESSERA_RETURN_IF_ERROR(directory::RevokeStToken(tx, token.id, now));
      return AuditIn(tx, Maintenance(), "softtoken.revoke", TokenObject(token.id),
                     nlohmann::json{{"card", token.card_serial},
                                    {"certificate_serial", ToHex(*token.cert_serial)}}
                         .dump(),
                     now);
    });
    if (!recorded.ok()) return recorded;
    ++report.certificates_revoked;
  }
  return report;
}

}  // namespace tessera::softtoken
