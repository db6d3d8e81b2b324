// Applet: one application on the card, selected by AID.
//
// The card OS hands an applet whole commands: chaining is already undone and
// long responses are split by the OS, so an applet returns its full response
// data or a Status (mapped to a status word by sw_map). Volatile security
// state (PIN verified, management key authenticated) lives in the applet and
// is cleared by Deselect and PowerOff. Applets are driven by one thread at a
// time, under the owning token's lock.
#pragma once

#include "common/apdu.hpp"
#include "common/bytes.hpp"
#include "common/status.hpp"

namespace tessera::sim {

class Applet {
 public:
  virtual ~Applet() = default;

  virtual ByteView aid() const = 0;
  // SELECT by this applet's AID; returns the FCI or property template.
  virtual Result<Bytes> Select(const CommandApdu& apdu) = 0;
  // Any command other than SELECT and GET RESPONSE while selected.
  virtual Result<Bytes> Process(const CommandApdu& apdu) = 0;
  // Another applet was selected.
  virtual void Deselect() {}
  // Power off or reset: drop all volatile state.
  virtual void PowerOff() {}
};

}  // namespace tessera::sim
