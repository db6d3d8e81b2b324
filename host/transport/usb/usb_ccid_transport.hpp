// UsbCcidTransport: a Transport to a USB token through its CCID interface
// (USB CCID rev 1.1), driven with libusb: the host side of the route that
// firmware-sim/usb models. docs/usb-ccid.md describes both ends.
//
// Open claims the interface, detaching a kernel driver if one holds it (it
// is reattached on close), and powers the card on (IccPowerOn, then
// GetParameters). APDUs travel at APDU level in XfrBlock messages, in
// wLevelParameter chains when longer than the device's
// dwMaxCCIDMessageLength; devices that exchange TPDUs or characters (plain
// smart-card readers, which pcscd serves) are refused with
// kFunctionNotSupported. The interrupt endpoint is not read: a token's card
// cannot leave it.
//
// Every call is bounded: Options::timeout per reply, extended by the
// device's time extension requests (bStatus 0x80) up to Options::max_wait.
// Open gives kNotFound when the device is not plugged in. Once open, an
// unplug, a stall, a timeout or a malformed reply gives kIoError and breaks
// the transport (every later call fails until it is reopened); an unplug
// says "USB device gone". A card that answers ICC_MUTE gives kIoError
// without breaking it. Borrows the UsbContext, which must outlive it; owns
// its device handle. One thread at a time.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "common/ccid.hpp"
#include "host/transport/transport.hpp"
#include "host/transport/usb/usb_context.hpp"

struct libusb_device_handle;

namespace tessera::host {

namespace usb_internal {
class Transfer;
}

class UsbCcidTransport final : public Transport {
 public:
  struct Options {
    std::chrono::milliseconds timeout{60000};
    std::chrono::milliseconds max_wait{300000};
    bool power_on = true;  // IccPowerOn in Open
  };

  // kNotFound when no device with `device.key` is present now.
  static Result<std::unique_ptr<UsbCcidTransport>> Open(UsbContext& context,
                                                        const UsbCcidDevice& device,
                                                        Options options);
  static Result<std::unique_ptr<UsbCcidTransport>> Open(UsbContext& context,
                                                        const UsbCcidDevice& device) {
    return Open(context, device, Options());
  }
  ~UsbCcidTransport() override;
  UsbCcidTransport(const UsbCcidTransport&) = delete;
  UsbCcidTransport& operator=(const UsbCcidTransport&) = delete;

  Result<Bytes> Transmit(ByteView command) override;
  Result<Bytes> Atr() override;
  Status PowerOn() override;
  Status PowerOff() override;
  Status Reset() override;
  std::string Describe() const override;
  bool SupportsExtendedLength() const override { return extended_apdus(); }

  // Whether the device takes extended APDUs (dwFeatures), for
  // ApduChannel::Options::extended_length.
  bool extended_apdus() const;

 private:
  struct Endpoints {
    std::uint8_t interface_number = 0;
    std::uint8_t bulk_out = 0;
    std::uint8_t bulk_in = 0;
    std::uint32_t features = 0;
    std::uint32_t max_message_length = 0;
  };
  struct Reply {
    ccid::Header header;
    Bytes data;
  };

  UsbCcidTransport(UsbContext& context, libusb_device_handle* handle, UsbCcidDevice device,
                   Endpoints endpoints, Options options);
  Status Claim();

  // One command message out and its reply in; a failed reply is an error.
  Result<Reply> Exchange(ccid::MessageType type, std::array<std::uint8_t, 3> specific,
                         ByteView data);
  Status Send(ByteView message, std::chrono::steady_clock::time_point deadline);
  // The reply to `seq`, skipping stale replies and waiting through time
  // extensions.
  Result<Reply> ReceiveFor(std::uint8_t seq, ccid::MessageType expected);
  Result<Bytes> ReadMessage(std::chrono::steady_clock::time_point deadline);
  Result<Reply> XfrPiece(std::uint16_t level, ByteView data);
  // Marks the link unusable and returns `s`, a vanished device's kNotFound
  // turned into kIoError.
  Status Break(Status s);
  Status Usable() const;

  libusb_context* ctx_;
  UsbCcidDevice device_;
  Endpoints endpoints_;
  Options options_;
  std::uint8_t seq_ = 0;
  bool kernel_driver_detached_ = false;
  bool claimed_ = false;
  std::optional<Bytes> atr_;
  Status broken_;
  // Transfers libusb would not give back; freed after the handle is closed.
  std::vector<std::unique_ptr<usb_internal::Transfer>> orphans_;
  libusb_device_handle* handle_;
};

}  // namespace tessera::host
