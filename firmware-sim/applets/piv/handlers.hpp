// The PIV applet's instruction handlers: one function per INS, each in its
// own file (or a file per small group), gathered into the dispatch table in
// piv_applet.cpp. A handler checks P1/P2, access rules and data in that
// order, and returns the response data or a Status for sw_map. Handlers
// share nothing but the PivContext; they are not thread-safe.
#pragma once

#include "common/apdu.hpp"
#include "common/status.hpp"
#include "firmware-sim/applets/piv/piv_context.hpp"

namespace tessera::sim::piv_applet {

using Handler = Result<Bytes> (*)(PivContext& c, const CommandApdu& apdu);

// SP 800-73-4 Part 2 §3.1.1: the application property template.
Bytes ApplicationPropertyTemplate();

// SP 800-73-4 Part 2 §3.
Result<Bytes> HandleGetData(PivContext& c, const CommandApdu& apdu);
Result<Bytes> HandlePutData(PivContext& c, const CommandApdu& apdu);
Result<Bytes> HandleVerify(PivContext& c, const CommandApdu& apdu);
Result<Bytes> HandleChangeReference(PivContext& c, const CommandApdu& apdu);
Result<Bytes> HandleResetRetryCounter(PivContext& c, const CommandApdu& apdu);
Result<Bytes> HandleGeneralAuthenticate(PivContext& c, const CommandApdu& apdu);
Result<Bytes> HandleGenerateKeyPair(PivContext& c, const CommandApdu& apdu);

// YubiKey extensions.
Result<Bytes> HandleGetVersion(PivContext& c, const CommandApdu& apdu);
Result<Bytes> HandleGetSerial(PivContext& c, const CommandApdu& apdu);
Result<Bytes> HandleImportKey(PivContext& c, const CommandApdu& apdu);
Result<Bytes> HandleGetMetadata(PivContext& c, const CommandApdu& apdu);
Result<Bytes> HandleAttest(PivContext& c, const CommandApdu& apdu);
Result<Bytes> HandleSetManagementKey(PivContext& c, const CommandApdu& apdu);
Result<Bytes> HandleSetPinRetries(PivContext& c, const CommandApdu& apdu);
Result<Bytes> HandleReset(PivContext& c, const CommandApdu& apdu);

// Tessera extensions (docs/piv-extensions.md).
Result<Bytes> HandleUnwrapAndStore(PivContext& c, const CommandApdu& apdu);
Result<Bytes> HandleSecretKeyManage(PivContext& c, const CommandApdu& apdu);
Result<Bytes> HandleSecretKeyOperate(PivContext& c, const CommandApdu& apdu);
Result<Bytes> HandleRegistration(PivContext& c, const CommandApdu& apdu);

}  // namespace tessera::sim::piv_applet
