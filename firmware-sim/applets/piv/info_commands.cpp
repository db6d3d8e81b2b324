// YubiKey GET VERSION (INS FD) and GET SERIAL (INS F8).
#include "firmware-sim/applets/piv/handlers.hpp"

namespace tessera::sim::piv_applet {

Result<Bytes> HandleGetVersion(PivContext& /*c*/, const CommandApdu& /*apdu*/) {
  return Bytes(std::begin(kFirmwareVersion), std::end(kFirmwareVersion));
}

Result<Bytes> HandleGetSerial(PivContext& c, const CommandApdu& /*apdu*/) {
  Bytes out;
  PutU32(out, c.token().serial);
  return out;
}

}  // namespace tessera::sim::piv_applet
