// TransportSelection: which routes to tokens a program uses, from a
// comma-separated list such as "pcsc, usb, sim" (the `transports` setting of
// the PKCS#11 module and of the tessera CLI, and TESSERA_TRANSPORTS). A value
// type.
#pragma once

#include <string>
#include <string_view>

#include "common/status.hpp"

namespace tessera::host {

struct TransportSelection {
  bool pcsc = true;
  bool usb = true;
  bool sim = true;
};

// Each of pcsc, usb and sim at most once, at least one; `where` prefixes
// error messages ("TESSERA_TRANSPORTS: ").
Result<TransportSelection> ParseTransportSelection(std::string_view value,
                                                   const std::string& where);

}  // namespace tessera::host
