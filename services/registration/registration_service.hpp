// RegistrationService: the registration gateway of seed 001 (issue 14;
// docs/registration-protocol.md, docs/registration-api.md), without a
// transport. tesserad's routes (reg_routes.hpp) and the tessera CLI
// (administrative commands on the gateway host) both call it.
//
// The claims, step by step:
//   Init                 the gateway's P-256 key, KEK and UIDC key in the HSM,
//                        its certificate from the issuer CA (profile
//                        registration-server; claims 6, 7)
//   IssueCode            a one-time enrolment code for a directory user
//   Start    (R0)        the certificate and the registration template
//   Exchange (R1 -> R2)  ECDH in the HSM opens SSK1 and the user
//                        identification; the credential is checked; SSK2
//                        and the UIDC answer under a key from SSK1; K is
//                        kept wrapped under the KEK (claims 1, 2, 8)
//   Confirm  (R3)        K confirmed; the code spent; the user's earlier
//                        registration superseded
//   OpenSession (A1->A2) and FinishSession (A3): mutual authentication with
//                        MACs under K inside the HSM, and SES (claims 3, 4)
//   Entitlements         the signed configuration document under SES
//                        (claim 5)
//   Forward              a request to an entitled application server
//   CloseSession         logout
// Every state change writes an audit record in its transaction; a refusal
// writes "<action>.refused" in a transaction of its own.
//
// Errors (docs/registration-api.md maps them to HTTP): kInvalidArgument
// (malformed messages, JSON or user identification), kNotFound (unknown
// registration, session, user, app), kConditionsNotSatisfied (a replay: a
// row past the state the step needs, expired, an out-of-order sequence
// number), kSecurityStatus (no or a bad credential, a MAC that does not
// verify, a call outside the entitlements), kSignatureInvalid (C1 or a
// session record does not open, R3's MAC is wrong), kUnauthenticated-like
// session faults as http::HttpFault::kSessionRequired (401), an unreachable
// application as kBadGateway (502); the directory's and the HSM's errors.
//
// Thread-safe: the Database and the CaService are; HSM sessions come from a
// pool; the session-key cache has its own lock.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/bytes.hpp"
#include "common/status.hpp"
#include "services/ca/ca_service.hpp"
#include "services/ca/hsm_pool.hpp"
#include "services/directory/database.hpp"
#include "services/directory/stores/reg_store.hpp"

namespace tessera::registration {

class SessionKeyCache;

// The registration template of R0 when none is configured.
inline constexpr std::string_view kDefaultTemplate =
    R"({"fields":[{"label":"User ID","name":"user","required":true}]})";

struct RegistrationOptions {
  std::string server = "default";  // the reg_servers row
  bool open = false;               // the seed's "anyone holding a token": no code needed
  std::string template_json{kDefaultTemplate};
  std::string public_url;  // the gateway's URL as clients reach it (documents)
  std::int64_t hello_lifetime = 300;
  std::int64_t pending_lifetime = 600;
  std::int64_t session_idle = 900;
  std::int64_t session_lifetime = 28800;
  std::int64_t document_lifetime = 86400;
};

struct Caller {
  std::string name;  // "cli:alice", "http:127.0.0.1:5555"
  std::string request_id;
};

struct InitRequest {
  std::string name = "default";
  std::string hsm;
  std::string ca;
  std::string subject_cn;  // empty: "Tessera registration gateway <name>"
};

struct InitAnswer {
  directory::RegServerRecord server;
  Bytes issuer_certificate;  // DER: what `personalize --issuer-key` embeds
};

struct IssuedCode {
  std::string code;  // shown once; only its hash is kept
  std::string user_id;
  std::int64_t expires_at = 0;
};

struct StartAnswer {
  std::string registration_id;
  Bytes server_hello;  // R0
  std::string template_json;
  Bytes certificate;
  std::vector<Bytes> chain;  // the issuer CA's certificate up to the root
  std::int64_t expires_at = 0;
};

// The enrolment credential of a CMS-bound token (seed 000): the
// certificate of the token's 9C key, which the CMS issued to the user and
// bound to this token, and that key's ECDSA-SHA256 signature over TH2
// (DER), which binds the proof to this one exchange.
struct CmsProof {
  std::uint32_t token_serial = 0;
  Bytes certificate;
  Bytes signature;
};

struct ExchangeAnswer {
  Bytes server_message;  // R2
  std::int64_t expires_at = 0;
};

struct ConfirmAnswer {
  std::string registration_id;
  std::string user_id_code;
  std::int64_t registered_at = 0;
};

struct SessionChallenge {
  std::string session_id;
  Bytes server_message;  // A2
  std::int64_t expires_at = 0;
};

struct SessionOpened {
  std::string session_id;
  std::string user_id_code;
  std::int64_t expires_at = 0;
  std::int64_t idle_timeout = 0;
};

// A session record as it travels: {"seq": n, "ct": base64url}.
struct SealedRecord {
  std::uint64_t seq = 0;
  Bytes ct;
};

// What a sealed request to an application carries, and what comes back.
struct AppRequest {
  std::string method;
  std::string query;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};
// One request to an application server, and its reply: what the gateway
// forwards once the entitlements allow it.
struct AppCall {
  std::string base_url;  // the reg_apps row's URL
  std::string method;
  std::string target;  // path and query on the application
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Set by the gateway, replacing any field of the same name the client
  // sent (X-Tessera-User-Code).
  std::vector<std::pair<std::string, std::string>> added;
};
struct AppReply {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};
// Sends a call (tesserad: services/registration/app_forwarder.hpp over
// HTTP/1.1 with timeouts); kUnavailable when the application does not
// answer. Called from many threads at once.
using AppSender = std::function<Result<AppReply>(const AppCall&)>;

class RegistrationService {
 public:
  // `send` may be empty where nothing is forwarded (the CLI): Forward is
  // then kUnavailable.
  RegistrationService(std::shared_ptr<directory::Database> db, std::shared_ptr<ca::CaService> ca,
                      ca::HsmOpener opener, RegistrationOptions options, AppSender send = {});
  ~RegistrationService();
  RegistrationService(const RegistrationService&) = delete;
  RegistrationService& operator=(const RegistrationService&) = delete;

