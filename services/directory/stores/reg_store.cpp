// The registration store (reg_store.hpp): servers, codes and registrations.
// Registered users, applications and entitlements are in
// reg_store_users.cpp, login sessions in reg_store_sessions.cpp.
#include "services/directory/stores/reg_store.hpp"

#include <string_view>
#include <utility>

#include "services/directory/stores/row_values.hpp"

namespace tessera::directory {
namespace {

using row_values::DecodeFirst;
using row_values::Optional;
using row_values::OptionalBlob;
using row_values::OptionalInt;
using row_values::OptionalSerial32;
using row_values::OptionalText;

constexpr std::string_view kServerSelect =
    "SELECT name, hsm, key_label, kek_label, uidc_label, ca, cert_serial, certificate, "
    "created_at FROM reg_servers ";
constexpr std::string_view kCodeSelect =
    "SELECT code_hash, user_id, issued_by, issued_at, expires_at, used_at, registration_id "
    "FROM reg_codes ";
constexpr std::string_view kRegistrationSelect =
    "SELECT id, server, server_hello, server_nonce, state, user_id, credential, code_hash, "
    "token_serial, transcript_hash, confirm_hash, k_wrapped, created_at, expires_at, "
    "updated_at, confirmed_at FROM reg_registrations ";

std::string RegistrationText(const std::string& id) { return "registration " + id; }

Result<RegServerRecord> DecodeServer(const SqlRow& row) {
  RegServerRecord server;
  TESSERA_ASSIGN_OR_RETURN(server.name, row.Text(0));
  TESSERA_ASSIGN_OR_RETURN(server.hsm, row.Text(1));
  TESSERA_ASSIGN_OR_RETURN(server.key_label, row.Text(2));
  TESSERA_ASSIGN_OR_RETURN(server.kek_label, row.Text(3));
  TESSERA_ASSIGN_OR_RETURN(server.uidc_label, row.Text(4));
  TESSERA_ASSIGN_OR_RETURN(server.ca, row.Text(5));
  TESSERA_ASSIGN_OR_RETURN(server.cert_serial, row.Blob(6));
  TESSERA_ASSIGN_OR_RETURN(server.certificate, row.Blob(7));
  TESSERA_ASSIGN_OR_RETURN(server.created_at, row.Int(8));
  return server;
}

Result<RegCodeRecord> DecodeCode(const SqlRow& row) {
  RegCodeRecord code;
  TESSERA_ASSIGN_OR_RETURN(code.code_hash, row.Blob(0));
  TESSERA_ASSIGN_OR_RETURN(code.user_id, row.Text(1));
  TESSERA_ASSIGN_OR_RETURN(code.issued_by, row.Text(2));
  TESSERA_ASSIGN_OR_RETURN(code.issued_at, row.Int(3));
  TESSERA_ASSIGN_OR_RETURN(code.expires_at, row.Int(4));
  TESSERA_ASSIGN_OR_RETURN(code.used_at, OptionalInt(row, 5));
  TESSERA_ASSIGN_OR_RETURN(code.registration_id, OptionalText(row, 6));
  return code;
}

Result<RegistrationRecord> DecodeRegistration(const SqlRow& row) {
  RegistrationRecord r;
  TESSERA_ASSIGN_OR_RETURN(r.id, row.Text(0));
  TESSERA_ASSIGN_OR_RETURN(r.server, row.Text(1));
  TESSERA_ASSIGN_OR_RETURN(r.server_hello, row.Blob(2));
  TESSERA_ASSIGN_OR_RETURN(r.server_nonce, row.Blob(3));
  TESSERA_ASSIGN_OR_RETURN(r.state, row_values::Word(row, 4, "registration state",
                                                     {"started", "refused", "pending", "active",
                                                      "superseded", "expired", "revoked"}));
  TESSERA_ASSIGN_OR_RETURN(r.user_id, OptionalText(row, 5));
  TESSERA_ASSIGN_OR_RETURN(r.credential, OptionalText(row, 6));
  TESSERA_ASSIGN_OR_RETURN(r.code_hash, OptionalBlob(row, 7));
  TESSERA_ASSIGN_OR_RETURN(r.token_serial, OptionalSerial32(row, 8, "registration token serial"));
  TESSERA_ASSIGN_OR_RETURN(r.transcript_hash, OptionalBlob(row, 9));
  TESSERA_ASSIGN_OR_RETURN(r.confirm_hash, OptionalBlob(row, 10));
  TESSERA_ASSIGN_OR_RETURN(r.k_wrapped, OptionalBlob(row, 11));
  TESSERA_ASSIGN_OR_RETURN(r.created_at, row.Int(12));
  TESSERA_ASSIGN_OR_RETURN(r.expires_at, row.Int(13));
  TESSERA_ASSIGN_OR_RETURN(r.updated_at, row.Int(14));
  TESSERA_ASSIGN_OR_RETURN(r.confirmed_at, OptionalInt(row, 15));
  return r;
}

Status UserExists(SqlTransaction& tx, const std::string& user_id) {
  TESSERA_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT 1 FROM users WHERE id = $1", {user_id}));
  if (rows.empty()) return Status::NotFound("no user '" + user_id + "' in the directory");
  return Status::Ok();
}

// A state move that matched no row: why, for the message and the code.
Status WhyNotMoved(SqlTransaction& tx, const std::string& id, std::string_view from,
                   std::int64_t now, bool check_expiry) {
  TESSERA_ASSIGN_OR_RETURN(auto found, FindRegistration(tx, id));
  if (!found) return Status::NotFound("no " + RegistrationText(id));
  if (found->state != from) {
    return Status::ConditionsNotSatisfied(RegistrationText(id) + " is " + found->state + ", not " +
                                          std::string(from));
  }
  if (check_expiry && found->expires_at <= now) {
    return Status::ConditionsNotSatisfied(RegistrationText(id) + " expired at " +
                                          std::to_string(found->expires_at));
  }
  return Status::Internal(RegistrationText(id) + " did not move from " + std::string(from));
}

// The one-statement compare-and-set of a state move.
Status MoveState(SqlTransaction& tx, const std::string& id, std::string_view from,
                 std::string_view to, std::int64_t now) {
  TESSERA_ASSIGN_OR_RETURN(std::int64_t changed,
                           tx.Execute("UPDATE reg_registrations SET state = $3, updated_at = $4 "
                                      "WHERE id = $1 AND state = $2",
                                      {id, std::string(from), std::string(to), now}));
  if (changed == 0) return WhyNotMoved(tx, id, from, now, /*check_expiry=*/false);
  return Status::Ok();
}

}  // namespace

// ---- servers ----

Status InsertRegServer(SqlTransaction& tx, const RegServerRecord& server) {
  TESSERA_ASSIGN_OR_RETURN(auto taken,
                           tx.Query("SELECT 1 FROM reg_servers WHERE name = $1", {server.name}));
  if (!taken.empty()) {
    return Status::AlreadyExists("registration server '" + server.name + "' exists already");
  }
  return tx
      .Execute(
          "INSERT INTO reg_servers (name, hsm, key_label, kek_label, uidc_label, ca, "
          "cert_serial, certificate, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
          {server.name, server.hsm, server.key_label, server.kek_label, server.uidc_label,
           server.ca, server.cert_serial, server.certificate, server.created_at})
      .status();
}

Result<std::optional<RegServerRecord>> FindRegServer(SqlTransaction& tx, const std::string& name) {
  TESSERA_ASSIGN_OR_RETURN(auto rows,
                           tx.Query(std::string(kServerSelect) + "WHERE name = $1", {name}));
  return DecodeFirst<RegServerRecord>(rows, DecodeServer);
}

// ---- codes ----

Status InsertRegCode(SqlTransaction& tx, const RegCodeRecord& code) {
  TESSERA_RETURN_IF_ERROR(UserExists(tx, code.user_id));
  TESSERA_ASSIGN_OR_RETURN(
      auto taken, tx.Query("SELECT 1 FROM reg_codes WHERE code_hash = $1", {code.code_hash}));
  if (!taken.empty()) return Status::AlreadyExists("this enrolment code was issued before");
  return tx
      .Execute(
          "INSERT INTO reg_codes (code_hash, user_id, issued_by, issued_at, expires_at, used_at, "
          "registration_id) VALUES ($1, $2, $3, $4, $5, $6, $7)",
          {code.code_hash, code.user_id, code.issued_by, code.issued_at, code.expires_at,
           Optional(code.used_at), Optional(code.registration_id)})
      .status();
}

Result<std::optional<RegCodeRecord>> FindRegCode(SqlTransaction& tx, ByteView code_hash) {
  TESSERA_ASSIGN_OR_RETURN(auto rows, tx.Query(std::string(kCodeSelect) + "WHERE code_hash = $1",
                                               {Bytes(code_hash.begin(), code_hash.end())}));
  return DecodeFirst<RegCodeRecord>(rows, DecodeCode);
}

// ---- registrations ----

Status InsertRegistration(SqlTransaction& tx, const RegistrationRecord& r) {
  TESSERA_ASSIGN_OR_RETURN(
      auto taken, tx.Query("SELECT 1 FROM reg_registrations WHERE id = $1 OR server_nonce = $2",
                           {r.id, r.server_nonce}));
  if (!taken.empty()) {
    return Status::AlreadyExists(RegistrationText(r.id) + " or its server nonce exists already");
  }
  return tx
      .Execute(
          "INSERT INTO reg_registrations (id, server, server_hello, server_nonce, state, "
          "user_id, credential, code_hash, token_serial, transcript_hash, confirm_hash, "
          "k_wrapped, created_at, expires_at, updated_at, confirmed_at) VALUES ($1, $2, $3, $4, "
          "$5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
          {r.id, r.server, r.server_hello, r.server_nonce, r.state, Optional(r.user_id),
           Optional(r.credential), Optional(r.code_hash), Optional(r.token_serial),
           Optional(r.transcript_hash), Optional(r.confirm_hash), Optional(r.k_wrapped),
           r.created_at, r.expires_at, r.updated_at, Optional(r.confirmed_at)})
      .status();
}

Result<std::optional<RegistrationRecord>> FindRegistration(SqlTransaction& tx,
                                                           const std::string& id) {
  TESSERA_ASSIGN_OR_RETURN(auto rows,
                           tx.Query(std::string(kRegistrationSelect) + "WHERE id = $1", {id}));
  return DecodeFirst<RegistrationRecord>(rows, DecodeRegistration);
}

Result<std::optional<RegistrationRecord>> FindActiveRegistration(SqlTransaction& tx,
                                                                 const std::string& user_id) {
  TESSERA_ASSIGN_OR_RETURN(auto rows, tx.Query(std::string(kRegistrationSelect) +
                                                   "WHERE user_id = $1 AND state = 'active'",
                                               {user_id}));
  return DecodeFirst<RegistrationRecord>(rows, DecodeRegistration);
}

Status RefuseRegistration(SqlTransaction& tx, const std::string& id, std::int64_t now) {
  return MoveState(tx, id, "started", "refused", now);
}

Status RevokeRegistration(SqlTransaction& tx, const std::string& id, std::int64_t now) {
  return MoveState(tx, id, "active", "revoked", now);
}

Status MarkRegistrationPending(SqlTransaction& tx, const std::string& id,
                               const PendingRegistration& p, std::int64_t now) {
  TESSERA_RETURN_IF_ERROR(UserExists(tx, p.user_id));
  TESSERA_ASSIGN_OR_RETURN(
      std::int64_t changed,
      tx.Execute("UPDATE reg_registrations SET state = 'pending', user_id = $2, credential = $3, "
                 "code_hash = $4, token_serial = $5, transcript_hash = $6, confirm_hash = $7, "
                 "k_wrapped = $8, expires_at = $9, updated_at = $10 "
                 "WHERE id = $1 AND state = 'started' AND expires_at > $10",
                 {id, p.user_id, p.credential, Optional(p.code_hash), Optional(p.token_serial),
                  p.transcript_hash, p.confirm_hash, p.k_wrapped, p.expires_at, now}));
  if (changed == 0) return WhyNotMoved(tx, id, "started", now, /*check_expiry=*/true);
  return Status::Ok();
}

Result<std::int64_t> ExpireRegistrations(SqlTransaction& tx, std::int64_t now) {
  return tx.Execute(
      "UPDATE reg_registrations SET state = 'expired', updated_at = $1 "
      "WHERE state IN ('started', 'pending') AND expires_at <= $1",
      {now});
}

}  // namespace tessera::directory
