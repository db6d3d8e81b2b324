// Certificate profiles as data (docs/ca.md "Profiles"): one row per profile
// fixes the key usage, extended key usage, validity, subject rules and
// subject alternative names of what a Tessera CA signs. The builder
// (cert_builder.hpp) reads the row; nothing else decides an extension.
//
// Extension values are OpenSSL v3 configuration strings (x509v3_config(5)),
// so a row reads like an openssl.cnf section. Plain constants; thread-safe.
#pragma once

#include <span>
#include <string_view>

#include "common/status.hpp"

namespace tessera::ca {

// id-kp-tesseraSoftTokenIssuer (seed 002, docs/softtoken-format.md): the EKU
// of the soft-token service's signing certificate (profile
// "softtoken-issuer"); a verifier accepts a soft token only from a
// certificate with it. Like registration::kRegServerOid, an OID under 2.25
// (ITU-T X.667: the integer of UUID 37d0fb82-51a1-4932-a535-c7be73b74dcd),
// so Tessera needs no arc of its own.
inline constexpr std::string_view kSoftTokenIssuerOid =
    "2.25.74192638724480529099566029316919086541";

// Which subjectAltName entries a CSR may carry into the certificate.
enum class SanRule : std::uint8_t {
  kNone,            // none: a SAN in the CSR is refused
  kEmailOptional,   // rfc822Name only, optional
  kDnsOrIpRequired  // dNSName or iPAddress, at least one (CA/B BR §7.1.2.7.12)
};

struct Profile {
  std::string_view name;
  const char* key_usage;           // critical (RFC 5280 §4.2.1.3)
  const char* key_usage_rsa;       // for RSA subject keys; nullptr: key_usage
  const char* extended_key_usage;  // nullptr: none
  int validity_days;               // issuing CA for "ca"
  int root_validity_days;          // "ca" only: a self-signed root
  bool ca;                         // basicConstraints CA:TRUE, critical
  bool ocsp_nocheck;               // id-pkix-ocsp-nocheck (RFC 6960 §4.2.2.2.1)
  bool revocation_pointers;        // CRL distribution point and AIA OCSP
  bool issuable;                   // false: not from a CSR (`ca issue`, POST .../issue)
  bool cn_required;
  std::span<const int> subject_nids;  // the subject attributes allowed
  SanRule san;
  // With issuable false: a service issues it (CaService::PrepareForKey) for
  // a key it made in its own HSM (`reg init`, `softtoken init`) or one it
  // verified itself (an attested device key). Neither: `ca init` only.
  bool service_key;
};

// The profile named `name`; kNotFound listing the names otherwise.
Result<const Profile*> FindProfile(std::string_view name);
std::span<const Profile> AllProfiles();

}  // namespace tessera::ca
