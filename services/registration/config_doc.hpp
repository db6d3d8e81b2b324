// The entitlement document of the registration gateway (seed 001 claims 5,
// 11, 18, 24; docs/registration-protocol.md "Entitlement document"): the
// configuration instructions that name the application servers a user may
// reach through the gateway, with their access paths and settings.
//
// The gateway signs it with its registration key (the one its certificate,
// issued by the issuer CA, certifies) as a compact JWS, ES256, with
//   typ "tessera-reg-config+jws", kid = hex SHA-256 of the server's SPKI,
// over RFC 8785 canonical JSON:
//   {"applications":[{"name","paths":[...],"settings":{...},"url_path"}],
//    "expires_at","form":"tessera-reg-config",
//    "gateway":{"certificate_sha256","url"},"issued_at","user_id_code","version"}
//
// The client (`tessera reg sync`) checks, in order (VerifyConfig):
//   1. the certificate against the issuer key read from the token, with the
//      token's own rules (common/registration/server_certificate.hpp);
//   2. its SPKI hash against the one K was registered with (the slot ID);
//   3. the JWS signature with the certificate's key, and the typ and kid;
//   4. the payload's form, fields and user ID code;
//   5. the version against the last one applied: lower is refused, equal
//      only with the same bytes (a replay of an older document fails).
// Errors: kInvalidArgument (malformed), kSignatureInvalid (signature or
// certificate issuer), kConditionsNotSatisfied (expired certificate or
// document, older version), kDataMismatch (another server's key, another
// user's document, key usage). Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/bytes.hpp"
#include "common/status.hpp"
#include "services/jose/jws.hpp"

namespace tessera::registration {

inline constexpr std::string_view kConfigForm = "tessera-reg-config";
inline constexpr std::string_view kConfigType = "tessera-reg-config+jws";

struct ConfigApplication {
  std::string name;
  std::string url_path;  // "/app/<name>"
  std::vector<std::string> paths;
  nlohmann::json settings = nlohmann::json::object();
};

struct ConfigDocument {
  std::int64_t version = 0;
  std::string user_id_code;
  std::int64_t issued_at = 0;
  std::int64_t expires_at = 0;
  std::string gateway_url;
  std::string certificate_sha256;  // lower-case hex
  std::vector<ConfigApplication> applications;
};

// The canonical JSON payload.
[[nodiscard]] Result<std::string> ConfigPayload(const ConfigDocument& doc);
[[nodiscard]] Result<ConfigDocument> ParseConfigPayload(std::string_view payload);

// The compact JWS; `signer` returns r || s (jose::JwsSigner).
[[nodiscard]] Result<std::string> SignConfig(const ConfigDocument& doc, ByteView spki_sha256,
                                             const jose::JwsSigner& signer);

struct ConfigCheck {
  ByteView certificate;           // the gateway certificate, DER
  ByteView issuer_point;          // from the token (F3 00)
  std::uint64_t host_time = 0;    // now
  std::uint64_t time_floor = 0;   // the token's floor (F3 00)
  ByteView expected_spki_sha256;  // the ID of K's slot
  std::string expected_uidc;
  std::optional<std::int64_t> applied_version;  // none: nothing applied yet
  std::string applied_jws;                      // the document applied last
};

[[nodiscard]] Result<ConfigDocument> VerifyConfig(std::string_view jws, const ConfigCheck& check);

}  // namespace tessera::registration
