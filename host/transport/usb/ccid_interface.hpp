// Internal to the USB transport: finding the CCID interface of a device in
// its configuration descriptor, with its endpoints and the fields of the CCID
// class descriptor (CCID rev 1.1 §5.1) the transport relies on.
#pragma once

#include <libusb.h>

#include <cstdint>
#include <optional>
#include <string>

namespace tessera::host::usb_internal {

inline constexpr std::uint16_t kTesseraVid = 0x1209;
inline constexpr std::uint16_t kTesseraPid = 0x7E55;

struct CcidInterface {
  std::uint8_t number = 0;
  std::uint8_t bulk_out = 0;
  std::uint8_t bulk_in = 0;
  std::uint8_t interrupt_in = 0;           // 0 when the device has none
  std::uint32_t features = 0;              // dwFeatures
  std::uint32_t max_message_length = 271;  // dwMaxCCIDMessageLength
  bool has_class_descriptor = false;
};

// The first CCID interface of `device`'s active configuration (a class 0x0B
// interface, or the first interface of a Tessera VID:PID device); nullopt
// when it has none or its descriptors cannot be read.
std::optional<CcidInterface> FindCcidInterface(libusb_device* device);

// "usb:1-2.3:0"; "usb:1-@5:0" (the address) for a device libusb gives no
// port path for.
std::string DeviceKey(libusb_device* device, std::uint8_t interface_number);

}  // namespace tessera::host::usb_internal
