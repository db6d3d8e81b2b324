#include "host/transport/usb/usb_hotplug_watcher.hpp"

#include <libusb.h>

#include "host/transport/usb/usb_transfer.hpp"

namespace tessera::host {
namespace {

// Runs inside libusb's event handling: only note that something changed.
int LIBUSB_CALL OnHotplug(libusb_context*, libusb_device*, libusb_hotplug_event, void* pending) {
  static_cast<std::atomic<bool>*>(pending)->store(true);
  return 0;  // stay registered
}

}  // namespace

Result<std::unique_ptr<UsbHotplugWatcher>> UsbHotplugWatcher::Start(
    UsbContext& context, std::function<void()> on_change) {
  if (libusb_has_capability(LIBUSB_CAP_HAS_HOTPLUG) == 0) {
    return Status::FunctionNotSupported("libusb has no hotplug support on this system");
  }
  std::unique_ptr<UsbHotplugWatcher> watcher(new UsbHotplugWatcher(context, std::move(on_change)));
  libusb_hotplug_callback_handle handle = 0;
  int r = libusb_hotplug_register_callback(
      context.get(),
      static_cast<libusb_hotplug_event>(LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED |
                                        LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT),
      static_cast<libusb_hotplug_flag>(0), LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY,
      LIBUSB_HOTPLUG_MATCH_ANY, OnHotplug, &watcher->pending_, &handle);
  if (r != 0) return usb_internal::FromLibusb(r, "registering the USB hotplug callback");
  watcher->handle_ = handle;
  watcher->thread_ = std::thread([w = watcher.get()] { w->Run(); });
  return watcher;
}

UsbHotplugWatcher::UsbHotplugWatcher(UsbContext& context, std::function<void()> on_change)
    : context_(context), on_change_(std::move(on_change)) {}

UsbHotplugWatcher::~UsbHotplugWatcher() {
  stop_ = true;
  // Deregistering also wakes the event loop (libusb_interrupt_event_handler).
  libusb_hotplug_deregister_callback(context_.get(), handle_);
  if (thread_.joinable()) thread_.join();
}

void UsbHotplugWatcher::Run() {
  while (!stop_) {
    // 100 ms slices bound how long the destructor waits for the thread.
    timeval tv{0, 100000};
    (void)libusb_handle_events_timeout_completed(context_.get(), &tv, nullptr);
    if (pending_.exchange(false) && !stop_) on_change_();
  }
}

}  // namespace tessera::host
