#include "host/transport/usb/usb_transfer.hpp"

#include <atomic>
#include <new>
#include <string>

namespace tessera::host::usb_internal {
namespace {

using std::chrono::duration_cast;
using std::chrono::microseconds;
using std::chrono::milliseconds;

// How long a cancelled transfer gets to come back before it is orphaned.
constexpr milliseconds kCancelGrace{500};
// Longest single wait in libusb's event loop, so deadlines are checked often.
constexpr microseconds kEventSlice{100000};

// `done` is written by the completion callback, on whichever thread handles
// libusb's events (this one, or the hotplug watcher's), and read here.
// libusb reads it under its own event lock; this code reads it atomically.
bool Done(int* done) { return std::atomic_ref<int>(*done).load(std::memory_order_acquire) != 0; }

// Handles events until `*done` or `until`.
void WaitFor(libusb_context* ctx, int* done, Clock::time_point until) {
  while (!Done(done)) {
    auto left = duration_cast<microseconds>(until - Clock::now());
    if (left.count() <= 0) return;
    if (left > kEventSlice) left = kEventSlice;
    timeval tv{0, static_cast<suseconds_t>(left.count())};
    int r = libusb_handle_events_timeout_completed(ctx, &tv, done);
    if (r != 0 && r != LIBUSB_ERROR_INTERRUPTED && r != LIBUSB_ERROR_TIMEOUT) return;
  }
}

Status FromTransferStatus(libusb_transfer_status status) {
  switch (status) {
    case LIBUSB_TRANSFER_COMPLETED: return Status::Ok();
    case LIBUSB_TRANSFER_NO_DEVICE: return Status::NotFound("USB device gone");
    case LIBUSB_TRANSFER_STALL: return Status::IoError("USB endpoint stalled");
    case LIBUSB_TRANSFER_TIMED_OUT:
    case LIBUSB_TRANSFER_CANCELLED: return Status::IoError("USB transfer timed out");
    case LIBUSB_TRANSFER_OVERFLOW: return Status::IoError("USB transfer overflowed its buffer");
    default: return Status::IoError("USB transfer failed");
  }
}

void LIBUSB_CALL OnTransferDone(libusb_transfer* transfer) {
  std::atomic_ref<int>(*static_cast<int*>(transfer->user_data)).store(1, std::memory_order_release);
}

}  // namespace

Status FromLibusb(int error, const char* what) {
  std::string msg = std::string(what) + ": " + libusb_error_name(error);
  if (error == LIBUSB_ERROR_NO_DEVICE || error == LIBUSB_ERROR_NOT_FOUND) {
    return Status::NotFound(std::move(msg));
  }
  return Status::IoError(std::move(msg));
}

Transfer::Transfer(std::size_t capacity) : transfer_(libusb_alloc_transfer(0)), buffer_(capacity) {
  if (transfer_ == nullptr) throw std::bad_alloc();
}

Transfer::~Transfer() { libusb_free_transfer(transfer_); }

Result<std::size_t> RunTransfer(libusb_context* ctx, Transfer& transfer,
                                Clock::time_point deadline) {
  libusb_transfer* t = transfer.get();
  auto left = duration_cast<milliseconds>(deadline - Clock::now());
  if (left.count() <= 0) return Status::IoError("USB transfer timed out");
  // libusb's own timeout as well, so that libusb cancels it even when the
  // waiting below is cut short; +1 keeps it from reading as "no timeout".
  t->timeout = static_cast<unsigned int>(left.count()) + 1;
  t->callback = OnTransferDone;
  t->user_data = transfer.done();
  *transfer.done() = 0;
  int r = libusb_submit_transfer(t);
  if (r != 0) return FromLibusb(r, "submitting a USB transfer");
  transfer.MarkSubmitted();
  WaitFor(ctx, transfer.done(), deadline + milliseconds(50));
  if (!Done(transfer.done())) {
    (void)libusb_cancel_transfer(t);
    WaitFor(ctx, transfer.done(), Clock::now() + kCancelGrace);
    if (!Done(transfer.done())) return Status::IoError("USB transfer timed out (not cancelled)");
  }
  TESSERA_RETURN_IF_ERROR(FromTransferStatus(t->status));
  return static_cast<std::size_t>(t->actual_length);
}

}  // namespace tessera::host::usb_internal
