// Attestation certificates, as a YubiKey makes them.
//
// At manufacture the attestation key F9 gets a certificate from the
// ManufacturerCa (stored in object 5FFF01); ATTEST (INS F9) then issues, for
// a generated key, a statement signed by F9 whose issuer is that certificate's
// subject and which carries the YubiKey extensions under 1.3.6.1.4.1.41482.3
// (firmware version, serial, policies, form factor). Thread-compatible.
#pragma once

#include <cstdint>
#include <string>

#include "common/ossl.hpp"
#include "firmware-sim/applets/piv/piv_context.hpp"
#include "firmware-sim/applets/piv/piv_records.hpp"
#include "firmware-sim/crypto/manufacturer_ca.hpp"

namespace tessera::sim::piv_applet {

// CN of the F9 certificate: "Tessera PIV Attestation S/N <serial>".
std::string AttestationCertificateCn(std::uint32_t serial);
// CN of a statement: "Tessera PIV Attestation <slot as two lower-case hex digits>".
std::string AttestationStatementCn(std::uint8_t slot);

// DER of the F9 certificate for `attestation_key`, signed by `ca`.
Result<Bytes> IssueAttestationCertificate(const TokenContext& ctx, const ManufacturerCa& ca,
                                          EVP_PKEY* attestation_key);
// DER of the statement for the key in `slot`, signed by F9.
Result<Bytes> IssueAttestationStatement(PivContext& c, std::uint8_t slot, const KeyRecord& record);

}  // namespace tessera::sim::piv_applet
