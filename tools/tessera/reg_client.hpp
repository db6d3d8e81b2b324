// The user's side of the registration gateway (seed 001; docs/cli.md "The
// registration gateway"): the flows behind `tessera reg register | login |
// sync | call | logout`, over HttpsClient to tesserad and host::PivClient to
// the token (any host/transport route: the sim socket, PC/SC, USB). The
// token does its half of the protocol itself (F3): it checks the gateway's
// certificate, keeps K, and gives back SES only. The CLI never pre-checks
// what the token checks.
//
// Errors: the token's (host/card/piv_client.hpp F3) and tesserad's
// (HttpsClient: problem+json as Status), each prefixed with the step that
// failed; kNotFound for no registration key on the token or no session.
// Not thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "common/status.hpp"
#include "host/card/piv_client.hpp"
#include "services/registration/config_doc.hpp"
#include "tools/tessera/client/https_client.hpp"
#include "tools/tessera/reg_session_file.hpp"

namespace tessera::cli {

struct RegisterOutcome {
  std::string registration_id;
  std::string user_id_code;
  std::uint8_t slot = 0;
  std::int64_t registered_at = 0;
};

// R0..R3: the user's K into the token. `code` may be empty on an open
// gateway, or when `cms_pin` is given: then the credential is the token's
// CMS binding (seed 000), proved by the 9C key's signature over TH2 (the
// PIN is verified again for it: 9C's policy is "always"). A registration
// key for the same gateway key is replaced in its own slot (a re-run after
// a token was pulled mid-exchange).
Result<RegisterOutcome> RegisterToken(HttpsClient& http, host::PivClient& piv,
                                      const std::string& user, const std::string& code,
                                      const SecureBytes* cms_pin, std::uint64_t now);

// The registration key to log in with: `slot` when given, else the token's
// only one; kNotFound when it has none, kInvalidArgument when several and
// no --slot.
Result<host::SecretKeyInfo> FindRegistrationKey(host::PivClient& piv,
                                                std::optional<std::uint8_t> slot);

// A1..A3; the session (not yet saved). The PIN must be verified when K's
// policy asks for it.
Result<RegSession> Login(HttpsClient& http, host::PivClient& piv, const host::SecretKeyInfo& key);

// One sealed request in the session: seq + 1, sealed, sent with `method`,
// the answer opened (DELETE has none). The session's seq advances when the
// gateway took the number (docs/registration-api.md).
Result<std::string> SessionCall(
    HttpsClient& http, RegSession& session, const std::string& method, const std::string& path,
    const std::string& plaintext,
    const std::vector<std::pair<std::string, std::string>>& headers = {});

// `reg sync`: the entitlement document fetched, verified (the issuer key
// from the login, the slot's gateway key, the version against the applied
// one) and written to client.json. Returns what was applied.
Result<AppliedConfig> SyncEntitlements(HttpsClient& http, RegSession& session,
                                       const std::filesystem::path& home, std::uint64_t now);

}  // namespace tessera::cli
