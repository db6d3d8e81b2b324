// GENERAL AUTHENTICATE (INS 87): dispatch on P2.
#include "firmware-sim/applets/piv/general_authenticate.hpp"

#include "common/piv/piv_constants.hpp"
#include "common/tlv.hpp"
#include "firmware-sim/applets/piv/handlers.hpp"

namespace tessera::sim::piv_applet {

// SP 800-73-4 Part 2 §3.2.4: P1 algorithm, P2 key reference, data 7C.
Result<Bytes> HandleGeneralAuthenticate(PivContext& c, const CommandApdu& apdu) {
  TESSERA_ASSIGN_OR_RETURN(ByteView contents, ParseSingle(apdu.data, piv::tag::kDynamicAuth));
  if (apdu.p2 == piv::key::kManagement) return AuthenticateManagementKey(c, apdu, contents);
  return PrivateKeyOperation(c, apdu, contents);
}

}  // namespace tessera::sim::piv_applet
