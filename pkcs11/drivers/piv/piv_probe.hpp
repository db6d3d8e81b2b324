// ProbePivToken: identifies the PIV token behind a channel (SELECT, GET
// VERSION, GET SERIAL, PIN metadata) and describes it as a TokenInfo. A card
// without a PIV application is kNotFound. One thread at a time, under the
// slot's lock.
#pragma once

#include "common/status.hpp"
#include "host/card/apdu_channel.hpp"
#include "pkcs11/core/token_info.hpp"

namespace tessera::p11::piv {

Result<TokenInfo> ProbePivToken(host::ApduChannel& channel);

}  // namespace tessera::p11::piv
