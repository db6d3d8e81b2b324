// UmockdevCcidDevice: the USB CCID model (firmware-sim/usb) plugged into a
// umockdev testbed, so that libusb, and UsbCcidTransport over it, see a real
// usbfs device. Like libusb's own tests/umockdev.c: the device is a sysfs
// entry with binary "descriptors", and an ioctl handler serves the usbdevfs
// requests (SUBMITURB, REAPURB[NDELAY], DISCARDURB, CLAIMINTERFACE,
// GETDRIVER, IOCTL connect/disconnect...) on umockdev's worker thread.
//
// Faults for the bad-input tests: Stall() makes the next bulk-IN URB end
// with EPIPE; Mute() drops every reply; Unplug() fails every request with
// ENODEV, ends the URBs in flight with ESHUTDOWN, and sends the "remove"
// uevent. Replug() puts the device back into the same port (same sysfs path,
// so the same key) under the next bus address and device node, as the kernel
// does, with the CCID model reset and the faults cleared; handles opened on
// an earlier plug keep failing with ENODEV. The process must run under
// libumockdev-preload (main.cpp). Thread-safe: the test thread and
// umockdev's worker share one mutex.
#pragma once

#include <umockdev.h>

#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "firmware-sim/usb/ccid_device.hpp"

namespace tessera::testing {

class UmockdevCcidDevice {
 public:
  static constexpr const char* kSysPath = "/sys/devices/usb1/1-1";
  static constexpr int kFirstAddress = 2;  // /dev/bus/usb/001/002

  // Creates the testbed (which points UMOCKDEV_DIR at it) and plugs the
  // device in. Create UsbContexts only after this.
  explicit UmockdevCcidDevice(sim::Token* token, sim::usb::CcidDevice::Options options = {});
  ~UmockdevCcidDevice();
  UmockdevCcidDevice(const UmockdevCcidDevice&) = delete;
  UmockdevCcidDevice& operator=(const UmockdevCcidDevice&) = delete;

  bool ok() const { return ok_; }
  void Stall();
  void Mute();
  void Unplug();
  // Unplugs first if still plugged in.
  void Replug();
  // The bus address of the current plug: 2, then 3 after a Replug()...
  int address();
  // Whether a kernel driver is bound to interface 0 (the transport detaches
  // the simulated one and must reattach it on close).
  bool kernel_driver_attached();
  int claims();

 private:
  struct Urb {
    UMockdevIoctlData* urb = nullptr;     // struct usbdevfs_urb, ref held
    UMockdevIoctlData* buffer = nullptr;  // its data buffer, ref held
    std::string node;                     // the device node it came through
  };

  // Attaches the handler to the node of `address` and adds the sysfs entry.
  bool Plug(int address);

  static gboolean OnIoctl(UMockdevIoctlBase* handler, UMockdevIoctlClient* client, gpointer self);
  gboolean HandleIoctl(UMockdevIoctlClient* client);
  void Submit(UMockdevIoctlClient* client);
  void Reap(UMockdevIoctlClient* client);
  void Discard(UMockdevIoctlClient* client);
  void Control(const Urb& urb);
  // Finishes `urb` with `status` and `payload` (copied into its buffer) and
  // queues it for reaping.
  void Finish(const Urb& urb, int status, ByteView payload, bool out_length = false);
  void Serve();  // pairs queued replies with waiting bulk/interrupt-IN URBs
  // Takes the first URB of `q` that came through `node`.
  static std::optional<Urb> TakeFor(std::deque<Urb>& q, const std::string& node);

  UMockdevTestbed* testbed_ = nullptr;
  UMockdevIoctlBase* handler_ = nullptr;
  bool ok_ = false;

  std::mutex mu_;
  sim::Token* const token_;
  const sim::usb::CcidDevice::Options options_;
  std::vector<std::string> nodes_;  // every node the handler is attached to
  std::string node_;                // the current plug's node
  int address_ = kFirstAddress;
  sim::usb::CcidDevice model_;
  std::deque<Bytes> replies_;
  std::deque<Urb> bulk_in_;
  std::deque<Urb> interrupt_in_;
  std::deque<Urb> done_;
  std::deque<Urb> discarded_;
  bool stall_ = false;
  bool mute_ = false;
  bool gone_ = false;
  bool driver_attached_ = true;
  int claims_ = 0;
};

}  // namespace tessera::testing
