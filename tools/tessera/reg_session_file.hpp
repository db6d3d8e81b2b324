// The state `tessera reg` keeps between commands (docs/cli.md "The
// registration gateway"):
//
// - the login session, in $XDG_RUNTIME_DIR/tessera/reg-session.json (else
//   /tmp/tessera-<uid>/reg-session.json; TESSERA_REG_SESSION overrides the
//   path), mode 0600, never under TESSERA_HOME: it holds the session's
//   record keys (derived from SES, which ends with the session) and lives
//   only as long as the login does;
// - the applied entitlement document, TESSERA_HOME/reg/client.json, mode
//   0600, written by `reg sync` only after every check passed, and read by
//   `reg call` before anything is sent.
//
// Both are written whole (private_file.hpp). Errors: kNotFound ("log in
// first", "sync first"), kInvalidArgument for a file that is not ours
// (naming the path and the field), kSecurityStatus for a file others can
// read. Not thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/bytes.hpp"
#include "common/secure_bytes.hpp"
#include "common/status.hpp"
#include "services/registration/config_doc.hpp"

namespace tessera::cli {

struct RegSession {
  std::string server;   // https://host:port
  std::string ca_file;  // what verified its TLS certificate
  std::uint32_t token = 0;
  std::uint8_t slot = 0;  // where K is
  std::string user_id_code;
  std::string session_id;
  SecureBytes c2s_key;
  SecureBytes s2c_key;
  std::uint64_t seq = 0;  // the last request sent and answered
  std::int64_t expires_at = 0;
  std::int64_t idle_timeout = 0;
  Bytes issuer_point;  // read from the token at login (F3 00)
  std::uint64_t time_floor = 0;
  Bytes spki_sha256;  // K's slot ID: the gateway key K was registered with
};

std::filesystem::path RegSessionPath();
Status SaveRegSession(const RegSession& session);
Result<RegSession> LoadRegSession();
Status RemoveRegSession();

struct AppliedConfig {
  std::string document;  // the JWS as received
  registration::ConfigDocument parsed;
  Bytes certificate;  // the gateway certificate it was checked with
};

std::filesystem::path ClientConfigPath(const std::filesystem::path& home);
Status SaveClientConfig(const std::filesystem::path& home, const AppliedConfig& config);
Result<AppliedConfig> LoadClientConfig(const std::filesystem::path& home);

}  // namespace tessera::cli
