// The key ceremony (seed 003 claims 15-16, 29, 33; DESIGN.md "The HSM
// adapter"; docs/hsm-adapter.md "Ceremony").
//
// GenerateVersion runs on the key-management HSM ("HSM2") and makes the
// token objects of key version V (version_objects.hpp): AES-256 MK and KRK
// data blocks and the RSA-3072 cryptogram key pair, all generated inside the
// HSM, sensitive, and extractable only so they can leave wrapped. It never
// overwrites: a token holding any object of V is refused and left as it was.
// If a step fails, the objects made so far are destroyed.
//
// Transfer moves V from the key-management HSM to the access-server HSM
// ("HSM1") in one process, by the three steps of key_transfer.hpp, and
// checks the destination's record against the source's. A re-run for a
// version the destination already holds with the same check values is a
// success with already_present set.
//
// Neither ever has a long-term key in clear in host memory. One ceremony at a
// time per token; each token on its own thread rules (hsm_token.hpp).
#pragma once

#include <cstdint>

#include "common/status.hpp"
#include "hsm/hsm_token.hpp"
#include "hsm/key_transfer.hpp"
#include "hsm/version_record.hpp"

namespace tessera::hsm {

// Errors: kInvalidArgument (version outside 01..7F), kConditionsNotSatisfied
// (the token already holds part or all of V), kFunctionNotSupported (no
// CKM_AES_ECB_ENCRYPT_DATA for the check values), the HSM's own.
Result<VersionRecord> GenerateVersion(HsmToken& hsm, std::uint8_t version);

// Errors: those of key_transfer.hpp, and kCorrupt when the destination's
// record differs from the source's after the import.
Result<ImportResult> Transfer(HsmToken& from, HsmToken& to, std::uint8_t version);

}  // namespace tessera::hsm
