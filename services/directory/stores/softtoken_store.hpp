// The soft-token aggregate in the directory (issue 15; services/softtoken
// writes it, docs/softtoken-api.md): the service's issuers, its channel-1
// nonces, the requests that pair a device with an ID token, and the soft
// tokens issued with their place in a status list (migration 5,
// docs/directory.md "Schema version 5").
//
// As the other stores: functions run inside the caller's Database
// transaction and make no decisions beyond what the schema enforces and
// what a function's comment says; the service checks the rules. A row that
// breaks a record's invariants (an unknown state word, a serial or status
// index out of range) is kCorrupt. Times are unix seconds. Stateless.
//
// Status codes: kNotFound for an unknown key; kAlreadyExists for a taken
// key or unique value, and for the race the schema's indexes decide (a
// handle of two pending requests, a status index given twice);
// kConditionsNotSatisfied for a nonce used or expired, and for an update
// from the wrong state, the message saying which.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.hpp"
#include "common/status.hpp"
#include "services/directory/database.hpp"

namespace tessera::directory {

// ---- issuers (tessera softtoken init) ----

struct SoftTokenIssuerRecord {
  std::string name;   // [A-Za-z0-9._@-]{1,128}; "default"
  std::string hsm;    // the HSM token's label holding the signing key
  Bytes hsm_key_id;   // the key pair's CKA_ID, 1..64 bytes
  std::string ca;     // the CA that issued the issuer certificate
  Bytes cert_serial;  // its serial (unsigned big-endian, 1..20 bytes)
  std::int64_t created_at = 0;
  bool operator==(const SoftTokenIssuerRecord&) const = default;
};

// kAlreadyExists when the name or (ca, cert_serial) is taken.
Status InsertStIssuer(SqlTransaction& tx, const SoftTokenIssuerRecord& issuer);
Result<std::optional<SoftTokenIssuerRecord>> FindStIssuer(SqlTransaction& tx,
                                                          const std::string& name);
// By name.
Result<std::vector<SoftTokenIssuerRecord>> ListStIssuers(SqlTransaction& tx);

// ---- channel-1 nonces (POST /softtoken/v1/challenges) ----

struct SoftTokenNonceRecord {
  Bytes nonce;  // 16..64 bytes (the service makes 32)
  std::int64_t created_at = 0;
  std::int64_t expires_at = 0;  // > created_at
  std::optional<std::int64_t> used_at;
  bool operator==(const SoftTokenNonceRecord&) const = default;
};

// kAlreadyExists for a nonce issued before.
Status InsertStNonce(SqlTransaction& tx, const SoftTokenNonceRecord& nonce);
Result<std::optional<SoftTokenNonceRecord>> FindStNonce(SqlTransaction& tx, ByteView nonce);
// Marks the nonce used at `now`. kNotFound for an unknown (or purged)
// nonce; kConditionsNotSatisfied when it is used already or expired
// (expires_at <= now), the message saying which. One statement checks and
// marks, so two transactions cannot both consume it.
Status ConsumeStNonce(SqlTransaction& tx, ByteView nonce, std::int64_t now);
// Deletes nonces with expires_at < `before`; the number deleted.
Result<std::int64_t> PurgeStNonces(SqlTransaction& tx, std::int64_t before);

// ---- requests (softtoken_store_requests.cpp) ----

// States:
//   "pending"  channel 1 done; the OTP may be entered (tries_left > 0)
//   "matched"  an ID token entered the OTP; the comparison is shown
//   "issued"   approved; token_id names the soft token
//   "burned"   tries_left reached 0
//   "refused"  the user rejected the match
//   "expired"  past expires_at (the service may record it; maintenance
//              deletes every request but an issued one past expires_at)
struct SoftTokenRequestRecord {
  std::string id;               // 32 lower-case hex digits
  std::string handle;           // the OTP's first 3 characters (Crockford base32)
  Bytes otp_hash;               // SHA-256, 32 bytes
  std::int64_t tries_left = 5;  // >= 0; 0 when burned
  std::string state = "pending";
  std::uint32_t device_serial = 0;   // the attested token's serial
  std::string device_slot;           // 2 hex digits, "9e"
  Bytes device_key;                  // the device key's SPKI, DER
  std::string manufacturer;          // the manufacturer CA the attestation chained to
  Bytes channel1;                    // SHA-256 of channel 1's TLS exporter, 32 bytes
  std::string deliver = "both";      // "device", "computer" or "both"
  std::string format = "sd-jwt-vc";  // "sd-jwt-vc" or "x509"
  std::int64_t created_at = 0;
  std::int64_t expires_at = 0;  // > created_at
  std::int64_t updated_at = 0;
  // Set at the match (required in "matched" and "issued"): the ID token's
  // 9A certificate, its user and card, what was read, the comparison code
  // (6 Crockford base32 characters, no dash) and SHA-256 of the
  // confirmation.
  std::optional<std::string> id_ca;
  std::optional<Bytes> id_cert_serial;
  std::optional<std::string> user_id;
  std::optional<std::uint32_t> card_serial;
  std::optional<std::string> attributes;  // a JSON object, as text
  std::optional<std::string> comparison;
  std::optional<Bytes> confirm_hash;
  std::optional<std::string> token_id;  // set when "issued"
  bool delivered_device = false;
  bool delivered_computer = false;
  bool operator==(const SoftTokenRequestRecord&) const = default;
};

// kAlreadyExists when the id is taken, or when a pending request holds the
// handle (the caller draws another handle and retries; the partial unique
// index st_requests_pending_handle decides a race).
Status InsertStRequest(SqlTransaction& tx, const SoftTokenRequestRecord& request);
Result<std::optional<SoftTokenRequestRecord>> FindStRequest(SqlTransaction& tx,
                                                            const std::string& id);
// The pending request with this handle, whatever its expires_at.
Result<std::optional<SoftTokenRequestRecord>> FindPendingStRequestByHandle(
    SqlTransaction& tx, const std::string& handle);
// Overwrites every column of the row with request.id, as a compare-and-set:
// only while the stored state is `expected_state`. kNotFound;
// kConditionsNotSatisfied when the state is another ("is matched, not
// pending"); kAlreadyExists when moving back to "pending" with a handle
// another pending request holds.
Status UpdateStRequest(SqlTransaction& tx, const SoftTokenRequestRecord& request,
                       std::string_view expected_state);
// A wrong secret for a pending request: tries_left - 1, and "burned" when
// it reaches 0, in one statement. The tries left. kNotFound;
// kConditionsNotSatisfied when the request is not pending.
Result<std::int64_t> SpendStRequestTry(SqlTransaction& tx, const std::string& id, std::int64_t now);
// Requests in "pending" (each holds its handle until it leaves it).
Result<std::int64_t> CountPendingStRequests(SqlTransaction& tx);
// Maintenance (design: nothing left behind): erases the content of every
// token whose request is past its expires_at (or gone), then deletes every
// request past its expires_at (expires_at <= now) that was not issued:
// pending, matched, burned, refused, expired. Issued requests stay, the
// record of their token. The number of requests deleted.
Result<std::int64_t> ExpireStRequests(SqlTransaction& tx, std::int64_t now);

// ---- soft tokens (softtoken_store_tokens.cpp) ----

struct SoftTokenRecord {
  std::string id;                         // 32 lower-case hex digits
  std::optional<std::string> request_id;  // NULL once the request is deleted
  std::string issuer;                     // st_issuers.name
  std::string format = "sd-jwt-vc";       // "sd-jwt-vc" or "x509"
  std::string status_list;                // [A-Za-z0-9._@-]{1,128}
  std::uint32_t status_index = 0;         // unique within the list
  std::string user_id;                    // the user the ID token is bound to
  std::uint32_t card_serial = 0;          // the ID token
  std::string source_ca;                  // the ID token's 9A certificate, as
  Bytes source_serial;                    //   recorded in `certificates`
  Bytes device_key_sha256;                // SHA-256 of the device SPKI
  std::optional<std::string> cert_ca;     // format "x509": the soft
  std::optional<Bytes> cert_serial;       //   certificate the CA issued
  std::int64_t issued_at = 0;
  std::int64_t expires_at = 0;  // > issued_at
  std::optional<std::int64_t> revoked_at;
  std::optional<std::string> content;  // the soft token, until delivered
  bool operator==(const SoftTokenRecord&) const = default;
};

// kAlreadyExists when the id or (status_list, status_index) is taken;
// kNotFound for an unknown user, issuer, request or source certificate.
Status InsertStToken(SqlTransaction& tx, const SoftTokenRecord& token);
Result<std::optional<SoftTokenRecord>> FindStToken(SqlTransaction& tx, const std::string& id);
// The next free index of `list`: the largest + 1, or 0 for an empty list.
// kNoSpace when the list is full (index 4294967295 taken).
Result<std::uint32_t> NextStatusIndex(SqlTransaction& tx, const std::string& list);
// revoked_at = at. kNotFound; kConditionsNotSatisfied when revoked already.
Status RevokeStToken(SqlTransaction& tx, const std::string& id, std::int64_t at);
// content = NULL (delivered to every channel asked). kNotFound.
Status EraseStTokenContent(SqlTransaction& tx, const std::string& id);
// The tokens issued for this ID token, by issued_at then id.
Result<std::vector<SoftTokenRecord>> StTokensOfCard(SqlTransaction& tx, std::uint32_t card_serial);

// A token's bit in its status list (draft-ietf-oauth-status-list: set =
// INVALID).
struct SoftTokenStatus {
  std::uint32_t index = 0;
  bool revoked = false;
  bool operator==(const SoftTokenStatus&) const = default;
};
// Every token of `list`, by index, in one query. A token is revoked when
// its row is (revoked_at set), its source certificate has a row in
// `revocations`, its card has no binding in state "active" to its user,
// or (format "x509") its own certificate is revoked.
Result<std::vector<SoftTokenStatus>> StTokenStatuses(SqlTransaction& tx, const std::string& list);
// The maintenance sweep's work: format "x509" tokens with a certificate
// that is not revoked yet, not past expires_at (> now), without revoked_at,
// and revoked by the source-certificate or binding rule above. By
// issued_at then id.
Result<std::vector<SoftTokenRecord>> StX509TokensToRevoke(SqlTransaction& tx, std::int64_t now);

}  // namespace tessera::directory
