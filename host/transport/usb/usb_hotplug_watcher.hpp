// UsbHotplugWatcher: tells its owner when a USB device arrives or leaves, so
// that a slot manager can list the USB CCID devices again.
//
// It registers a libusb hotplug callback (any device: CCID tokens declare
// their class per interface, which libusb's filter cannot see) and runs
// libusb event handling on its own thread. `on_change` is called on that
// thread, never inside libusb's event handling and never concurrently with
// itself; it should be quick (wake the slot manager). The destructor
// deregisters the callback and joins the thread. The UsbContext must outlive
// the watcher.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <thread>

#include "host/transport/usb/usb_context.hpp"

namespace tessera::host {

class UsbHotplugWatcher {
 public:
  // kFunctionNotSupported when libusb has no hotplug support here
  // (LIBUSB_CAP_HAS_HOTPLUG); callers then poll ListUsbCcidDevices.
  static Result<std::unique_ptr<UsbHotplugWatcher>> Start(UsbContext& context,
                                                          std::function<void()> on_change);
  ~UsbHotplugWatcher();
  UsbHotplugWatcher(const UsbHotplugWatcher&) = delete;
  UsbHotplugWatcher& operator=(const UsbHotplugWatcher&) = delete;

 private:
  UsbHotplugWatcher(UsbContext& context, std::function<void()> on_change);
  void Run();

  UsbContext& context_;
  std::function<void()> on_change_;
  int handle_ = 0;                    // libusb_hotplug_callback_handle
  std::atomic<bool> pending_{false};  // set by the libusb callback
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace tessera::host
