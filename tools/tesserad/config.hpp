// tesserad's configuration (docs/tesserad.md): a file of `key = value` lines
// in [sections], TOML-like, and a flag for every key; flags win over the file,
// the file over the defaults.
//
//   listen = https://0.0.0.0:8443        # repeatable (a line each, or a comma list)
//   listen = http://0.0.0.0:8080         # plain HTTP (CRL and OCSP, RFC 5019)
//   listen = unix:/run/tessera/tesserad.sock
//   directory = postgresql://tessera@db/tessera
//   hsm = ca-hsm
//   services = ca
//   [tls]
//   cert = /etc/tessera/tls.pem
//   key = /etc/tessera/tls.key           # mode 0600
//   client_ca = /etc/tessera/clients.pem
//   [limits]
//   body_bytes = 1048576
//   [ca]
//   base_url = http://ca.example.org:8080
//
// A key in section S is "S.key"; its flag is "--S-key" with '_' as '-'
// (tls.client_ca -> --tls-client-ca). '#' starts a comment; a value may be
// in double quotes. Errors name the key and where it came from
// ("tesserad.conf:12: limits.body_bytes: ..." or "flag --threads: ...").
// Value types; stateless functions.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.hpp"
#include "services/http/server_config.hpp"

namespace tessera::tesserad {

struct KeySpec {
  const char* key;   // "tls.client_ca"
  const char* help;  // for --help
  bool list;         // repeatable / comma list
};

// Every key, in the order --help shows them.
const std::vector<KeySpec>& ConfigKeys();
// "--tls-client-ca" for "tls.client_ca".
std::string FlagFor(std::string_view key);

struct Setting {
  std::string value;
  std::string where;  // "FILE:LINE" or "flag --x"
};
// Raw settings by key; a list key holds one entry per value.
using Settings = std::map<std::string, std::vector<Setting>>;

// Parses a config file's text. kInvalidArgument "ORIGIN:LINE: ..." for a
// malformed line, an unknown section or key, or a key given twice.
Result<Settings> ParseConfigFile(std::string_view text, std::string_view origin);

// `flags` replace the file's settings key by key.
Settings Merge(Settings file, const Settings& flags);

// [registration] (seed 001, docs/registration-api.md); times in seconds.
struct RegistrationConfig {
  std::string server = "default";
  bool open = false;
  std::string template_file;  // empty: the built-in template
  std::string public_url;     // empty: the first listener's URL
  std::string app_ca_file;
  std::int64_t hello_lifetime = 300;
  std::int64_t pending_lifetime = 600;
  std::int64_t session_idle = 900;
  std::int64_t session_lifetime = 28800;
};

// [softtoken] (seed 002, docs/softtoken-api.md); times in seconds.
struct SoftTokenConfig {
  std::string issuer = "default";
  std::string public_url;  // empty: the first listener's URL
  std::int64_t otp_lifetime = 300;
  int otp_tries = 5;
  std::int64_t token_lifetime = 30 * 86400;
  std::int64_t status_ttl = 300;
  std::int64_t max_pending = 8192;
};

struct DaemonConfig {
  http::ServerConfig server;
  std::string directory;  // empty: sqlite:TESSERA_HOME/directory.db
  std::string hsm;        // empty: no HSM (and no HSM health probe)
  std::vector<std::string> services;
  std::string home;        // empty: TESSERA_HOME's own rules
  std::string access_log;  // empty: stderr
  // [ca] base_url: the URL certificates name for the CRL and OCSP
  // (CaOptions::base_url); empty: no CRL DP / AIA extensions.
  std::string ca_base_url;
  // The CMS (seed 000, docs/cms-api.md): the manufacturer CA certificates
  // tokens' attestations must chain to (files, PEM or DER); the CA that
  // issues user and officer certificates.
  std::vector<std::string> manufacturer_cas;
  std::string cms_ca;
  RegistrationConfig registration;
  SoftTokenConfig softtoken;
};

// Checks and converts every value; `known_services` are the names
// --services may list. kInvalidArgument "WHERE: KEY: why".
Result<DaemonConfig> BuildConfig(const Settings& settings,
                                 const std::set<std::string>& known_services);

}  // namespace tessera::tesserad
