#include "tests/hil/usb/umockdev_ccid_device.hpp"

#include <linux/ioctl.h>
#include <linux/usbdevice_fs.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <optional>

#include "firmware-sim/usb/usb_descriptors.hpp"

namespace tessera::testing {
namespace {

namespace usb = sim::usb;

void Unref(UMockdevIoctlData* d) {
  if (d != nullptr) g_object_unref(d);
}

usbdevfs_urb* AsUrb(UMockdevIoctlData* d) { return reinterpret_cast<usbdevfs_urb*>(d->data); }

// The sysfs entry, in umockdev's text format: attributes (A:, H: binary) and
// udev properties (E:). N: makes the device node that the ioctl handler
// serves; add_device would not create it.
std::string DeviceRecord() {
  std::string r =
      "P: /devices/usb1/1-1\n"
      "N: bus/usb/001/002\n"
      "E: SUBSYSTEM=usb\n"
      "E: DRIVER=usb\n"
      "E: BUSNUM=001\n"
      "E: DEVNUM=002\n"
      "E: DEVNAME=/dev/bus/usb/001/002\n"
      "E: DEVTYPE=usb_device\n"
      "E: PRODUCT=1209/7e55/100\n"
      "A: bConfigurationValue=1\\n\n"
      "A: busnum=1\\n\n"
      "A: devnum=2\\n\n"
      "A: speed=12\\n\n"
      "H: descriptors=";
  return r + ToHex(usb::SysfsDescriptors()) + "\n";
}

}  // namespace

UmockdevCcidDevice::UmockdevCcidDevice(sim::Token* token, usb::CcidDevice::Options options)
    : model_(token, options) {
  testbed_ = umockdev_testbed_new();
  handler_ = umockdev_ioctl_base_new();
  g_signal_connect_after(handler_, "handle-ioctl", G_CALLBACK(OnIoctl), this);
  // The handler first, so that the device node works as soon as it exists.
  GError* error = nullptr;
  if (!umockdev_testbed_attach_ioctl(testbed_, kDevNode, handler_, &error)) {
    g_clear_error(&error);
    return;
  }
  ok_ = umockdev_testbed_add_from_string(testbed_, DeviceRecord().c_str(), &error);
  g_clear_error(&error);
}

UmockdevCcidDevice::~UmockdevCcidDevice() {
  if (testbed_ != nullptr) {
    GError* error = nullptr;
    (void)umockdev_testbed_detach_ioctl(testbed_, kDevNode, &error);
    g_clear_error(&error);
  }
  {
    std::lock_guard lock(mu_);
    for (auto* q : {&bulk_in_, &interrupt_in_, &done_, &discarded_}) {
      for (Urb& u : *q) {
        Unref(u.buffer);
        Unref(u.urb);
      }
      q->clear();
    }
  }
  if (handler_ != nullptr) g_object_unref(handler_);
  if (testbed_ != nullptr) g_object_unref(testbed_);
}

void UmockdevCcidDevice::Stall() {
  std::lock_guard lock(mu_);
  stall_ = true;
  Serve();
}

void UmockdevCcidDevice::Mute() {
  std::lock_guard lock(mu_);
  mute_ = true;
  replies_.clear();
}

void UmockdevCcidDevice::Unplug() {
  {
    std::lock_guard lock(mu_);
    gone_ = true;
    // usbfs ends the URBs in flight when the device goes (ESHUTDOWN).
    for (auto* q : {&bulk_in_, &interrupt_in_}) {
      while (!q->empty()) {
        Urb u = q->front();
        q->pop_front();
        Finish(u, -ESHUTDOWN, {});
      }
    }
  }
  umockdev_testbed_uevent(testbed_, kSysPath, "remove");
}

bool UmockdevCcidDevice::kernel_driver_attached() {
  std::lock_guard lock(mu_);
  return driver_attached_;
}

int UmockdevCcidDevice::claims() {
  std::lock_guard lock(mu_);
  return claims_;
}

gboolean UmockdevCcidDevice::OnIoctl(UMockdevIoctlBase*, UMockdevIoctlClient* client,
                                     gpointer self) {
  return static_cast<UmockdevCcidDevice*>(self)->HandleIoctl(client);
}

gboolean UmockdevCcidDevice::HandleIoctl(UMockdevIoctlClient* client) {
  std::lock_guard lock(mu_);
  unsigned long request = umockdev_ioctl_client_get_request(client);
  UMockdevIoctlData* arg = umockdev_ioctl_client_get_arg(client);
  if (gone_ && request != USBDEVFS_REAPURBNDELAY && request != USBDEVFS_REAPURB) {
    umockdev_ioctl_client_complete(client, -1, ENODEV);
    return TRUE;
  }
  switch (request) {
    case USBDEVFS_GET_CAPABILITIES: {
      UMockdevIoctlData* caps = umockdev_ioctl_data_resolve(arg, 0, sizeof(guint32), nullptr);
      *reinterpret_cast<guint32*>(caps->data) =
          USBDEVFS_CAP_BULK_SCATTER_GATHER | USBDEVFS_CAP_BULK_CONTINUATION |
          USBDEVFS_CAP_NO_PACKET_SIZE_LIM | USBDEVFS_CAP_REAP_AFTER_DISCONNECT |
          USBDEVFS_CAP_ZERO_PACKET;
      Unref(caps);
      umockdev_ioctl_client_complete(client, 0, 0);
      return TRUE;
    }
    case USBDEVFS_CLAIMINTERFACE:
    case USBDEVFS_DISCONNECT_CLAIM:
      ++claims_;
      umockdev_ioctl_client_complete(client, 0, 0);
      return TRUE;
    case USBDEVFS_RELEASEINTERFACE:
      --claims_;
      umockdev_ioctl_client_complete(client, 0, 0);
      return TRUE;
    case USBDEVFS_CLEAR_HALT:
    case USBDEVFS_RESET:
    case USBDEVFS_RESETEP:
    case USBDEVFS_SETINTERFACE:
    case USBDEVFS_SETCONFIGURATION: umockdev_ioctl_client_complete(client, 0, 0); return TRUE;
    case USBDEVFS_GETDRIVER: {
      if (!driver_attached_) {
        umockdev_ioctl_client_complete(client, -1, ENODATA);
        return TRUE;
      }
      UMockdevIoctlData* d =
          umockdev_ioctl_data_resolve(arg, 0, sizeof(usbdevfs_getdriver), nullptr);
      auto* gd = reinterpret_cast<usbdevfs_getdriver*>(d->data);
      (void)std::snprintf(gd->driver, sizeof gd->driver, "tessera-test");
      Unref(d);
      umockdev_ioctl_client_complete(client, 0, 0);
      return TRUE;
    }
    case USBDEVFS_IOCTL: {
      UMockdevIoctlData* d = umockdev_ioctl_data_resolve(arg, 0, sizeof(usbdevfs_ioctl), nullptr);
      int code = reinterpret_cast<usbdevfs_ioctl*>(d->data)->ioctl_code;
      Unref(d);
      if (code == static_cast<int>(USBDEVFS_DISCONNECT)) driver_attached_ = false;
      if (code == static_cast<int>(USBDEVFS_CONNECT)) driver_attached_ = true;
      umockdev_ioctl_client_complete(client, 0, 0);
      return TRUE;
    }
    case USBDEVFS_SUBMITURB: Submit(client); return TRUE;
    case USBDEVFS_REAPURB:
    case USBDEVFS_REAPURBNDELAY: Reap(client); return TRUE;
    case USBDEVFS_DISCARDURB: Discard(client); return TRUE;
    default: return FALSE;
  }
}

void UmockdevCcidDevice::Submit(UMockdevIoctlClient* client) {
  UMockdevIoctlData* arg = umockdev_ioctl_client_get_arg(client);
  Urb u;
  u.urb = umockdev_ioctl_data_resolve(arg, 0, sizeof(usbdevfs_urb), nullptr);
  usbdevfs_urb* urb = AsUrb(u.urb);
  u.buffer = umockdev_ioctl_data_resolve(u.urb, offsetof(usbdevfs_urb, buffer),
                                         static_cast<gsize>(urb->buffer_length), nullptr);
  umockdev_ioctl_client_complete(client, 0, 0);
  if (urb->type == USBDEVFS_URB_TYPE_CONTROL) {
    Control(u);
  } else if (urb->endpoint == usb::kEndpointBulkOut) {
    ByteView message(u.buffer->data, static_cast<std::size_t>(urb->buffer_length));
    for (Bytes& reply : model_.HandleBulkOut(message)) {
      if (!mute_) replies_.push_back(std::move(reply));
    }
    Finish(u, 0, {}, /*out_length=*/true);
  } else if (urb->endpoint == usb::kEndpointBulkIn) {
    bulk_in_.push_back(u);
  } else if (urb->endpoint == usb::kEndpointInterruptIn) {
    interrupt_in_.push_back(u);
  } else {
    Finish(u, -EPIPE, {});
  }
  Serve();
}

void UmockdevCcidDevice::Control(Urb u) {
  // USB 2.0 §9.3: the 8-byte setup packet, then the data stage.
  const std::uint8_t* setup = u.buffer->data;
  bool get_descriptor = setup[0] == 0x80 && setup[1] == 0x06;
  std::uint8_t type = setup[3];
  std::uint8_t index = setup[2];
  std::size_t wanted = setup[6] | (setup[7] << 8);
  std::optional<Bytes> answer;
  if (get_descriptor && type == 1) answer = usb::DeviceDescriptor();
  if (get_descriptor && type == 2) answer = usb::ConfigurationDescriptor();
  if (get_descriptor && type == 3) answer = usb::StringDescriptor(index, model_.Serial());
  if (!answer) {
    Finish(u, -EPIPE, {});  // a control request the device does not know stalls
    return;
  }
  answer->resize(std::min(answer->size(), wanted));
  Bytes stage(8);
  std::memcpy(stage.data(), setup, 8);
  Append(stage, *answer);
  Finish(u, 0, stage);
  AsUrb(u.urb)->actual_length -= 8;  // usbfs counts only the data stage
}

void UmockdevCcidDevice::Finish(Urb u, int status, ByteView payload, bool out_length) {
  usbdevfs_urb* urb = AsUrb(u.urb);
  std::size_t n = std::min(payload.size(), static_cast<std::size_t>(urb->buffer_length));
  if (n > 0) std::memcpy(u.buffer->data, payload.data(), n);
  urb->actual_length = out_length ? urb->buffer_length : static_cast<int>(n);
  urb->status = status;
  done_.push_back(u);
}

void UmockdevCcidDevice::Serve() {
  while (!bulk_in_.empty() && (stall_ || !replies_.empty())) {
    Urb u = bulk_in_.front();
    bulk_in_.pop_front();
    if (stall_) {
      stall_ = false;
      Finish(u, -EPIPE, {});
      continue;
    }
    Finish(u, 0, replies_.front());
    replies_.pop_front();
  }
  while (!interrupt_in_.empty()) {
    auto note = model_.TakeInterrupt();
    if (!note) break;
    Urb u = interrupt_in_.front();
    interrupt_in_.pop_front();
    Finish(u, 0, *note);
  }
}

void UmockdevCcidDevice::Reap(UMockdevIoctlClient* client) {
  std::deque<Urb>* from = !discarded_.empty() ? &discarded_ : !done_.empty() ? &done_ : nullptr;
  if (from == nullptr) {
    umockdev_ioctl_client_complete(client, -1, gone_ ? ENODEV : EAGAIN);
    return;
  }
  Urb u = from->front();
  from->pop_front();
  if (from == &discarded_) AsUrb(u.urb)->status = -ENOENT;
  UMockdevIoctlData* arg = umockdev_ioctl_client_get_arg(client);
  UMockdevIoctlData* out = umockdev_ioctl_data_resolve(arg, 0, sizeof(gpointer), nullptr);
  umockdev_ioctl_data_set_ptr(out, 0, u.urb);
  umockdev_ioctl_client_complete(client, 0, 0);
  Unref(out);
  Unref(u.buffer);
  Unref(u.urb);
}

void UmockdevCcidDevice::Discard(UMockdevIoctlClient* client) {
  UMockdevIoctlData* arg = umockdev_ioctl_client_get_arg(client);
  gulong addr = *reinterpret_cast<gulong*>(arg->data);
  for (auto* q : {&bulk_in_, &interrupt_in_}) {
    for (auto it = q->begin(); it != q->end(); ++it) {
      if (it->urb->client_addr != addr) continue;
      discarded_.push_back(*it);
      q->erase(it);
      umockdev_ioctl_client_complete(client, 0, 0);
      return;
    }
  }
  umockdev_ioctl_client_complete(client, -1, EINVAL);
}

}  // namespace tessera::testing