  // ---- administration (the CLI on the gateway host) ----
  Result<InitAnswer> Init(const InitRequest& request, const Caller& caller);
  Result<IssuedCode> IssueCode(const std::string& user_id, std::int64_t lifetime,
                               const Caller& caller);
  Status AddApp(const directory::RegAppRecord& app, const Caller& caller);
  Status RemoveApp(const std::string& name, const Caller& caller);
  Result<std::vector<directory::RegAppRecord>> ListApps();
  // The user's config version afterwards (none: not registered yet).
  Result<std::optional<std::int64_t>> Grant(const std::string& user_id, const std::string& app,
                                            const std::vector<std::string>& paths,
                                            const Caller& caller);
  Result<std::optional<std::int64_t>> Revoke(const std::string& user_id, const std::string& app,
                                             const Caller& caller);

  // ---- registration (claims 1, 2, 6-8) ----
  Result<StartAnswer> Start(const Caller& caller);
  Result<ExchangeAnswer> Exchange(const std::string& registration_id, ByteView client_message,
                                  const std::optional<CmsProof>& proof, const Caller& caller);
  Result<ConfirmAnswer> Confirm(const std::string& registration_id, ByteView client_message,
                                const Caller& caller);

  // ---- login (claims 3, 4) ----
  Result<SessionChallenge> OpenSession(ByteView client_message, const Caller& caller);
  Result<SessionOpened> FinishSession(const std::string& session_id, ByteView client_message,
                                      const Caller& caller);

  // ---- session records (claim 5, the gateway to applications) ----
  // `path` is the HTTP request's path as the record's AAD binds it.
  Result<SealedRecord> Entitlements(const std::string& session_id, const std::string& path,
                                    const SealedRecord& request, const Caller& caller);
  Result<SealedRecord> Forward(const std::string& session_id, const std::string& app,
                               const std::string& app_path, const std::string& path,
                               const SealedRecord& request, const Caller& caller);
  Status CloseSession(const std::string& session_id, const std::string& path,
                      const SealedRecord& request, const Caller& caller);

  // Expires registrations and sessions past their deadlines, deletes closed
  // sessions older than a day (tesserad's maintenance task).
  Status Maintain();

  const RegistrationOptions& options() const { return options_; }
  directory::Database& database() { return *db_; }
  // The CA's clock (tests give the CaService a clock of their own).
  std::int64_t Now() const { return ca_->Now(); }

 private:
  struct ServerContext;
  struct OpenedRecord;

  Status Refuse(const std::string& action, const std::string& object, const Status& error,
                const Caller& caller);
  Result<std::shared_ptr<const ServerContext>> Server();
  Result<OpenedRecord> OpenRequest(const std::string& session_id, const std::string& method,
                                   const std::string& path, const SealedRecord& request);
  Result<SealedRecord> SealAnswer(const OpenedRecord& opened, int status, ByteView plaintext);

  std::shared_ptr<directory::Database> db_;
  std::shared_ptr<ca::CaService> ca_;
  ca::HsmPool pool_;
  RegistrationOptions options_;
  std::unique_ptr<SessionKeyCache> keys_;
  AppSender send_;
  std::mutex server_mutex_;
  std::shared_ptr<const ServerContext> server_;
};

}  // namespace tessera::registration
