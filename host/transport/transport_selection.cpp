#include "host/transport/transport_selection.hpp"

#include "common/text.hpp"

namespace tessera::host {

Result<TransportSelection> ParseTransportSelection(std::string_view value,
                                                   const std::string& where) {
  TransportSelection selection{false, false, false};
  if (TrimBlanks(value).empty()) return Status::InvalidArgument(where + "transports names none");
  while (true) {
    const auto comma = value.find(',');
    const std::string_view item = TrimBlanks(value.substr(0, comma));
    bool* flag = item == "pcsc"  ? &selection.pcsc
                 : item == "usb" ? &selection.usb
                 : item == "sim" ? &selection.sim
                                 : nullptr;
    if (flag == nullptr) {
      return Status::InvalidArgument(where + "unknown transport '" + std::string(item) +
                                     "' (known: pcsc, usb, sim)");
    }
    if (*flag) {
      return Status::InvalidArgument(where + "transport '" + std::string(item) + "' given twice");
    }
    *flag = true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return selection;
}

}  // namespace tessera::host
