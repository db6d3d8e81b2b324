// CaService: the certificate authority (docs/ca.md), without a transport.
// tesserad's routes (ca_routes.hpp) and the tessera CLI (tools/tessera) both
// call it; the CMS will too.
//
// Everything lasting is in the directory (CAs, certificates, revocations,
// CRLs, the audit log) or in the HSM (the CA and OCSP responder keys, which
// never leave it), so any number of services may run on one directory.
// Every change is one directory transaction together with its audit record
// and, for a revocation, the new CRL (DESIGN.md "Directory": a change that
// must reach another system is written in the same transaction).
//
// Errors: kNotFound for an unknown CA, profile or serial; kAlreadyExists for
// a CA name taken or a serial revoked already; kSignatureInvalid for a CSR
// whose signature fails; kInvalidArgument for a request that breaks a
// profile's rules; the directory's kUnavailable, the HSM's errors (a wrong
// PIN is kSecurityStatus) otherwise. A failed call changes nothing.
//
// Thread-safe: HSM sessions come from a pool (one thread per session), the
// Database is thread-safe, the caches are locked.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/bytes.hpp"
#include "common/status.hpp"
#include "hsm/signing_key.hpp"
#include "services/audit/audit_log.hpp"
#include "services/ca/hsm_pool.hpp"
#include "services/directory/database.hpp"
#include "services/directory/stores/ca_store.hpp"

namespace tessera::ca {

struct CaOptions {
  // "http://127.0.0.1:8080": certificates then carry the CRL distribution
  // point BASE/ca/ISSUER/crl and the AIA OCSP URL BASE/ca/ISSUER/ocsp.
  // Empty: neither extension.
  std::string base_url;
  std::int64_t crl_validity = 24 * 3600;  // nextUpdate - thisUpdate
  std::int64_t crl_refresh = 12 * 3600;   // a CRL this old is re-issued
  std::int64_t ocsp_validity = 3600;      // nextUpdate - thisUpdate of an answer
  std::int64_t ocsp_refresh = 1800;       // a cached answer this old is re-signed
  std::size_t ocsp_cache_entries = 100000;
  std::size_t idle_sessions = 8;  // per HSM
  // The delegated OCSP responder's certificate is re-issued (same key) when
  // less than this is left of it.
  std::int64_t responder_renew_before = 10 * 24 * 3600;
};

using Clock = std::function<std::int64_t()>;  // unix seconds
std::int64_t SystemClock();

// Who asks, for the audit record.
struct Actor {
  std::string name;        // "cli:alice", a client certificate subject
  std::string request_id;  // the HTTP request ID or the CLI's own
};

struct InitRequest {
  std::string name;
  std::string hsm;
  hsm::SigningKeyType key_type = hsm::SigningKeyType::kP256;
  std::string subject;                // RFC 4514 or /A=b/C=d; empty: "CN=<name>"
  std::optional<std::string> parent;  // none: a self-signed root
};

struct IssueRequest {
  std::string ca;
  std::string profile;
  Bytes csr;  // PEM or DER
  std::optional<std::string> user_id;
};

struct RevokeRequest {
  std::string ca;
  Bytes serial;  // unsigned big-endian
  int reason = 0;
};

// A certificate for a public key the caller vouches for (the CMS generated
// the key in its HSM, so no CSR proves possession): the subject as
// attribute/value pairs in order ("CN", "O", "UID", "serialNumber", ...),
// an optional e-mail address for the subjectAltName. notAfter is the
// earliest of now + the profile's validity, the CA certificate's notAfter
// and `not_after` (a soft token must not outlive the ID card certificate it
// was issued on); a cap at or before now is kInvalidArgument.
struct KeyIssueRequest {
  std::string ca;
  std::string profile;
  Bytes public_key;  // SubjectPublicKeyInfo DER
  std::vector<std::pair<std::string, std::string>> subject;
  std::optional<std::string> email;
  std::optional<std::string> user_id;
  std::optional<std::uint32_t> token_serial;
  std::optional<std::int64_t> not_after;  // unix seconds; a cap, never an extension
};

// A signed certificate not yet stored: the caller stores it in its own
// transaction with StoreIssued, together with what it belongs to. Until then
// it is in no directory, no CRL and no OCSP answer; if the caller's
// transaction fails the certificate is dropped.
struct PreparedCertificate {
  directory::CertificateRecord record;
  audit::AuditEvent event;
};

struct OcspAnswer {
  Bytes der;                     // an OCSPResponse, whatever its status
  std::int64_t this_update = 0;  // 0 for an error status
  std::int64_t next_update = 0;
};

class OcspCache;
struct CaContext;
class ContextCache;

class CaService {
 public:
  CaService(std::shared_ptr<directory::Database> db, HsmOpener opener, CaOptions options,
            Clock clock = SystemClock);
  ~CaService();
  CaService(const CaService&) = delete;
  CaService& operator=(const CaService&) = delete;

