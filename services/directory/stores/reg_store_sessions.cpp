// The registration store (reg_store.hpp): login sessions. Each state move
// and the request sequence are one compare-and-set statement, so two
// gateway nodes sharing the directory cannot both accept the same A3 or the
// same request (docs/registration-protocol.md "Session records").
#include <string_view>
#include <utility>

#include "services/directory/stores/reg_store.hpp"
#include "services/directory/stores/row_values.hpp"

namespace tessera::directory {
namespace {

using row_values::DecodeFirst;
using row_values::Optional;
using row_values::OptionalInt;
using row_values::OptionalText;

constexpr std::string_view kSessionSelect =
    "SELECT id, registration_id, state, mac_hash, keys_wrapped, c2s_seq, created_at, "
    "expires_at, last_used_at, closed_at FROM reg_sessions ";

std::string SessionText(const std::string& id) { return "session " + id; }

Result<RegSessionRecord> DecodeSession(const SqlRow& row) {
  RegSessionRecord s;
  TESSERA_ASSIGN_OR_RETURN(s.id, row.Text(0));
  TESSERA_ASSIGN_OR_RETURN(s.registration_id, OptionalText(row, 1));
  TESSERA_ASSIGN_OR_RETURN(
      s.state, row_values::Word(row, 2, "session state", {"handshake", "open", "closed"}));
  TESSERA_ASSIGN_OR_RETURN(s.mac_hash, row.Blob(3));
  TESSERA_ASSIGN_OR_RETURN(s.keys_wrapped, row.Blob(4));
  TESSERA_ASSIGN_OR_RETURN(s.c2s_seq, row.Int(5));
  TESSERA_ASSIGN_OR_RETURN(s.created_at, row.Int(6));
  TESSERA_ASSIGN_OR_RETURN(s.expires_at, row.Int(7));
  TESSERA_ASSIGN_OR_RETURN(s.last_used_at, row.Int(8));
  TESSERA_ASSIGN_OR_RETURN(s.closed_at, OptionalInt(row, 9));
  return s;
}

}  // namespace

Status InsertRegSession(SqlTransaction& tx, const RegSessionRecord& s) {
  TESSERA_ASSIGN_OR_RETURN(auto taken,
                           tx.Query("SELECT 1 FROM reg_sessions WHERE id = $1", {s.id}));
  if (!taken.empty()) return Status::AlreadyExists(SessionText(s.id) + " exists already");
  return tx
      .Execute(
          "INSERT INTO reg_sessions (id, registration_id, state, mac_hash, keys_wrapped, "
          "c2s_seq, created_at, expires_at, last_used_at, closed_at) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
          {s.id, Optional(s.registration_id), s.state, s.mac_hash, s.keys_wrapped, s.c2s_seq,
           s.created_at, s.expires_at, s.last_used_at, Optional(s.closed_at)})
      .status();
}

Result<std::optional<RegSessionRecord>> FindRegSession(SqlTransaction& tx, const std::string& id) {
  TESSERA_ASSIGN_OR_RETURN(auto rows,
                           tx.Query(std::string(kSessionSelect) + "WHERE id = $1", {id}));
  return DecodeFirst<RegSessionRecord>(rows, DecodeSession);
}

Status OpenRegSession(SqlTransaction& tx, const std::string& id, std::int64_t expires_at,
                      std::int64_t now) {
  TESSERA_ASSIGN_OR_RETURN(
      std::int64_t changed,
      tx.Execute("UPDATE reg_sessions SET state = 'open', expires_at = $2, last_used_at = $3 "
                 "WHERE id = $1 AND state = 'handshake' AND expires_at > $3",
                 {id, expires_at, now}));
  if (changed == 1) return Status::Ok();
  TESSERA_ASSIGN_OR_RETURN(auto found, FindRegSession(tx, id));
  if (!found) return Status::NotFound("no " + SessionText(id));
  if (found->state != "handshake") {
    return Status::ConditionsNotSatisfied(SessionText(id) + " is " + found->state +
                                          ", not in its handshake");
  }
  return Status::ConditionsNotSatisfied(SessionText(id) + "'s handshake expired at " +
                                        std::to_string(found->expires_at));
}

Result<bool> AdvanceRegSessionSeq(SqlTransaction& tx, const std::string& id, std::int64_t seq,
                                  std::int64_t now) {
  if (seq < 1) return false;
  TESSERA_ASSIGN_OR_RETURN(
      std::int64_t changed,
      tx.Execute("UPDATE reg_sessions SET c2s_seq = $2, last_used_at = $3 "
                 "WHERE id = $1 AND c2s_seq = $4 AND state = 'open' AND expires_at > $3",
                 {id, seq, now, seq - 1}));
  return changed == 1;
}

Status TouchRegSession(SqlTransaction& tx, const std::string& id, std::int64_t now) {
  TESSERA_ASSIGN_OR_RETURN(
      std::int64_t changed,
      tx.Execute("UPDATE reg_sessions SET last_used_at = $2 WHERE id = $1 AND state = 'open'",
                 {id, now}));
  if (changed == 0) return Status::NotFound("no open " + SessionText(id));
  return Status::Ok();
}

Status CloseRegSession(SqlTransaction& tx, const std::string& id, std::int64_t now) {
  TESSERA_ASSIGN_OR_RETURN(std::int64_t changed,
                           tx.Execute("UPDATE reg_sessions SET state = 'closed', closed_at = $2 "
                                      "WHERE id = $1 AND state <> 'closed'",
                                      {id, now}));
  if (changed == 1) return Status::Ok();
  TESSERA_ASSIGN_OR_RETURN(auto found, FindRegSession(tx, id));
  if (!found) return Status::NotFound("no " + SessionText(id));
  return Status::ConditionsNotSatisfied(SessionText(id) + " is closed already");
}

Result<std::int64_t> ExpireRegSessions(SqlTransaction& tx, std::int64_t now,
                                       std::int64_t idle_before) {
  return tx.Execute(
      "UPDATE reg_sessions SET state = 'closed', closed_at = $1 WHERE state <> 'closed' AND "
      "(expires_at <= $1 OR (state = 'open' AND last_used_at <= $2))",
      {now, idle_before});
}

Result<std::int64_t> DeleteClosedRegSessions(SqlTransaction& tx, std::int64_t closed_before) {
  return tx.Execute("DELETE FROM reg_sessions WHERE state = 'closed' AND closed_at < $1",
                    {closed_before});
}

}  // namespace tessera::directory
