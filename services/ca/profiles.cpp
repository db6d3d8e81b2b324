#include "services/ca/profiles.hpp"

#include <openssl/obj_mac.h>

#include <array>
#include <string>

#include "common/registration/server_certificate.hpp"

namespace tessera::ca {
namespace {

constexpr std::array<int, 9> kPersonNids = {
    NID_commonName,   NID_organizationName, NID_organizationalUnitName,
    NID_countryName,  NID_localityName,     NID_stateOrProvinceName,
    NID_serialNumber, NID_userId,           NID_pkcs9_emailAddress};
constexpr std::array<int, 6> kServerNids = {
    NID_commonName,  NID_organizationName, NID_organizationalUnitName,
    NID_countryName, NID_localityName,     NID_stateOrProvinceName};
constexpr std::array<int, 4> kAuthorityNids = {NID_commonName, NID_organizationName,
                                               NID_organizationalUnitName, NID_countryName};

// Validity: CA/B Forum BR §6.3.2 caps TLS server certificates at 398 days
// (397 keeps a day of margin); the rest are Tessera's choices (docs/ca.md).
//
// user-signature carries emailProtection: S/MIME signing is what checks an
// EKU on a signature certificate, and without any EKU the key would be good
// for every purpose, TLS client authentication included. nonRepudiation
// (contentCommitment) marks it as the user's signature key (seed 000, PIV 9C).
constexpr std::array<Profile, 9> kProfiles = {{
    {"user-signature", "critical,digitalSignature,nonRepudiation", nullptr, "emailProtection", 730,
     0, false, false, true, true, true, kPersonNids, SanRule::kEmailOptional, false},
    // PIV Authentication (SP 800-73-4 Part 1 §3.1.3 and Table 4b: key
    // reference 9A, certificate 5FC105): the card's key for TLS client
    // authentication, beside the 9C signature key; the CMS issues both at a
    // binding. clientAuth because browsers offer only client certificates
    // with it (and a 9C key wants the PIN for every signature); no
    // nonRepudiation: it proves who is there, it commits to nothing.
    {"piv-authentication", "critical,digitalSignature", nullptr, "clientAuth", 730, 0, false, false,
     true, true, true, kPersonNids, SanRule::kEmailOptional, false},
    // RFC 5246 RSA key exchange needs keyEncipherment; ECDHE needs only
    // digitalSignature.
    {"tls-server", "critical,digitalSignature", "critical,digitalSignature,keyEncipherment",
     "serverAuth", 397, 0, false, false, true, true, false, kServerNids, SanRule::kDnsOrIpRequired,
     false},
    {"officer", "critical,digitalSignature", nullptr, "clientAuth,emailProtection", 365, 0, false,
     false, true, true, true, kPersonNids, SanRule::kEmailOptional, false},
    // A delegated responder is not itself checked (RFC 6960 §4.2.2.2.1), so
    // its life is short instead.
    {"ocsp", "critical,digitalSignature", nullptr, "OCSPSigning", 30, 0, false, true, false, false,
     true, kAuthorityNids, SanRule::kNone, false},
    {"ca", "critical,keyCertSign,cRLSign", nullptr, nullptr, 5 * 365, 10 * 365, true, false, true,
     false, true, kAuthorityNids, SanRule::kNone, false},
    // The registration gateway (seed 001, docs/registration-protocol.md):
    // one P-256 key does the registration ECDH (keyAgreement) and signs the
    // configuration documents (digitalSignature). The token checks the
    // keyUsage and the EKU (registration::CheckServerCertificate); the token
    // knows the gateway by the issuer key, not by a name, so no SAN. Issued
    // only by `reg init` for the key it made in the HSM, never from a CSR.
    {"registration-server", "critical,digitalSignature,keyAgreement", nullptr,
     registration::kRegServerOid.data(), 397, 0, false, false, true, false, true, kAuthorityNids,
     SanRule::kNone, true},
    // The soft-token service's signer (seed 002, docs/softtoken-format.md):
    // signs SD-JWT VCs and the status lists; verifiers look for the EKU
    // id-kp-tesseraSoftTokenIssuer. Issued only by `softtoken init` for the
    // key it made in the HSM. 397 days like the gateway's: a service key
    // that is renewed, not a person's.
    {"softtoken-issuer", "critical,digitalSignature", nullptr, kSoftTokenIssuerOid.data(), 397, 0,
     false, false, true, false, true, kAuthorityNids, SanRule::kNone, true},
    // A soft token's X.509 form (seed 002): a person's certificate for a
    // device key the soft-token service checked by attestation, never from a
    // CSR. Short-lived; the service caps notAfter at the ID card
    // certificate's (KeyIssueRequest::not_after) so it never outlives it.
    {"softtoken-device", "critical,digitalSignature", nullptr, "clientAuth", 30, 0, false, false,
     true, false, true, kPersonNids, SanRule::kEmailOptional, true},
}};
// The EKUs are handed to OpenSSL as C strings.
static_assert(registration::kRegServerOid.data()[registration::kRegServerOid.size()] == '\0');
static_assert(kSoftTokenIssuerOid.data()[kSoftTokenIssuerOid.size()] == '\0');

}  // namespace

Result<const Profile*> FindProfile(std::string_view name) {
  for (const Profile& profile : kProfiles) {
    if (profile.name == name) return &profile;
  }
  std::string names;
  for (const Profile& profile : kProfiles) {
    if (!names.empty()) names += ", ";
    names += profile.name;
  }
  return Status::NotFound("no certificate profile '" + std::string(name) + "' (profiles: " + names +
                          ")");
}

std::span<const Profile> AllProfiles() { return kProfiles; }

}  // namespace tessera::ca
