// The registration aggregate in the directory (seed 001, the registration
// gateway; services/registration writes it, docs/registration-api.md): the
// gateway's server rows, enrolment codes, registrations, registered users
// and their UIDCs, applications, entitlements and login sessions
// (migration 4, docs/directory.md "Registration").
//
// As the other stores: functions run inside the caller's Database
// transaction, so a step and its audit record commit together; where one
// step touches several rows (ConfirmRegistration, GrantEntitlement,
// RevokeEntitlement, DeleteRegApp) all of it happens inside that one
// transaction. State moves are compare-and-set statements (WHERE state =
// the expected one), so two nodes cannot both make the same move. A row
// that breaks a record's invariants (an unknown state word, a serial out of
// range) is kCorrupt. Times are unix seconds. Stateless.
//
// Status codes: kNotFound for an unknown key; kAlreadyExists for a taken
// key or unique value, and for the race the schema's partial unique index
// decides (two confirms of one user); kConditionsNotSatisfied for a state
// move from the wrong state or past its deadline (a replay: HTTP 409), the
// message saying which.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/bytes.hpp"
#include "common/status.hpp"
#include "services/directory/database.hpp"

namespace tessera::directory {

// ---- gateway servers (reg init) ----

struct RegServerRecord {
  std::string name;        // [A-Za-z0-9._@-]{1,128}; "default"
  std::string hsm;         // the HSM token's label
  std::string key_label;   // the P-256 agreement key ("tessera-reg-server")
  std::string kek_label;   // "tessera-reg-kek"
  std::string uidc_label;  // "tessera-reg-uidc"
  std::string ca;          // the CA that issued the server certificate
  Bytes cert_serial;       // its serial (unsigned big-endian, 1..20 bytes)
  Bytes certificate;       // DER
  std::int64_t created_at = 0;
  bool operator==(const RegServerRecord&) const = default;
};

// kAlreadyExists when the name or (ca, cert_serial) is taken.
Status InsertRegServer(SqlTransaction& tx, const RegServerRecord& server);
Result<std::optional<RegServerRecord>> FindRegServer(SqlTransaction& tx, const std::string& name);

// ---- enrolment codes (only their SHA-256 is stored) ----

struct RegCodeRecord {
  Bytes code_hash;  // SHA-256 of the code, 32 bytes
  std::string user_id;
  std::string issued_by;
  std::int64_t issued_at = 0;
  std::int64_t expires_at = 0;  // > issued_at
  std::optional<std::int64_t> used_at;
  std::optional<std::string> registration_id;  // the registration that used it
  bool operator==(const RegCodeRecord&) const = default;
};

// kAlreadyExists for a hash issued before; the user must exist (a foreign
// key: kNotFound naming the user).
Status InsertRegCode(SqlTransaction& tx, const RegCodeRecord& code);
Result<std::optional<RegCodeRecord>> FindRegCode(SqlTransaction& tx, ByteView code_hash);

// ---- registrations (R0..R3) ----

// States: "started" (R0 sent), "refused" (R1 refused), "pending" (R2 sent,
// K wrapped), "active" (R3 confirmed), "superseded" (a later registration
// of the user became active), "expired" (started or pending past its
// deadline), "revoked".
struct RegistrationRecord {
  std::string id;  // 32 lower-case hex digits
  std::string server;
  Bytes server_hello;  // R0, exactly as sent
  Bytes server_nonce;  // Ns, 32 bytes, unique
  std::string state = "started";
  std::optional<std::string> user_id;
  std::optional<std::string> credential;  // "code", "cms" or "open"
  std::optional<Bytes> code_hash;
  std::optional<std::uint32_t> token_serial;
  std::optional<Bytes> transcript_hash;  // TH3
  std::optional<Bytes> confirm_hash;     // SHA-256 of the expected Mconf
  std::optional<Bytes> k_wrapped;        // KWP(KEK, K)
  std::int64_t created_at = 0;
  std::int64_t expires_at = 0;
  std::int64_t updated_at = 0;
  std::optional<std::int64_t> confirmed_at;
  bool operator==(const RegistrationRecord&) const = default;
};

// Inserts `registration` as it is (state "started"); kAlreadyExists when
// the id or the server nonce is taken.
Status InsertRegistration(SqlTransaction& tx, const RegistrationRecord& registration);
Result<std::optional<RegistrationRecord>> FindRegistration(SqlTransaction& tx,
                                                           const std::string& id);
// The user's active registration, if any (at most one: the schema's index).
Result<std::optional<RegistrationRecord>> FindActiveRegistration(SqlTransaction& tx,
                                                                 const std::string& user_id);

// "started" -> "refused". kNotFound; kConditionsNotSatisfied when not
// "started".
Status RefuseRegistration(SqlTransaction& tx, const std::string& id, std::int64_t now);

// What the exchange (R1 -> R2) records.
struct PendingRegistration {
  std::string user_id;
  std::string credential;  // "code", "cms" or "open"
  std::optional<Bytes> code_hash;
  std::optional<std::uint32_t> token_serial;
  Bytes transcript_hash;
  Bytes confirm_hash;
  Bytes k_wrapped;
  std::int64_t expires_at = 0;  // the pending deadline
};
// "started" (and not past its expires_at) -> "pending" with `pending`'s
// columns. kNotFound; kConditionsNotSatisfied when not "started" (a
// replayed R1) or expired (expires_at <= now).
Status MarkRegistrationPending(SqlTransaction& tx, const std::string& id,
                               const PendingRegistration& pending, std::int64_t now);

struct RegUserRecord {
  std::string user_id;
  std::string user_id_code;  // UIDC, unique
  std::int64_t config_version = 0;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
  bool operator==(const RegUserRecord&) const = default;
};

struct ConfirmedRegistration {
  RegUserRecord user;                   // after the upsert
  std::vector<std::string> superseded;  // ids moved "active" -> "superseded"
  bool code_used = false;               // a code's used_at was set
};
// R3 accepted, in the caller's one transaction: the code's used_at and
// registration_id (credential "code"), the user's earlier "active"
// registration -> "superseded", this one "pending" -> "active" with
// confirmed_at, and the reg_users row upserted with `user_id_code`
// (config_version kept). kNotFound; kConditionsNotSatisfied when not
// "pending", expired, or its code is used already; kAlreadyExists when
// another registration of the user became active at the same moment (the
// partial unique index), or `user_id_code` belongs to another user.
Result<ConfirmedRegistration> ConfirmRegistration(SqlTransaction& tx, const std::string& id,
                                                  const std::string& user_id_code,
                                                  std::int64_t now);
// "active" -> "revoked". kNotFound; kConditionsNotSatisfied when not active.
Status RevokeRegistration(SqlTransaction& tx, const std::string& id, std::int64_t now);
// "started" and "pending" rows with expires_at <= now -> "expired"; the
// number moved (maintenance).
Result<std::int64_t> ExpireRegistrations(SqlTransaction& tx, std::int64_t now);

// ---- registered users ----

Result<std::optional<RegUserRecord>> FindRegUser(SqlTransaction& tx, const std::string& user_id);
Result<std::optional<RegUserRecord>> FindRegUserByCode(SqlTransaction& tx,
                                                       const std::string& user_id_code);
// config_version + 1 and updated_at; the new version, or nullopt when the
// user has no reg_users row (not registered yet: its first document starts
// at 0).
Result<std::optional<std::int64_t>> BumpConfigVersion(SqlTransaction& tx,
                                                      const std::string& user_id, std::int64_t now);

// ---- applications ----

struct RegAppRecord {
  std::string name;             // [A-Za-z0-9._@-]{1,128}
  std::string base_url;         // http:// or https://
  std::string settings = "{}";  // a JSON object, as text
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
  bool operator==(const RegAppRecord&) const = default;
};

// kAlreadyExists when the name is taken.
Status InsertRegApp(SqlTransaction& tx, const RegAppRecord& app);
Result<std::optional<RegAppRecord>> FindRegApp(SqlTransaction& tx, const std::string& name);
// By name.
Result<std::vector<RegAppRecord>> ListRegApps(SqlTransaction& tx);
// Deletes the app and every entitlement to it, bumping each entitled
// user's config_version; the user ids whose entitlement went. kNotFound.
Result<std::vector<std::string>> DeleteRegApp(SqlTransaction& tx, const std::string& name,
                                              std::int64_t now);

// ---- entitlements ----

struct RegEntitlementRecord {
  std::string user_id;
  std::string app;
  std::string paths = R"(["/"])";  // a JSON array of path prefixes, as text
  std::string granted_by;
  std::int64_t granted_at = 0;
  bool operator==(const RegEntitlementRecord&) const = default;
};

// Inserts, or replaces the paths of, (user_id, app), and bumps the user's
// config_version; the new version (nullopt: not registered yet). kNotFound
// for an unknown user or app.
Result<std::optional<std::int64_t>> GrantEntitlement(SqlTransaction& tx,
                                                     const RegEntitlementRecord& entitlement);
// Deletes (user_id, app) and bumps the user's config_version; the new
// version. kNotFound when there is no such entitlement.
Result<std::optional<std::int64_t>> RevokeEntitlement(SqlTransaction& tx,
                                                      const std::string& user_id,
                                                      const std::string& app, std::int64_t now);
Result<std::optional<RegEntitlementRecord>> FindEntitlement(SqlTransaction& tx,
                                                            const std::string& user_id,
                                                            const std::string& app);
// By app name.
Result<std::vector<RegEntitlementRecord>> EntitlementsOfUser(SqlTransaction& tx,
                                                             const std::string& user_id);

// ---- login sessions (reg_store_sessions.cpp) ----

// States: "handshake" (A2 sent), "open" (A3 accepted), "closed" (logout,
// expiry, or a refused finish).
struct RegSessionRecord {
  std::string id;                              // 32 lower-case hex digits
  std::optional<std::string> registration_id;  // nullopt: a decoy (unknown UIDC)
  std::string state = "handshake";
  Bytes mac_hash;            // SHA-256 of the expected Mc, 32 bytes
  Bytes keys_wrapped;        // the record keys, GCM-sealed under the KEK
  std::int64_t c2s_seq = 0;  // the last request accepted
  std::int64_t created_at = 0;
  std::int64_t expires_at = 0;
  std::int64_t last_used_at = 0;
  std::optional<std::int64_t> closed_at;
  bool operator==(const RegSessionRecord&) const = default;
};

// kAlreadyExists for a taken id.
Status InsertRegSession(SqlTransaction& tx, const RegSessionRecord& session);
Result<std::optional<RegSessionRecord>> FindRegSession(SqlTransaction& tx, const std::string& id);
// "handshake" (not past its expires_at) -> "open", with the session's
// lifetime `expires_at` and last_used_at = now. kNotFound;
// kConditionsNotSatisfied when not "handshake" (a replayed A3) or expired.
Status OpenRegSession(SqlTransaction& tx, const std::string& id, std::int64_t expires_at,
                      std::int64_t now);
// The request sequence's compare-and-set (docs/registration-protocol.md
// "Session records"): c2s_seq = seq and last_used_at = now where the session
// is "open", not expired, and c2s_seq = seq - 1. true when it matched: this
// node, and no other, accepts request `seq`. false for a replayed or
// out-of-order seq, or a session that is not open (read it to tell which).
Result<bool> AdvanceRegSessionSeq(SqlTransaction& tx, const std::string& id, std::int64_t seq,
                                  std::int64_t now);
// last_used_at = now on an open session. kNotFound when no open session has
// the id.
Status TouchRegSession(SqlTransaction& tx, const std::string& id, std::int64_t now);
// "handshake" or "open" -> "closed" with closed_at. kNotFound;
// kConditionsNotSatisfied when closed already.
Status CloseRegSession(SqlTransaction& tx, const std::string& id, std::int64_t now);
// Maintenance: closes every session past its expires_at or, when open,
// unused since `idle_before` (last_used_at <= idle_before); the number
// closed.
Result<std::int64_t> ExpireRegSessions(SqlTransaction& tx, std::int64_t now,
                                       std::int64_t idle_before);
// Maintenance: deletes sessions closed before `closed_before`; the number
// deleted.
Result<std::int64_t> DeleteClosedRegSessions(SqlTransaction& tx, std::int64_t closed_before);

}  // namespace tessera::directory
