// X.509 certificates the token makes itself: the manufacturer's attestation
// chain and YubiKey-style attestation statements (INS F9). Thread-safe.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "common/ossl.hpp"
#include "firmware-sim/os/rng.hpp"

namespace tessera::sim {

struct CertExtension {
  std::string oid;  // dotted
  Bytes der_value;  // the extnValue contents (DER of the value)
  bool critical = false;
};

struct CertSpec {
  std::string subject_cn;
  std::chrono::system_clock::time_point not_before;
  std::chrono::system_clock::time_point not_after;
  bool is_ca = false;
  std::vector<CertExtension> extensions;
};

// Issues a certificate for `subject_key` signed by `issuer_key`. With a null
// `issuer_cert` the certificate is self-signed (issuer = subject). The serial
// number is 16 bytes from `rng`. SHA-256 signatures (pure Ed25519 for Ed25519
// issuers).
Result<ossl::X509Ptr> IssueCertificate(const CertSpec& spec, EVP_PKEY* subject_key,
                                       EVP_PKEY* issuer_key, X509* issuer_cert, Rng& rng);

}  // namespace tessera::sim
