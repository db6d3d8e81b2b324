// SoftTokenService: the soft-token service of seed 002 (issue 15;
// docs/softtoken-api.md, docs/softtoken-format.md), without a transport.
// tesserad's routes (st_routes.hpp, the page in st_page.hpp) and the tessera
// CLI (`softtoken init` on the service host) call it.
//
// The claims, step by step:
//   Init           the issuer key in the HSM, certified by the issuer CA
//                  (profile softtoken-issuer)
//   Challenge      a server nonce for channel 1
//   CreateRequest  channel 1: the device proves its secure-element key
//                  (attestation to the manufacturer CA, a signature over
//                  the nonce and the TLS connection); a one-time password
//                  is registered as the identifier of channel 1 and
//                  returned to be shown on the device
//   Poll           channel 1 again, the key proving itself on each call:
//                  the state, the comparison code, the soft token
//   Match          channel 2 (TLS client auth by the ID token's 9A
//                  certificate): the card's status first, then the OTP
//                  (constant time, counted tries); only on a match are the
//                  attributes read, and the comparison code made
//   Approve        the user confirmed the codes agree: the soft token is
//                  signed and delivered as the request asked
//   Reject         the user saw different codes: the request ends
//   StatusList     the IETF token status list of the issued soft tokens
//   Maintain       expired requests deleted, nonces purged, X.509 soft
//                  certificates of revoked cards revoked at the CA
// Every state change writes an audit record in its transaction; a refusal
// writes "<action>.refused" in a transaction of its own.
//
// Errors (docs/softtoken-api.md maps each to HTTP): kInvalidArgument
// (malformed input), kNotFound (no such request or token; no pending
// request for a typed password), kPinIncorrect (a wrong password, detail
// = the tries left; 0: burned), http::HttpFault::kGone (expired, burned,
// refused), kConditionsNotSatisfied (a step out of order: a used nonce or
// password, a request past the state the step needs), kSecurityStatus (a
// proof or attestation that does not verify, a card revoked or not bound,
// another client certificate than the match's), kUnavailable (not
// initialised, too many pending requests), the directory's and HSM's.
//
// Thread-safe: the Database and the CaService are; HSM sessions come from a
// pool; the status-list cache has its own lock.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/bytes.hpp"
#include "common/status.hpp"
#include "services/ca/ca_service.hpp"
#include "services/ca/hsm_pool.hpp"
#include "services/directory/database.hpp"

namespace tessera::directory {
struct SoftTokenRequestRecord;
}

namespace tessera::softtoken {

struct IdToken;

struct SoftTokenOptions {
  std::string issuer = "default";  // the st_issuers row
  std::string public_url;          // https://host:port as clients reach it (iss, status URI)
  // Asked when public_url is empty: tesserad's first listener as bound (a
  // port 0 resolved), known only once the server runs.
  std::function<std::string()> public_url_source;
  std::int64_t otp_lifetime = 300;  // a request, from its creation
  int otp_tries = 5;
  std::int64_t nonce_lifetime = 120;
  std::int64_t token_lifetime = 30 * 86400;  // capped by the ID certificate's notAfter
  std::int64_t status_ttl = 300;             // the status list's ttl and cache time
  std::int64_t max_pending = 8192;           // pending requests; the handle space is 32768
  std::vector<Bytes> manufacturer_cas;       // DER: who may attest a device key
};

struct Caller {
  std::string name;  // "cli:alice", "http:127.0.0.1:5555"
  std::string request_id;
};

struct InitRequest {
  std::string name = "default";
  std::string hsm;
  std::string ca;
  std::string subject_cn;  // empty: "Tessera soft-token issuer <name>"
};
struct InitAnswer {
  std::string name;
  Bytes certificate;
  std::vector<Bytes> chain;  // the issuer CA's certificate up to the root
};

struct Challenge {
  Bytes nonce;
  std::int64_t expires_at = 0;
};

// Channel 1's request, as the device sends it.
struct DeviceRequest {
  Bytes nonce;
  std::uint32_t serial = 0;
  std::uint8_t slot = 0x9E;
  Bytes device_key;      // SubjectPublicKeyInfo DER
  Bytes attestation;     // the ATTEST statement for `slot`, DER
  Bytes attestation_ca;  // the token's F9 certificate, DER
  Bytes signature;       // ES256 r || s over RequestProofMessage
  std::string deliver = "both";
  std::string format = "sd-jwt-vc";
  Bytes exporter;  // the connection's tls-exporter
};
struct RequestCreated {
  std::string id;
  std::string otp;  // "ABCDE-FGHJK": shown on the device, stored only hashed
  std::int64_t expires_at = 0;
  int tries = 0;
};

struct PollAnswer {
  std::string state;  // pending matched issued burned expired refused
  int tries_left = 0;
  std::string comparison;  // once matched
  std::string format;
  std::string soft_token;  // once issued, when delivered to the device
  std::int64_t expires_at = 0;
};

// Channel 2's caller: its verified client certificate and connection.
struct IdCaller {
  Bytes certificate;  // DER; empty: none was presented
  Bytes exporter;
};

using Attributes = std::vector<std::pair<std::string, std::string>>;

struct MatchAnswer {
  std::string request_id;
  std::string comparison;
  Attributes attributes;     // what the soft token will bind
  std::string confirmation;  // base64url; the approval must bring it back
  std::string format;
  std::string deliver;
  std::int64_t expires_at = 0;
};

struct ApproveAnswer {
  std::string request_id;
  std::string token_id;
  std::string format;
  std::string soft_token;  // when delivered to the computer
  std::string status_uri;
  std::int64_t status_index = 0;
  std::int64_t expires_at = 0;
};

struct MaintenanceReport {
  std::int64_t requests_expired = 0;
  std::int64_t nonces_purged = 0;
  std::int64_t certificates_revoked = 0;
};

class SoftTokenService {
 public:
  SoftTokenService(std::shared_ptr<directory::Database> db, std::shared_ptr<ca::CaService> ca,
                   ca::HsmOpener opener, SoftTokenOptions options);
  ~SoftTokenService();
  SoftTokenService(const SoftTokenService&) = delete;
  SoftTokenService& operator=(const SoftTokenService&) = delete;

