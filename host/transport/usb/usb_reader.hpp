// UsbReaderSource: USB CCID devices (ListUsbCcidDevices) as readers. A USB
// token is its own reader, so the card is present exactly while the device
// is plugged in; its bus address, new on every plug, is the generation.
//
// The list is read again when the hotplug watcher reports a change, or at
// most every 200 ms where libusb has no hotplug support. Without a usable
// libusb (no /dev/bus/usb, as in a container), the route has no readers.
//
// Each reader opens its device with `transport_options`. The default
// constructor takes them from the environment: TESSERA_USB_TIMEOUT_MS bounds
// the wait for each reply (UsbCcidTransport::Options::timeout, 60 s when
// unset), so that a mute device fails a PKCS#11 call in that time.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "host/transport/reader_source.hpp"
#include "host/transport/usb/usb_ccid_transport.hpp"
#include "host/transport/usb/usb_context.hpp"
#include "host/transport/usb/usb_hotplug_watcher.hpp"

namespace tessera::host {

class UsbReaderSource final : public ReaderSource {
 public:
  UsbReaderSource() : UsbReaderSource(UsbCcidTransport::Options()) {}
  explicit UsbReaderSource(UsbCcidTransport::Options transport_options);
  ~UsbReaderSource() override;

  std::vector<std::shared_ptr<Reader>> Scan() override;
  bool Wait(std::chrono::milliseconds timeout) override;
  void Cancel() override;

  // What the readers share: the context and the latest device list.
  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace tessera::host
