// The token attestation check moved to services/trust/attestation.hpp
// (tessera::trust, shared with the soft-token service). These names keep
// the CMS's earlier users compiling; new code includes the trust header.
// Thread-safety and errors: those of the trust functions.
#pragma once

#include "services/trust/attestation.hpp"

namespace tessera::cms {

using trust::AttestationInput;
using trust::AttestationResult;
using trust::ParseCertificates;
using trust::VerifyAttestation;

}  // namespace tessera::cms
