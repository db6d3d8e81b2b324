// Token attestation (seed 000 claims 1, 11; docs/cms-api.md "Inventory"):
// the checks the CMS makes before a token enters the inventory.
//
// A Tessera token (like a YubiKey) proves that its token key F0 was made on
// it: ATTEST F0 gives a certificate for F0's public key signed by the
// attestation key F9, whose certificate (5FFF01) the manufacturer CA signed
// (docs/piv-applet.md "ATTEST"). The statement carries the token serial in
// extension 1.3.6.1.4.1.41482.3.7 (a DER INTEGER).
//
// VerifyAttestation checks, in this order, and fails on the first:
//   1. every input parses (kInvalidArgument naming it);
//   2. the chain statement -> F9 certificate -> a trusted manufacturer CA
//      verifies (X509_verify_cert at `now`, the F9 certificate as the only
//      untrusted intermediate, no purpose check, no partial chain):
//      kSignatureInvalid, or kConditionsNotSatisfied when a certificate is
//      expired or not yet valid; OpenSSL's reason in the message;
//   3. the statement's subject names slot F0 (CN ends "Attestation f0"):
//      kConditionsNotSatisfied otherwise ("attestation is for slot 9a");
//   4. the attested public key equals `token_key` (the F0 public key the
//      station read), compared as SubjectPublicKeyInfo DER
//      (kConditionsNotSatisfied: "attestation is for another key");
//   5. the serial extension is present and equals `serial`
//      (kConditionsNotSatisfied: "attestation names serial N, token is M").
// Each error message says which check failed, in words an operator reads.
// Stateless, thread-safe.
#pragma once

#include <cstdint>
#include <vector>

#include "common/bytes.hpp"
#include "common/status.hpp"

namespace tessera::cms {

struct AttestationInput {
  std::uint32_t serial = 0;  // the token ID the station read
  Bytes token_key;           // F0 SubjectPublicKeyInfo DER (or a 65-byte point)
  Bytes statement;           // ATTEST F0: DER certificate
  Bytes attestation_ca;      // 5FFF01: the F9 certificate, DER
};

struct AttestationResult {
  Bytes token_key_spki;      // F0 as SubjectPublicKeyInfo DER
  std::string manufacturer;  // the trusted CA's subject, RFC 4514
  std::string firmware;      // "5.7.2" from .3, empty when absent
};

Result<AttestationResult> VerifyAttestation(const AttestationInput& input,
                                            const std::vector<Bytes>& manufacturer_cas,
                                            std::int64_t now);

// Reads every certificate of a DER or PEM file's contents (PEM may hold
// several, DER several one after another). kInvalidArgument when none parses.
Result<std::vector<Bytes>> ParseCertificates(ByteView contents);

}  // namespace tessera::cms
