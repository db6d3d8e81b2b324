#include "firmware-sim/usb/usb_descriptors.hpp"

#include "common/ccid.hpp"

namespace tessera::sim::usb {
namespace {

using ccid::PutLe16;
using ccid::PutLe32;

constexpr std::uint8_t kTypeDevice = 0x01;
constexpr std::uint8_t kTypeConfiguration = 0x02;
constexpr std::uint8_t kTypeString = 0x03;
constexpr std::uint8_t kTypeInterface = 0x04;
constexpr std::uint8_t kTypeEndpoint = 0x05;
constexpr std::uint8_t kBulk = 0x02;
constexpr std::uint8_t kInterrupt = 0x03;
// Each descriptor is built in a buffer reserved at its final size: GCC 12 at
// -O3 takes appends to a vector that grows from a short braced list for
// overflows (-Warray-bounds, -Wstringop-overflow; false positives).
constexpr std::uint8_t kDeviceDescriptorLength = 18;
constexpr std::uint8_t kConfigurationHeaderLength = 9;

void PutEndpoint(Bytes& out, std::uint8_t address, std::uint8_t type, std::uint16_t size,
                 std::uint8_t interval) {
  Append(out, {7, kTypeEndpoint, address, type});
  PutLe16(out, size);
  out.push_back(interval);
}

}  // namespace

Bytes DeviceDescriptor() {
  Bytes d;
  d.reserve(kDeviceDescriptorLength);
  Append(d, {kDeviceDescriptorLength, kTypeDevice});
  PutLe16(d, 0x0200);                 // bcdUSB 2.00
  Append(d, {0x00, 0x00, 0x00, 64});  // class per interface; EP0 64 bytes
  PutLe16(d, kTesseraVid);            // idVendor
  PutLe16(d, kTesseraPid);            // idProduct
  PutLe16(d, 0x0100);                 // bcdDevice 1.00
  Append(d, {kStringManufacturer, kStringProduct, kStringSerial, 1});
  return d;
}

Bytes CcidClassDescriptor() {
  Bytes d;
  d.reserve(ccid::kClassDescriptorLength);
  Append(d, {static_cast<std::uint8_t>(ccid::kClassDescriptorLength), ccid::kClassDescriptorType});
  PutLe16(d, 0x0110);  // bcdCCID 1.10
  d.push_back(0x00);   // bMaxSlotIndex: one slot
  d.push_back(0x07);   // bVoltageSupport: 5 V, 3 V, 1.8 V
  PutLe32(d, 0x0002);  // dwProtocols: T=1
  PutLe32(d, 4000);    // dwDefaultClock, kHz
  PutLe32(d, 4000);    // dwMaximumClock
  d.push_back(0);      // bNumClockSupported
  PutLe32(d, 10752);   // dwDataRate, bps (ISO 7816-3 default at 4 MHz)
  PutLe32(d, 312500);  // dwMaxDataRate
  d.push_back(0);      // bNumDataRatesSupported
  PutLe32(d, 254);     // dwMaxIFSD
  PutLe32(d, 0);       // dwSynchProtocols
  PutLe32(d, 0);       // dwMechanical
  PutLe32(d, kFeatures);
  PutLe32(d, kMaxMessageLength);
  Append(d, {0xFF, 0xFF});  // bClassGetResponse, bClassEnvelope: echo the APDU's
  PutLe16(d, 0);            // wLcdLayout: none
  Append(d, {0x00, 0x01});  // bPINSupport: none; bMaxCCIDBusySlots
  return d;
}

Bytes ConfigurationDescriptor() {
  Bytes body;
  // Interface 0, three endpoints, class CCID, no subclass or protocol.
  Append(body, {9, kTypeInterface, 0, 0, 3, ccid::kInterfaceClass, 0, 0, 0});
  Append(body, CcidClassDescriptor());
  PutEndpoint(body, kEndpointBulkOut, kBulk, kBulkPacketSize, 0);
  PutEndpoint(body, kEndpointBulkIn, kBulk, kBulkPacketSize, 0);
  PutEndpoint(body, kEndpointInterruptIn, kInterrupt, kInterruptPacketSize, 0x20);

  Bytes d;
  d.reserve(kConfigurationHeaderLength);
  Append(d, {kConfigurationHeaderLength, kTypeConfiguration});
  PutLe16(d, static_cast<std::uint16_t>(kConfigurationHeaderLength + body.size()));  // wTotalLength
  Append(d, {1, 1, 0, 0x80, 50});  // 1 interface, value 1, bus powered, 100 mA
  return Concat({d, body});
}

std::optional<Bytes> StringDescriptor(std::uint8_t index, std::string_view serial) {
  std::string_view text;
  switch (index) {
    case 0: return Bytes{4, kTypeString, 0x09, 0x04};  // en-US
    case kStringManufacturer: text = kManufacturer; break;
    case kStringProduct: text = kProduct; break;
    case kStringSerial: text = serial; break;
    default: return std::nullopt;
  }
  // ASCII only, so UTF-16LE is each byte and a zero; 126 characters at most.
  text = text.substr(0, 126);
  Bytes d = {static_cast<std::uint8_t>(2 + 2 * text.size()), kTypeString};
  for (char c : text) Append(d, {static_cast<std::uint8_t>(c), 0x00});
  return d;
}

Bytes SysfsDescriptors() { return Concat({DeviceDescriptor(), ConfigurationDescriptor()}); }

}  // namespace tessera::sim::usb
