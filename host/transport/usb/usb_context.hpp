// UsbContext and the list of USB CCID devices: what the host sees of USB
// tokens before it opens one.
//
// UsbContext owns one libusb context (libusb_init/libusb_exit); everything
// else here borrows it, and it must outlive every transport and watcher made
// with it. libusb contexts are thread-safe, so a context may be shared by a
// hotplug watcher thread and any number of transports, each transport used
// by one thread at a time.
//
// A device is listed when one of its interfaces has class 0x0B (CCID) or when
// it carries the Tessera VID:PID (0x1209:0x7E55, docs/usb-ccid.md). Its key
// names where it is plugged in ("usb:1-2.3:0": bus 1, ports 2 then 3,
// interface 0), so it is stable across re-plugging into the same port and
// is what a slot manager keys its slots by.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.hpp"

struct libusb_context;

namespace tessera::host {

class UsbContext {
 public:
  static Result<std::unique_ptr<UsbContext>> Create();
  ~UsbContext();
  UsbContext(const UsbContext&) = delete;
  UsbContext& operator=(const UsbContext&) = delete;

  libusb_context* get() const { return ctx_; }

 private:
  explicit UsbContext(libusb_context* ctx) : ctx_(ctx) {}
  libusb_context* ctx_;
};

struct UsbCcidDevice {
  std::string key;  // "usb:<bus>-<port path>:<interface>"
  std::uint16_t vid = 0;
  std::uint16_t pid = 0;
  std::uint8_t bus = 0;
  std::uint8_t address = 0;  // changes on every re-plug; the key does not
  std::uint8_t interface_number = 0;
  // From the string descriptors; empty when the device could not be opened
  // to read them (no permission: see udev/70-tessera.rules).
  std::string serial;
  std::string product;
};

// The CCID devices present now, sorted by key.
Result<std::vector<UsbCcidDevice>> ListUsbCcidDevices(UsbContext& context);

}  // namespace tessera::host
