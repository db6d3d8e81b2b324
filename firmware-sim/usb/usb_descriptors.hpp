// The USB descriptors a Tessera token presents: one full-speed device with
// one configuration holding one CCID interface (class 0x0B) with the CCID
// class descriptor and three endpoints (bulk-OUT, bulk-IN, interrupt-IN),
// and string descriptors for manufacturer, product and serial number.
//
// VID:PID 0x1209:0x7E55 is Tessera's ID under pid.codes, the open-source
// vendor ID 0x1209 (docs/usb-ccid.md). The CCID class fields copy what a
// YubiKey 5 declares: T=1 only, automatic parameters, clock, baud rate and
// PPS, extended APDU-level exchange. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "common/bytes.hpp"

namespace tessera::sim::usb {

inline constexpr std::uint16_t kTesseraVid = 0x1209;
inline constexpr std::uint16_t kTesseraPid = 0x7E55;

inline constexpr std::uint8_t kEndpointBulkOut = 0x01;
inline constexpr std::uint8_t kEndpointBulkIn = 0x82;
inline constexpr std::uint8_t kEndpointInterruptIn = 0x83;
inline constexpr std::uint16_t kBulkPacketSize = 64;  // full speed (USB 2.0 §5.8.3)
inline constexpr std::uint16_t kInterruptPacketSize = 8;

// dwMaxCCIDMessageLength: header and abData of one bulk message, like a
// YubiKey 5. Longer APDUs travel in wLevelParameter chains.
inline constexpr std::uint32_t kMaxMessageLength = 3072;
// dwFeatures: automatic ATR-based configuration, activation, voltage, clock,
// baud rate, parameter negotiation and PPS (0xFE), extended APDU level.
inline constexpr std::uint32_t kFeatures = 0x000400FE;

inline constexpr std::uint8_t kStringManufacturer = 1;
inline constexpr std::uint8_t kStringProduct = 2;
inline constexpr std::uint8_t kStringSerial = 3;
inline constexpr std::string_view kManufacturer = "Tessera";
inline constexpr std::string_view kProduct = "Tessera PIV Token";

// USB 2.0 §9.6.1: 18 bytes.
Bytes DeviceDescriptor();
// USB 2.0 §9.6.3: the configuration with everything under it (wTotalLength).
Bytes ConfigurationDescriptor();
// CCID §5.1: the 54-byte class descriptor, also inside the configuration.
Bytes CcidClassDescriptor();
// USB 2.0 §9.6.7: index 0 is the language list (en-US); 1..3 are UTF-16LE
// strings; nullopt for any other index. `serial` is the token serial.
std::optional<Bytes> StringDescriptor(std::uint8_t index, std::string_view serial);
// What Linux shows in sysfs "descriptors": device then configuration.
Bytes SysfsDescriptors();

}  // namespace tessera::sim::usb
