// RegistrationService: requests inside a login session, sealed under keys
// from SES with sequence numbers (docs/registration-protocol.md "Session
// records"): the entitlement document (claims 5, 11) and logout. The
// forwarding to applications is in reg_forward.cpp.
#include <nlohmann/json.hpp>

#include "common/registration/records.hpp"
#include "hsm/agreement_key.hpp"
#include "hsm/secret_wrap.hpp"
#include "services/http/problem.hpp"
#include "services/jose/jws.hpp"
#include "services/registration/config_doc.hpp"
#include "services/registration/reg_common.hpp"
#include "services/registration/registration_service.hpp"
#include "services/registration/session_key_cache.hpp"

namespace tessera::registration {
namespace {

Status SessionRequired(const std::string& why) {
  return http::Fault(http::HttpFault::kSessionRequired, why);
}

}  // namespace

// The session `session_id` open and live, its record keys, and the request
// opened and accepted at its sequence number: the record must open (else
// 422, the sequence unchanged), then the compare-and-set takes the number
// (else 409: a replay, or out of order).
Result<RegistrationService::OpenedRecord> RegistrationService::OpenRequest(
    const std::string& session_id, const std::string& method, const std::string& path,
    const SealedRecord& request) {
  Result<Bytes> sid = IdBytes(session_id, "session");
  if (!sid.ok()) return SessionRequired("no session '" + session_id.substr(0, 64) + "'");
  const std::int64_t now = Now();
  std::optional<directory::RegSessionRecord> row;
  std::optional<directory::RegistrationRecord> registration;
  std::optional<directory::RegUserRecord> user;
  TESSERA_RETURN_IF_ERROR(db_->Read([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(row, directory::FindRegSession(tx, session_id));
    if (row && row->registration_id) {
      TESSERA_ASSIGN_OR_RETURN(registration,
                               directory::FindRegistration(tx, *row->registration_id));
      if (registration && registration->user_id) {
        TESSERA_ASSIGN_OR_RETURN(user, directory::FindRegUser(tx, *registration->user_id));
      }
    }
    return Status::Ok();
  }));
  if (!row) return SessionRequired("no session '" + session_id + "'; log in");
  if (row->state != "open") {
    return SessionRequired("session " + session_id + " is " + row->state + "; log in");
  }
  if (row->expires_at <= now || row->last_used_at + options_.session_idle <= now) {
    keys_->Forget(session_id);
    (void)db_->Transact([&](directory::SqlTransaction& tx) -> Status {
      return directory::CloseRegSession(tx, session_id, now);
    });
    return SessionRequired("session " + session_id + " has expired; log in");
  }
  const bool active = registration && registration->state == "active" && user;

  std::shared_ptr<const RecordKeys> keys = keys_->Find(session_id);
  if (!keys) {
    TESSERA_ASSIGN_OR_RETURN(std::shared_ptr<const ServerContext> server, Server());
    TESSERA_ASSIGN_OR_RETURN(ca::HsmPool::Lease lease, pool_.Acquire(server->record.hsm));
    TESSERA_ASSIGN_OR_RETURN(ServerKeys server_keys, FindServerKeys(lease, server->record));
    TESSERA_ASSIGN_OR_RETURN(
        SecureBytes both,
        hsm::GcmOpen(lease.session(), server_keys.kek, SessionKeysAad(*sid), row->keys_wrapped));
    if (both.size() != 2 * kSecretSize) return Status::Corrupt("session keys of the wrong size");
    auto fresh = std::make_shared<RecordKeys>();
    fresh->c2s = SecureBytes(both.view().subspan(0, kSecretSize));
    fresh->s2c = SecureBytes(both.view().subspan(kSecretSize));
    keys_->Put(session_id, fresh);
    keys = std::move(fresh);
  }
  if (request.seq == 0 || request.seq > static_cast<std::uint64_t>(INT64_MAX)) {
    return Status::InvalidArgument("seq is 1 or more");
  }
  Result<SecureBytes> plaintext =
      OpenRecord(keys->c2s.view(), Direction::kClientToServer, request.seq,
                 RequestAad(*sid, request.seq, method, path), request.ct);
  if (!plaintext.ok()) {
    if (plaintext.status().code() != Code::kSignatureInvalid) return plaintext.status();
    return Status::SignatureInvalid(
        "the request record does not open under this session's key at sequence " +
        std::to_string(request.seq) + " for " + method + " " + path);
  }
  bool taken = false;
  TESSERA_RETURN_IF_ERROR(db_->Transact([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(
        taken, directory::AdvanceRegSessionSeq(tx, session_id,
                                               static_cast<std::int64_t>(request.seq), now));
    return Status::Ok();
  }));
  if (!taken) {
    return Status::ConditionsNotSatisfied(
        "request sequence " + std::to_string(request.seq) + " of session " + session_id +
        " is replayed or out of order (the next is " + std::to_string(row->c2s_seq + 1) + ")");
  }
  // After the number is taken, so that every 403 uses one (the client
  // counts on it).
  if (!active) {
    return Status::SecurityStatus("the registration of this session is no longer active");
  }
  OpenedRecord opened;
  opened.session_id = session_id;
  opened.sid = *sid;
  opened.seq = request.seq;
  opened.plaintext = std::move(*plaintext);
  opened.keys = std::move(keys);
  opened.user_id = user->user_id;
  opened.user_id_code = user->user_id_code;
  opened.config_version = user->config_version;
  return opened;
}

Result<SealedRecord> RegistrationService::SealAnswer(const OpenedRecord& opened, int status,
                                                     ByteView plaintext) {
  TESSERA_ASSIGN_OR_RETURN(
      Bytes ct, SealRecord(opened.keys->s2c.view(), Direction::kServerToClient, opened.seq,
                           ResponseAad(opened.sid, opened.seq, static_cast<std::uint16_t>(status)),
                           plaintext));
  return SealedRecord{opened.seq, std::move(ct)};
}

Result<SealedRecord> RegistrationService::Entitlements(const std::string& session_id,
                                                       const std::string& path,
                                                       const SealedRecord& request,
                                                       const Caller& caller) {
  const std::string object = SessionObject(session_id);
  Result<OpenedRecord> opened = OpenRequest(session_id, "POST", path, request);
  if (!opened.ok()) return Refuse("reg.config.issue", object, opened.status(), caller);
  // The client's user information (claim 5): its UIDC must be the session's.
  nlohmann::json body = nlohmann::json::parse(
      std::string(opened->plaintext.view().begin(), opened->plaintext.view().end()), nullptr,
      false);
  if (body.is_discarded() || !body.is_object() || !body.contains("user_id_code") ||
      !body["user_id_code"].is_string()) {
    return Refuse("reg.config.issue", object,
                  Status::InvalidArgument("the sealed request is not {\"user_id_code\": ...}"),
                  caller);
  }
  if (body["user_id_code"].get<std::string>() != opened->user_id_code) {
    return Refuse("reg.config.issue", object,
                  Status::SecurityStatus("the request names another user ID code"), caller);
  }
  TESSERA_ASSIGN_OR_RETURN(std::shared_ptr<const ServerContext> server, Server());
  const std::int64_t now = Now();
  ConfigDocument doc;
  doc.user_id_code = opened->user_id_code;
  doc.issued_at = now;
  doc.expires_at = now + options_.document_lifetime;
  doc.gateway_url = options_.public_url;
  doc.certificate_sha256 = ToHex(server->spki_sha256);
  TESSERA_RETURN_IF_ERROR(db_->Read([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(std::optional<directory::RegUserRecord> user,
                             directory::FindRegUser(tx, opened->user_id));
    doc.version = user ? user->config_version : opened->config_version;
    TESSERA_ASSIGN_OR_RETURN(std::vector<directory::RegEntitlementRecord> granted,
                             directory::EntitlementsOfUser(tx, opened->user_id));
    for (const directory::RegEntitlementRecord& e : granted) {
      TESSERA_ASSIGN_OR_RETURN(std::optional<directory::RegAppRecord> app,
                               directory::FindRegApp(tx, e.app));
      if (!app) continue;
      ConfigApplication entry;
      entry.name = app->name;
      entry.url_path = "/app/" + app->name;
      TESSERA_ASSIGN_OR_RETURN(entry.paths, PathPrefixes(e.paths));
      entry.settings = nlohmann::json::parse(app->settings, nullptr, false);
      doc.applications.push_back(std::move(entry));
    }
    return Status::Ok();
  }));
  std::string jws;
  {
    TESSERA_ASSIGN_OR_RETURN(ca::HsmPool::Lease lease, pool_.Acquire(server->record.hsm));
    TESSERA_ASSIGN_OR_RETURN(ServerKeys keys, FindServerKeys(lease, server->record));
    TESSERA_ASSIGN_OR_RETURN(
        jws, SignConfig(doc, server->spki_sha256, [&](const std::string& input) {
          return hsm::SignEs256(lease.session(), keys.agreement, AsBytes(input));
        }));
  }
  nlohmann::json chain = nlohmann::json::array();
  for (const Bytes& c : server->chain) chain.push_back(jose::Base64UrlEncode(c));
  const std::string answer = nlohmann::json{
      {"document", jws},
      {"certificate", jose::Base64UrlEncode(server->record.certificate)},
      {"chain", chain}}.dump();
  (void)db_->Transact([&](directory::SqlTransaction& tx) -> Status {
    return AuditIn(
        tx, caller, "reg.config.issue", UserObject(opened->user_id),
        nlohmann::json{{"version", doc.version}, {"applications", doc.applications.size()}}.dump(),
        now);
  });
  return SealAnswer(*opened, 200, AsBytes(answer));
}

Status RegistrationService::CloseSession(const std::string& session_id, const std::string& path,
                                         const SealedRecord& request, const Caller& caller) {
  const std::string object = SessionObject(session_id);
  Result<OpenedRecord> opened = OpenRequest(session_id, "DELETE", path, request);
  if (!opened.ok()) return Refuse("reg.session.close", object, opened.status(), caller);
  keys_->Forget(session_id);
  const std::int64_t now = Now();
  return db_->Transact([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_RETURN_IF_ERROR(directory::CloseRegSession(tx, session_id, now));
    return AuditIn(tx, caller, "reg.session.close", object,
                   nlohmann::json{{"user", opened->user_id}}.dump(), now);
  });
}

}  // namespace tessera::registration
