// YubiKey GET VERSION (INS FD) and GET SERIAL (INS F8), and the Tessera
// instructions reserved for later issues.
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

// F2 unwrap-and-store (seed 000), F4/F5 secret-key objects (seed 001).
Result<Bytes> HandleReserved(PivContext& /*c*/, const CommandApdu& /*apdu*/) {
  return Status::FunctionNotSupported("reserved Tessera instruction, not implemented yet");
}

}  // namespace tessera::sim::piv_applet
