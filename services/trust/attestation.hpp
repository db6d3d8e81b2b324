// Token key attestation, a shared services library (docs/architecture.md):
// the CMS checks a token's key F0 before the token enters the inventory
// (seed 000 claims 1, 11; docs/cms-api.md "Inventory"), the soft-token
// service a device's slot key (seed 002, slot 9E by default).
//
// A Tessera token (like a YubiKey) proves that a key was made on it: ATTEST
// <slot> gives a certificate for the slot's public key signed by the
// attestation key F9, whose certificate (5FFF01) the manufacturer CA signed,
// with subject "CN=Tessera PIV Attestation <slot, two lower-case hex
// digits>" (docs/piv-applet.md "ATTEST"). The statement carries the token
// serial in extension 1.3.6.1.4.1.41482.3.7 (a DER INTEGER).
//
// VerifyAttestation checks, in this order, and fails on the first:
//   1. every input parses (kInvalidArgument naming it);
//   2. the chain statement -> F9 certificate -> a trusted manufacturer CA
//      verifies (X509_verify_cert at `now`, the F9 certificate as the only
//      untrusted intermediate, no purpose check, no partial chain):
//      kSignatureInvalid, or kConditionsNotSatisfied when a certificate is
//      expired or not yet valid; OpenSSL's reason in the message;
//   3. the statement's subject names `slot` (CN ends "Attestation <slot>"):
//      kConditionsNotSatisfied otherwise ("attestation is for slot 9a,
//      expected 9e");
//   4. the attested public key equals `token_key` (the slot's public key the
//      caller read), compared as SubjectPublicKeyInfo DER
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

namespace tessera::trust {

struct AttestationInput {
  std::uint32_t serial = 0;  // the token ID the caller read
  Bytes token_key;           // the slot's SubjectPublicKeyInfo DER (or a 65-byte point)
  Bytes statement;           // ATTEST <slot>: DER certificate
  Bytes attestation_ca;      // 5FFF01: the F9 certificate, DER
  std::uint8_t slot = 0xF0;  // the slot the statement must name (F0: the token key)
};

struct AttestationResult {
  Bytes token_key_spki;      // the slot's key as SubjectPublicKeyInfo DER
  std::string manufacturer;  // the trusted CA's subject, RFC 4514
  std::string firmware;      // "5.7.2" from .3, empty when absent
};

Result<AttestationResult> VerifyAttestation(const AttestationInput& input,
                                            const std::vector<Bytes>& manufacturer_cas,
                                            std::int64_t now);

// Reads every certificate of a DER or PEM file's contents (PEM may hold
// several, DER several one after another). kInvalidArgument when none parses.
Result<std::vector<Bytes>> ParseCertificates(ByteView contents);

}  // namespace tessera::trust
