// The typed results of PivClient's registration methods: the token's half
// of the registration protocol (seed 001, issue 14), the PIV instruction F3
// REGISTRATION (docs/piv-extensions.md "F3"; the protocol itself is
// docs/registration-protocol.md). The messages R0..R3 and A1..A3 travel as
// their exact bytes, built and read by common/registration/messages.hpp;
// these types only carry what the token answers besides them. K never
// leaves the token; SES, the session key of one login, comes back as
// SecureBytes. Plain value types; thread-compatible.
#pragma once

#include <cstdint>
#include <optional>

#include "common/bytes.hpp"
#include "common/secure_bytes.hpp"
#include "host/card/piv_secret_keys.hpp"

namespace tessera::host {

// F3 00: what the token checks a gateway certificate against.
struct RegistrationInfo {
  // The issuer's P-256 point, 04 || X || Y (card-manager key ID 10); none
  // until an issuer key is embedded (tessera personalize --issuer-key).
  std::optional<Bytes> issuer_point;
  std::uint8_t issuer_kvn = 0;   // 0 when there is no issuer key
  std::uint64_t time_floor = 0;  // Unix seconds; 0 before the first registration
};

// F3 02: the registration is complete on the token.
struct RegistrationResult {
  Bytes confirm;          // R3, E4 { 8D Mconf }, for the gateway
  std::uint8_t slot = 0;  // C0..DF, where K is stored
  // K's metadata: type generic (20), 32 bytes, origin derived, usage 0040
  // (registration) only, label "reg " + UIDC, ID SHA-256 of the server's
  // SubjectPublicKeyInfo.
  SecretKeyInfo key;
};

// F3 04: the login is complete on the token.
struct AuthResult {
  Bytes finish;             // A3, E7 { 92 Mc }, for the gateway
  SecureBytes session_key;  // SES, 32 bytes
};

}  // namespace tessera::host