  Result<InitAnswer> Init(const InitRequest& request, const Caller& caller);

  // ---- channel 1: the device ----
  Result<Challenge> NewChallenge(const Caller& caller);
  Result<RequestCreated> CreateRequest(const DeviceRequest& request, const Caller& caller);
  Result<PollAnswer> Poll(const std::string& request_id, ByteView signature, ByteView exporter,
                          const Caller& caller);

  // ---- channel 2: the user's computer ----
  // The card's subject and status, for the page before anything is typed.
  Result<std::string> CardSubject(const IdCaller& id);
  Result<MatchAnswer> Match(std::string_view typed_otp, const IdCaller& id, const Caller& caller);
  Result<ApproveAnswer> Approve(const std::string& request_id, std::string_view confirmation,
                                std::string_view comparison, const IdCaller& id,
                                const Caller& caller);
  Status Reject(const std::string& request_id, std::string_view confirmation, const IdCaller& id,
                const Caller& caller);
  // The soft token of an approved request, for the card that approved it.
  Result<ApproveAnswer> Fetch(const std::string& token_id, const IdCaller& id);

  // ---- verifiers ----
  Result<std::string> StatusList(const std::string& list);
  Result<std::vector<Bytes>> IssuerCertificates();

  Result<MaintenanceReport> Maintain();

  std::int64_t Now() const { return ca_->Now(); }
  // options().public_url, else what public_url_source says.
  std::string PublicUrl() const;
  const SoftTokenOptions& options() const { return options_; }

  struct Issuer;  // st_issuers row, certificate, chain (st_common.hpp)

 private:
  Status Refuse(const std::string& action, const std::string& object, const Status& error,
                const Caller& caller);
  Result<std::shared_ptr<const Issuer>> CurrentIssuer();
  // Signs the soft token of a matched request and stores it with its
  // status-list index, the request issued, in one transaction.
  Result<ApproveAnswer> IssueFor(const Issuer& issuer, const directory::SoftTokenRequestRecord& row,
                                 const Attributes& attributes, const IdToken& card,
                                 std::int64_t now, const Caller& caller);

  std::shared_ptr<directory::Database> db_;
  std::shared_ptr<ca::CaService> ca_;
  ca::HsmPool pool_;
  SoftTokenOptions options_;
  std::mutex mutex_;
  std::shared_ptr<const Issuer> issuer_;
  struct CachedList {
    std::string jwt;
    std::int64_t made_at = 0;
  };
  std::map<std::string, CachedList> lists_;  // under mutex_
};

}  // namespace tessera::softtoken
