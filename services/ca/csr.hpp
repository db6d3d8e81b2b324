// A certification request (PKCS#10, RFC 2986) as the CA takes it: parsed
// from PEM or DER, its self-signature checked, and held up against a
// profile's subject, key and subjectAltName rules (profiles.hpp).
//
// Only the subject, the public key and the subjectAltName extension request
// are used; any other requested extension is ignored, because the profile
// decides every extension. Move-only value; thread-compatible.
#pragma once

#include <openssl/x509v3.h>

#include <memory>
#include <string>

#include "common/bytes.hpp"
#include "common/ossl.hpp"
#include "common/status.hpp"
#include "services/ca/profiles.hpp"

namespace tessera::ca {

using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, ossl::Deleter<GENERAL_NAMES_free>>;

struct CertificationRequest {
  ossl::PkeyPtr public_key;
  ossl::X509NamePtr subject;
  GeneralNamesPtr subject_alt_names;  // null when the CSR requests none
};

// kInvalidArgument for bytes that are not a CSR; kSignatureInvalid when the
// request's signature does not verify with its own key (RFC 2986 §3: proof
// of possession).
Result<CertificationRequest> ParseCertificationRequest(ByteView pem_or_der);

// The profile's rules: kInvalidArgument naming what is wrong (a subject
// attribute the profile does not allow, no CN where one is required, a
// missing or disallowed SAN, a key that is neither P-256/P-384 nor RSA of
// 2048 bits or more).
Status CheckAgainstProfile(const CertificationRequest& request, const Profile& profile);

// RFC 4514 text of a name ("CN=alice,O=Example").
std::string NameText(const X509_NAME* name);
// PEM ("-----BEGIN CERTIFICATE-----") of a DER certificate.
Result<std::string> CertificatePem(ByteView der);
// Parses "CN=x,O=y" or "/CN=x/O=y" into a name; kInvalidArgument otherwise.
Result<ossl::X509NamePtr> ParseName(const std::string& text);

}  // namespace tessera::ca
