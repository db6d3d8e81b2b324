#include "pkcs11/drivers/piv/piv_probe.hpp"

#include "common/piv/piv_constants.hpp"
#include "host/card/piv_client.hpp"

namespace tessera::p11::piv {

Status SelectPiv(host::ApduChannel& channel) {
  host::PivClient client(channel);
  auto selected = client.Select();
  if (selected.ok()) return Status::Ok();
  if (selected.status().code() == Code::kIoError) return selected.status();
  return Status::NotFound("no PIV application: " + selected.status().message());
}

Result<TokenInfo> DescribePivToken(host::ApduChannel& channel) {
  host::PivClient client(channel);
  TokenInfo info;
  TESSERA_ASSIGN_OR_RETURN(info.firmware, client.GetVersion());
  TESSERA_ASSIGN_OR_RETURN(std::uint32_t serial, client.GetSerial());
  info.serial = std::to_string(serial);
  info.label = "Tessera PIV #" + info.serial;
  info.model = "Tessera PIV";
  TESSERA_ASSIGN_OR_RETURN(host::PivPinMetadata pin,
                           client.GetPinMetadata(tessera::piv::key::kPin));
  info.pin_max_tries = pin.max_tries;
  info.pin_tries_left = pin.tries_left;
  info.pin_is_default = pin.is_default;
  return info;
}

}  // namespace tessera::p11::piv
