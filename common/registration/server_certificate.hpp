// The check of the gateway's certificate in the registration protocol
// (seed 001 claims 6, 7, 12, 13; issue 14; docs/registration-protocol.md).
// The token runs it before it encrypts anything to the server's key, as
// GlobalPlatform SCP11a's card checks the off-card entity's certificate
// against the CA key it holds (GPC Amendment F §5.1). The issuer's key is
// the one embedded in the token at personalization.
//
// The certificate must be:
//   - X.509 v3, one certificate, signed with ecdsa-with-SHA256 by the issuer
//     key (one level: the issuer signs the gateway's certificate directly);
//   - for a P-256 key, with keyUsage present and keyAgreement in it, the
//     extended key usage id-kp-tesseraRegServer, and no CA:TRUE;
//   - valid at the host's time, which may not be below the token's floor
//     (the latest time a registration completed at).
// Errors, in the order checked (the token maps them to status words):
//   kInvalidArgument   unparseable, not v3, not P-256, not ecdsa-with-SHA256,
//                      or an issuer point that is not on P-256 (6A80);
//   kSignatureInvalid  not signed by the issuer key (6300);
//   kConditionsNotSatisfied  the host time below the floor, or outside
//                      notBefore..notAfter (6985);
//   kDataMismatch      keyUsage, extended key usage or basicConstraints
//                      wrong for a registration server (6984).
// Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/bytes.hpp"
#include "common/status.hpp"

namespace tessera::registration {

// id-kp-tesseraRegServer: an OID under 2.25 (ITU-T X.667, a UUID as an
// integer), so Tessera needs no arc of its own.
inline constexpr std::string_view kRegServerOid = "2.25.28879448934528669437973750877409531525";

// What the token keeps of a certificate that passed.
struct ServerKey {
  Bytes point;                   // the server's P-256 key, 04 || X || Y
  std::uint64_t not_before = 0;  // Unix seconds, for the time floor
  Bytes spki_sha256;             // SHA-256 of the SubjectPublicKeyInfo DER
};

[[nodiscard]] Result<ServerKey> CheckServerCertificate(ByteView der, ByteView issuer_point,
                                                       std::uint64_t host_time,
                                                       std::uint64_t time_floor);

}  // namespace tessera::registration
