// Building a certificate and a CRL with OpenSSL, unsigned: the fields and
// extensions a profile row and the CA's settings decide (profiles.hpp,
// docs/ca.md). x509_signing.hpp signs them in the HSM. Stateless.
#pragma once

#include <openssl/x509.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/bytes.hpp"
#include "common/ossl.hpp"
#include "common/status.hpp"
#include "services/ca/csr.hpp"
#include "services/ca/profiles.hpp"
#include "services/ca/x509_signing.hpp"
#include "services/directory/stores/ca_store.hpp"

namespace tessera::ca {

struct CertificateSpec {
  const Profile* profile = nullptr;
  Bytes serial;  // unsigned big-endian
  const X509_NAME* subject = nullptr;
  EVP_PKEY* public_key = nullptr;
  const GENERAL_NAMES* subject_alt_names = nullptr;  // may be null
  X509* issuer = nullptr;                            // null: self-signed (a root CA)
  std::int64_t not_before = 0;
  std::int64_t not_after = 0;
  // The issuer's CRL and OCSP URLs; empty: the extension is left out.
  std::string crl_url;
  std::string ocsp_url;
};

Result<ossl::X509Ptr> BuildCertificate(const CertificateSpec& spec);

struct CrlSpec {
  X509* issuer = nullptr;
  std::int64_t number = 0;
  std::int64_t this_update = 0;
  std::int64_t next_update = 0;
  std::vector<directory::RevocationRecord> revoked;
};

// Version 2 (RFC 5280 §5.1.2.1) with cRLNumber and the authority key
// identifier; each entry has its revocation date and, unless unspecified,
// its reason code (§5.3.1: unspecified SHOULD be absent).
Result<CrlPtr> BuildCrl(const CrlSpec& spec);

}  // namespace tessera::ca
