// The CMS aggregate in the directory (seed 000; services/cms writes it,
// docs/cms-api.md): the token inventory, officers, E-form nonces and
// requests, and the bindings of users to tokens.
//
// Functions run inside a Database transaction and make no decisions beyond
// what the schema enforces: the CMS checks the rules, these read and write
// rows. A row that breaks a record's invariants (an unknown state word, a
// serial out of range) is kCorrupt. Times are unix seconds. Stateless.
//
// The schema (migration 3) enforces the one rule two nodes could race on:
// a user has at most one live binding ('pending' or 'active') and a token at
// most one; InsertBinding then fails kAlreadyExists, and the whole
// transaction with it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/bytes.hpp"
#include "common/status.hpp"
#include "services/directory/database.hpp"

namespace tessera::directory {

// ---- inventory (claims 1, 11) ----

// A token the CMS has checked and recorded. States:
//   "inventory"  registered, attestation verified, not bound
//   "bound"      bound to user_id; the key package was delivered, not yet
//                activated
//   "active"     the user activated it (the activation receipt verified)
//   "revoked"    revoked (lost, stolen, superseded, ...); re-registration
//                after a reset brings it back to "inventory"
struct CmsTokenRecord {
  std::uint32_t serial = 0;  // the token ID (PIV serial)
  Bytes token_key;           // F0's SubjectPublicKeyInfo, DER
  Bytes attestation;         // F0's attestation certificate, DER
  Bytes attestation_ca;      // the F9 certificate above it, DER
  Bytes chuid;               // the CHUID (5FC102) read at registration;
                             // a PIV reset makes a new one
  std::string transport;     // "sim", "pcsc" or "usb": the route it was read on
  std::string state = "inventory";
  std::optional<std::string> user_id;  // set while "bound" or "active"
  std::int64_t registrations = 1;      // 1, then +1 on each re-registration
  std::int64_t registered_at = 0;      // of the latest registration
  std::int64_t updated_at = 0;
  std::optional<std::int64_t> revoked_at;
  std::optional<int> revoked_reason;  // RFC 5280 CRLReason
  bool operator==(const CmsTokenRecord&) const = default;
};

// kAlreadyExists when the serial is recorded already.
Status InsertCmsToken(SqlTransaction& tx, const CmsTokenRecord& token);
Result<std::optional<CmsTokenRecord>> FindCmsToken(SqlTransaction& tx, std::uint32_t serial);
// By ascending serial; `state` empty: every state.
Result<std::vector<CmsTokenRecord>> ListCmsTokens(SqlTransaction& tx,
                                                  const std::string& state = "");
// Overwrites every column of the row with token.serial; kNotFound if none.
Status UpdateCmsToken(SqlTransaction& tx, const CmsTokenRecord& token);

// ---- officers ----

struct OfficerRecord {
  std::string id;                  // [A-Za-z0-9._@-]{1,128}
  std::string name;                // display name
  std::string role;                // "officer", "administrator" or "auditor"
  std::uint32_t token_serial = 0;  // the officer's own token
  std::string ca;                  // the CA that issued the officer certificate
  Bytes cert_serial;               // its serial (unsigned big-endian)
  Bytes certificate;               // DER
  std::string state = "active";    // "active" or "revoked"
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
  bool operator==(const OfficerRecord&) const = default;
};

// kAlreadyExists when the id is taken, or another active officer holds the
// same token.
Status InsertOfficer(SqlTransaction& tx, const OfficerRecord& officer);
Result<std::optional<OfficerRecord>> FindOfficer(SqlTransaction& tx, const std::string& id);
// The officer whose certificate is (ca, cert_serial), whatever its state.
Result<std::optional<OfficerRecord>> FindOfficerByCertificate(SqlTransaction& tx,
                                                              const std::string& ca,
                                                              ByteView cert_serial);
Result<std::vector<OfficerRecord>> ListOfficers(SqlTransaction& tx);
// Overwrites every column of the row with officer.id; kNotFound if none.
Status UpdateOfficer(SqlTransaction& tx, const OfficerRecord& officer);

// ---- E-form nonces (claim 2: freshness) ----

struct NonceRecord {
  Bytes nonce;             // 16 to 64 bytes
  std::string officer_id;  // who asked for it
  std::int64_t issued_at = 0;
  std::int64_t expires_at = 0;
  std::optional<std::int64_t> used_at;
  bool operator==(const NonceRecord&) const = default;
};

// kAlreadyExists for a nonce issued before.
Status InsertNonce(SqlTransaction& tx, const NonceRecord& nonce);
Result<std::optional<NonceRecord>> FindNonce(SqlTransaction& tx, ByteView nonce);
// Marks the nonce used at `now`. kNotFound for an unknown nonce;
// kConditionsNotSatisfied when it is used already or expired (expires_at <=
// now), the message saying which. The check and the update are one
// statement, so two transactions cannot both consume it.
Status ConsumeNonce(SqlTransaction& tx, ByteView nonce, std::int64_t now);
// Deletes nonces that expired before `before`; the number deleted.
Result<std::int64_t> PurgeNonces(SqlTransaction& tx, std::int64_t before);

// ---- E-form requests (claims 2, 4, 5) ----

// One binding request from v1 on. States:
//   "v2-sent"    v1 verified, v2 returned to the officer
//   "bound"      v2 countersigned and verified, binding recorded, key
//                package and certificate delivered
//   "active"     the activation receipt verified
//   "revoked"    the binding was revoked
struct CmsRequestRecord {
  std::string id;  // the request ID: 32 lower-case hex digits
  std::string user_id;
  std::uint32_t token_serial = 0;
  std::string officer_id;
  std::string state = "v2-sent";
  Bytes eform_v1;                        // the JWS as received (compact form, ASCII)
  Bytes eform_v2;                        // the payload bytes the CMS sent (canonical JSON)
  std::optional<Bytes> eform_v2_signed;  // the officer's countersignature JWS
  std::optional<std::string> ca;         // the user's certificate, once issued
  std::optional<Bytes> cert_serial;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
  bool operator==(const CmsRequestRecord&) const = default;
};

// kAlreadyExists for an id taken.
Status InsertCmsRequest(SqlTransaction& tx, const CmsRequestRecord& request);
Result<std::optional<CmsRequestRecord>> FindCmsRequest(SqlTransaction& tx, const std::string& id);
// Overwrites every column of the row with request.id; kNotFound if none.
Status UpdateCmsRequest(SqlTransaction& tx, const CmsRequestRecord& request);

// ---- bindings (claims 1, 3, 6) ----

// user_id <-> token_serial. States: "pending" (bound, key delivered, not yet
// activated), "active", "revoked".
struct BindingRecord {
  std::string id;  // the request ID that made it
  std::string user_id;
  std::uint32_t token_serial = 0;
  std::string state = "pending";
  std::string ca;  // the user's signature certificate
  Bytes cert_serial;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
  std::optional<std::int64_t> activated_at;
  std::optional<std::int64_t> revoked_at;
  std::optional<int> revoked_reason;  // RFC 5280 CRLReason
  bool operator==(const BindingRecord&) const = default;
};

// kAlreadyExists when the id is taken, or when the user or the token has a
// live binding already (the schema's partial unique indexes decide a race).
Status InsertBinding(SqlTransaction& tx, const BindingRecord& binding);
Result<std::optional<BindingRecord>> FindBinding(SqlTransaction& tx, const std::string& id);
// The user's / the token's live ('pending' or 'active') bindings.
Result<std::vector<BindingRecord>> LiveBindingsOfUser(SqlTransaction& tx,
                                                      const std::string& user_id);
Result<std::optional<BindingRecord>> LiveBindingOfToken(SqlTransaction& tx, std::uint32_t serial);
// Every binding of a user / token, newest first.
Result<std::vector<BindingRecord>> BindingsOfUser(SqlTransaction& tx, const std::string& user_id);
Result<std::vector<BindingRecord>> BindingsOfToken(SqlTransaction& tx, std::uint32_t serial);
// Overwrites every column of the row with binding.id; kNotFound if none.
Status UpdateBinding(SqlTransaction& tx, const BindingRecord& binding);

// ---- certificates on tokens ----

// (ca, serial) of every certificate recorded with this token_serial
// (CertificateRecord::token_serial) that has no revocation, by issued_at.
struct CertificateRef {
  std::string ca;
  Bytes serial;
  bool operator==(const CertificateRef&) const = default;
};
Result<std::vector<CertificateRef>> UnrevokedCertificatesOfToken(SqlTransaction& tx,
                                                                 std::uint32_t serial);

}  // namespace tessera::directory
