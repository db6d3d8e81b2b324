// The card manager's instruction handlers (docs/card-manager.md "Commands"):
// one function per INS, gathered into the dispatch table in
// card_manager_applet.cpp. A handler receives the plain command (secure
// messaging already removed by the applet, except for EXTERNAL AUTHENTICATE,
// which opens the channel and so unwraps its own command), checks channel,
// lifecycle, P1/P2 and data, and returns the plain answer or a Status for
// sw_map. Handlers share nothing but the CmContext; not thread-safe.
#pragma once

#include "common/apdu.hpp"
#include "common/status.hpp"
#include "firmware-sim/applets/card_manager/cm_context.hpp"

namespace tessera::sim::card_manager {

using Handler = Result<Bytes> (*)(CmContext& c, const CommandApdu& apdu);

// GP Card Spec v2.3 §11.3.
Result<Bytes> HandleGetData(CmContext& c, const CommandApdu& apdu);
// Amd D §7.1 and §7.2.
Result<Bytes> HandleInitializeUpdate(CmContext& c, const CommandApdu& apdu);
Result<Bytes> HandleExternalAuthenticate(CmContext& c, const CommandApdu& apdu);
// Tessera UNLOCK under the KRK (seed 003 claims 22-23).
Result<Bytes> HandleGetChallenge(CmContext& c, const CommandApdu& apdu);
Result<Bytes> HandleUnlock(CmContext& c, const CommandApdu& apdu);
// GP Card Spec v2.3 §11.2, §11.8 and §11.10.
Result<Bytes> HandleDeleteKey(CmContext& c, const CommandApdu& apdu);
Result<Bytes> HandlePutKey(CmContext& c, const CommandApdu& apdu);
Result<Bytes> HandleSetStatus(CmContext& c, const CommandApdu& apdu);
// PUT KEY's issuer key form (P2 10), called by HandlePutKey in a channel.
Result<Bytes> HandlePutIssuerKey(CmContext& c, const Channel& channel, const CommandApdu& apdu);

}  // namespace tessera::sim::card_manager
