// CmsService: the certificate management system of seed 000 (docs/cms-api.md),
// without a transport. tesserad's routes (cms_routes.hpp) and the tessera CLI
// (administrative commands on the CMS host) both call it.
//
// The flow, claim by claim:
//   RegisterToken   inventory (claims 1, 11): attestation checked first
//   AddUser/ImportUsers, EnrollOfficer
//   IssueNonce, SubmitV1 -> E-form v2 (claims 2, 4)
//   Bind            v2 countersigned (claim 5); redundant tokens revoked and
//                   the binding recorded in one transaction (claims 3, 1);
//                   the user's key generated in the HSM, its certificate
//                   issued, the key wrapped to the token's F0 (claim 6)
//   Activate        the activation receipt signed by the unwrapped key
//                   (claims 7, 8 happen on the token); the card's PIV
//                   Authentication key for 9A issued and wrapped to F0
//                   (issue 15)
//   RevokeToken     the binding and every certificate on the token
// Every step writes an audit record in its own transaction; a refusal
// writes one too (action "...refused"), in a transaction of its own because
// the refused one rolled back.
//
// Errors: kNotFound (unknown user, token, request, officer), kAlreadyExists
// (taken IDs, a user or token bound already), kConditionsNotSatisfied (a
// state that does not allow the step, a replayed or expired nonce, an
// attestation for another key or serial), kSignatureInvalid (an E-form or
// receipt signature, an attestation chain), kSecurityStatus (not an officer,
// a revoked officer, a client certificate that is not the signer's),
// kInvalidArgument (malformed input), the directory's and the HSM's errors.
// A failed call changes nothing but the refusal's audit record.
//
// Thread-safe: the Database and the CaService are; HSM sessions come from a
// pool.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/bytes.hpp"
#include "common/ossl.hpp"
#include "common/status.hpp"
#include "services/ca/ca_service.hpp"
#include "services/ca/hsm_pool.hpp"
#include "services/directory/database.hpp"
#include "services/directory/stores/cms_store.hpp"
#include "services/directory/stores/user_store.hpp"

namespace tessera::cms {

struct CmsOptions {
  std::vector<Bytes> manufacturer_cas;  // DER; tokens must chain to one
  std::string ca;                       // issues user and officer certificates
  std::string hsm;                      // makes the users' keys
  std::int64_t nonce_lifetime = 300;    // seconds a nonce may wait for its v1
  std::int64_t v2_lifetime = 900;       // seconds v2 may wait for its countersignature
  std::int64_t clock_skew = 300;        // |v1.time - now| allowed
};

// Who calls: for the audit record and the officer checks.
struct Caller {
  std::string name;  // "cli:alice", a client certificate subject
  std::string request_id;
  Bytes client_certificate;  // DER of the TLS client certificate, or empty
};

struct RegisterTokenRequest {
  std::uint32_t serial = 0;
  Bytes token_key;       // SubjectPublicKeyInfo DER
  Bytes attestation;     // DER
  Bytes attestation_ca;  // DER
  Bytes chuid;
  std::string transport;                    // "sim", "pcsc", "usb"
  std::vector<std::string> used_key_slots;  // "9a", "9c", ...
};

struct EnrollOfficerRequest {
  std::string id;
  std::string name;
  std::string role = "officer";
  std::uint32_t token_serial = 0;
  Bytes public_key;  // SPKI DER of the key generated on the officer's token
};

struct NonceAnswer {
  Bytes nonce;
  std::int64_t expires_at = 0;
};

struct V2Answer {
  std::string request_id;
  std::string v2;  // the canonical JSON payload, to be countersigned as is
  std::int64_t expires_at = 0;
};

// The activation's answer: the binding, now active, and the PIV
// Authentication key (SP 800-73-4 slot 9A; profile piv-authentication) the
// token unwraps into 9A, with its certificate for 9A's container (5FC105).
struct ActivateAnswer {
  directory::BindingRecord binding;
  Bytes authentication_key_package;  // piv::EncodeKeyPackage, target 9A
  Bytes authentication_certificate;  // DER
};

struct BindAnswer {
  directory::BindingRecord binding;
  Bytes key_package;         // piv::EncodeKeyPackage
  Bytes certificate;         // DER
  std::vector<Bytes> chain;  // the CA's certificate up to the root
  std::vector<std::uint32_t> superseded_tokens;
};

class CmsService {
 public:
  CmsService(std::shared_ptr<directory::Database> db, std::shared_ptr<ca::CaService> ca,
             ca::HsmOpener opener, CmsOptions options);

  Result<directory::CmsTokenRecord> RegisterToken(const RegisterTokenRequest& request,
                                                  const Caller& caller);
  Status AddUser(const directory::UserRecord& user, const Caller& caller);
  // All rows or none; an error names the row (1-based, after the header).
  Result<std::size_t> ImportUsers(const std::vector<directory::UserRecord>& users,
                                  const Caller& caller);
  // The officer certificate (profile "officer") for a key on the officer's
  // token, recorded with the role. Returns the record (its certificate).
  Result<directory::OfficerRecord> EnrollOfficer(const EnrollOfficerRequest& request,
                                                 const Caller& caller);
  Result<NonceAnswer> IssueNonce(const Caller& caller);
  Result<V2Answer> SubmitV1(const std::string& v1_jws, const Caller& caller);
  Result<BindAnswer> Bind(const std::string& request_id, const std::string& v2_jws,
                          const Caller& caller);
  Result<ActivateAnswer> Activate(const std::string& receipt_jws, const Caller& caller);
  // Revokes the token's live binding and every unrevoked certificate on it.
  Result<directory::CmsTokenRecord> RevokeToken(std::uint32_t serial, int reason,
                                                const Caller& caller);

  const CmsOptions& options() const { return options_; }
  directory::Database& database() { return *db_; }
  ca::CaService& ca() { return *ca_; }

 private:
  // Writes "<action>.refused" with the error, in its own transaction; returns
  // `error` unchanged.
  Status Refuse(const std::string& action, const std::string& object, const Status& error,
                const Caller& caller);
  Result<directory::OfficerRecord> CheckOfficer(const std::string& officer_id, const Caller& caller,
                                                ossl::PkeyPtr* key);

  std::shared_ptr<directory::Database> db_;
  std::shared_ptr<ca::CaService> ca_;
  ca::HsmPool pool_;
  CmsOptions options_;
};

}  // namespace tessera::cms
