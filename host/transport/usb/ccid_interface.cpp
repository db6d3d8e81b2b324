#include "host/transport/usb/ccid_interface.hpp"

#include <memory>

#include "common/ccid.hpp"

namespace tessera::host::usb_internal {
namespace {

struct ConfigFree {
  void operator()(libusb_config_descriptor* c) const noexcept { libusb_free_config_descriptor(c); }
};
using ConfigPtr = std::unique_ptr<libusb_config_descriptor, ConfigFree>;

// The CCID class descriptor in `extra`, if there (some readers put it after
// the endpoints instead of after the interface; callers try both).
bool ParseClassDescriptor(const unsigned char* extra, int length, CcidInterface& out) {
  for (int pos = 0; pos + 2 <= length && extra[pos] >= 2; pos += extra[pos]) {
    if (extra[pos + 1] != ccid::kClassDescriptorType) continue;
    if (extra[pos] < ccid::kClassDescriptorLength ||
        pos + static_cast<int>(ccid::kClassDescriptorLength) > length) {
      return false;
    }
    out.features = ccid::GetLe32(extra + pos + 40);
    out.max_message_length = ccid::GetLe32(extra + pos + 44);
    out.has_class_descriptor = true;
    return true;
  }
  return false;
}

CcidInterface Describe(const libusb_interface_descriptor& alt) {
  CcidInterface out;
  out.number = alt.bInterfaceNumber;
  ParseClassDescriptor(alt.extra, alt.extra_length, out);
  for (int i = 0; i < alt.bNumEndpoints; ++i) {
    const libusb_endpoint_descriptor& ep = alt.endpoint[i];
    if (!out.has_class_descriptor) ParseClassDescriptor(ep.extra, ep.extra_length, out);
    auto type = ep.bmAttributes & LIBUSB_TRANSFER_TYPE_MASK;
    bool in = (ep.bEndpointAddress & LIBUSB_ENDPOINT_IN) != 0;
    if (type == LIBUSB_TRANSFER_TYPE_BULK && in) out.bulk_in = ep.bEndpointAddress;
    if (type == LIBUSB_TRANSFER_TYPE_BULK && !in) out.bulk_out = ep.bEndpointAddress;
    if (type == LIBUSB_TRANSFER_TYPE_INTERRUPT && in) out.interrupt_in = ep.bEndpointAddress;
  }
  return out;
}

}  // namespace

std::optional<CcidInterface> FindCcidInterface(libusb_device* device) {
  libusb_device_descriptor dd{};
  if (libusb_get_device_descriptor(device, &dd) != 0) return std::nullopt;
  libusb_config_descriptor* raw = nullptr;
  if (libusb_get_active_config_descriptor(device, &raw) != 0 &&
      libusb_get_config_descriptor(device, 0, &raw) != 0) {
    return std::nullopt;
  }
  ConfigPtr config(raw);
  bool tessera = dd.idVendor == kTesseraVid && dd.idProduct == kTesseraPid;
  for (int i = 0; i < config->bNumInterfaces; ++i) {
    const libusb_interface& iface = config->interface[i];
    if (iface.num_altsetting < 1) continue;
    const libusb_interface_descriptor& alt = iface.altsetting[0];
    if (alt.bInterfaceClass == ccid::kInterfaceClass || (tessera && i == 0)) {
      CcidInterface found = Describe(alt);
      if (found.bulk_in != 0 && found.bulk_out != 0) return found;
    }
  }
  return std::nullopt;
}

std::string DeviceKey(libusb_device* device, std::uint8_t interface_number) {
  std::uint8_t ports[8];
  int n = libusb_get_port_numbers(device, ports, sizeof ports);
  std::string key = "usb:" + std::to_string(libusb_get_bus_number(device)) + "-";
  if (n <= 0) {
    key.append("@").append(std::to_string(libusb_get_device_address(device)));
  } else {
    for (int i = 0; i < n; ++i) {
      if (i > 0) key += '.';
      key += std::to_string(ports[i]);
    }
  }
  return key + ":" + std::to_string(interface_number);
}

}  // namespace tessera::host::usb_internal
