// Finding and describing the PIV application on a card. Connecting costs one
// APDU (SELECT); what the token says of itself (version, serial, PIN
// counter: three more) is read only when someone asks (C_GetTokenInfo), to
// keep a cold start to the first signature within its APDU budget
// (docs/pkcs11-module.md). One thread at a time, under the slot's lock.
#pragma once

#include "common/status.hpp"
#include "host/card/apdu_channel.hpp"
#include "pkcs11/core/token_info.hpp"

namespace tessera::p11::piv {

// SELECT the PIV AID. A card without it is kNotFound.
Status SelectPiv(host::ApduChannel& channel);
// Describes the selected PIV token.
Result<TokenInfo> DescribePivToken(host::ApduChannel& channel);

}  // namespace tessera::p11::piv