  Result<directory::CaRecord> Init(const InitRequest& request, const Actor& actor);
  Result<directory::CertificateRecord> Issue(const IssueRequest& request, const Actor& actor);
  Result<directory::RevocationRecord> Revoke(const RevokeRequest& request, const Actor& actor);

  Result<std::vector<directory::CaRecord>> List();

  // Composable steps for a service that issues or revokes as part of its own
  // directory transaction (the CMS binding a user, seed 000 claim 3).
  // PrepareForKey signs in the HSM and touches no table; StoreIssued inserts
  // the record and its audit record in `tx`. RevokeWithin revokes each
  // (ca, serial) in `tx` with its audit record and stores one new CRL per CA
  // it touched (signed in the HSM inside the transaction, so a retried body
  // signs again); kNotFound / kAlreadyExists as Revoke. After the caller's
  // transaction commits, ForgetRevoked drops the serials' cached OCSP
  // answers (calling it before the commit too is harmless).
  Result<PreparedCertificate> PrepareForKey(const KeyIssueRequest& request, const Actor& actor);
  Status StoreIssued(directory::SqlTransaction& tx, const PreparedCertificate& prepared,
                     std::int64_t now);
  Status RevokeWithin(directory::SqlTransaction& tx, const std::vector<RevokeRequest>& requests,
                      const Actor& actor, std::int64_t now);
  void ForgetRevoked(const std::vector<RevokeRequest>& requests);
  std::int64_t Now() const { return clock_(); }
  // The CA's certificate (DER).
  Result<Bytes> Certificate(const std::string& ca);
  // The CA's certificate, then its parent's, up to the root.
  Result<std::vector<Bytes>> Chain(const std::string& ca);
  // The newest CRL, re-issued first when it is past its refresh point.
  Result<directory::CrlRecord> CurrentCrl(const std::string& ca);
  // Re-issues every CA's CRL that is past its refresh point and renews OCSP
  // responder certificates near their end (tesserad calls it on a timer).
  Status EnsureFresh(std::int64_t now);

  // An OCSPResponse for `request_der` (RFC 6960). A malformed request is
  // answered malformedRequest, a CertID of another issuer unauthorized
  // (RFC 6960 §2.3). kNotFound only when the CA itself is unknown.
  Result<OcspAnswer> AnswerOcsp(const std::string& ca, ByteView request_der);

  const CaOptions& options() const { return options_; }

 private:
  Result<std::shared_ptr<const CaContext>> Context(const std::string& ca);
  Status RefreshCa(const CaContext& context, std::int64_t now, bool force_crl);
  Status RenewResponder(const CaContext& context, std::int64_t now);
  std::string Url(const std::string& ca, const char* what) const;

  std::shared_ptr<directory::Database> db_;
  HsmPool pool_;
  CaOptions options_;
  Clock clock_;
  std::unique_ptr<ContextCache> contexts_;
  std::unique_ptr<OcspCache> ocsp_cache_;
};

}  // namespace tessera::ca
