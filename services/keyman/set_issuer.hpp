// Replacing the registration issuer key of an issued token (seed 001 claim
// 7, issue 14; docs/cli.md "token set-issuer"): the issuer's P-256 point is
// written as card-manager key ID 10 (docs/card-manager.md) by PUT KEY inside
// an SCP03 channel under the token's MK, derived in the HSM from the MK
// version of the token's directory row. Only the holder of the MK can so
// change which issuer the token trusts for registration.
//
//   1. read the UID, lifecycle and key versions (no authentication);
//   2. the token must be PERSONALIZED and its row personalized, at the MK
//      version the token reports;
//   3. a channel under the row's MK (the proof), PUT KEY of the point as
//      the next issuer key version, the channel closed.
//
// Errors: kConditionsNotSatisfied for a token or row in another state, or
// versions that disagree; the channel's error (SecurityStatus: the card
// cryptogram is wrong) when the token does not hold the MK the HSM derives;
// the token's refusal of PUT KEY as SwToStatus gives it. Nothing is written
// to the directory. Borrows everything; the HsmToken's thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "common/bytes.hpp"
#include "common/status.hpp"
#include "host/transport/reader.hpp"
#include "hsm/hsm_token.hpp"
#include "services/directory/directory.hpp"

namespace tessera::keyman {

struct IssuerKeyChange {
  std::uint8_t mk_version = 0;                   // the MK the channel ran under
  std::optional<std::uint8_t> previous_version;  // the issuer key replaced, if any
  std::uint8_t version = 0;                      // the issuer key version now
};

// `issuer_point` is 04 || X || Y on P-256 (ReadIssuerKeyFile).
Result<IssuerKeyChange> SetIssuerKey(hsm::HsmToken& hsm, const directory::Directory& directory,
                                     const std::shared_ptr<host::Reader>& reader,
                                     ByteView issuer_point);

}  // namespace tessera::keyman
