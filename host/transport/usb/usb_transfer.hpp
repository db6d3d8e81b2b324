// Internal to the USB transport: libusb handles as RAII objects, libusb
// errors as Status, and one bulk or interrupt transfer run to completion
// within a deadline.
//
// A transfer that libusb cannot finish even after cancellation (a device
// that never answers the discard) must not be freed while libusb still owns
// it; RunTransfer then hands it back as an orphan, which its owner frees only
// after libusb_close on the handle has dropped it.
#pragma once

#include <libusb.h>

#include <chrono>
#include <cstdint>
#include <memory>

#include "common/bytes.hpp"
#include "common/status.hpp"

namespace tessera::host::usb_internal {

using Clock = std::chrono::steady_clock;

struct DeviceFree {
  void operator()(libusb_device* d) const noexcept { libusb_unref_device(d); }
};
using DevicePtr = std::unique_ptr<libusb_device, DeviceFree>;

struct HandleClose {
  void operator()(libusb_device_handle* h) const noexcept { libusb_close(h); }
};
using HandlePtr = std::unique_ptr<libusb_device_handle, HandleClose>;

struct DeviceListFree {
  void operator()(libusb_device** list) const noexcept { libusb_free_device_list(list, 1); }
};
using DeviceListPtr = std::unique_ptr<libusb_device*, DeviceListFree>;

// kNotFound for a vanished device, kIoError for the rest; `what` says which call.
Status FromLibusb(int error, const char* what);

// One transfer and the buffer it reads into or writes from.
class Transfer {
 public:
  explicit Transfer(std::size_t capacity);
  ~Transfer();
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;

  Bytes& buffer() { return buffer_; }
  libusb_transfer* get() { return transfer_; }
  int* done() { return &done_; }
  // Submitted and not yet given back by libusb.
  bool in_flight() const { return submitted_ && done_ == 0; }
  void MarkSubmitted() { submitted_ = true; }

 private:
  libusb_transfer* transfer_;
  Bytes buffer_;
  int done_ = 0;
  bool submitted_ = false;
};

// Submits `transfer` (filled by the caller) and handles libusb events until
// it completes or `deadline` passes, then cancels it and waits a short
// grace period. Returns the bytes moved. If libusb still owns the transfer
// afterwards (in_flight()), the caller must keep it as an orphan.
Result<std::size_t> RunTransfer(libusb_context* ctx, Transfer& transfer,
                                Clock::time_point deadline);

}  // namespace tessera::host::usb_internal
