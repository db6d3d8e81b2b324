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

std::string Decimal3(int n) {
  char text[8];
  (void)std::snprintf(text, sizeof text, "%03d", n);
  return text;
}

std::string DevNode(int address) { return "/dev/bus/usb/001/" + Decimal3(address); }

// The sysfs entry, in umockdev's text format: attributes (A:, H: binary) and
// udev properties (E:). N: makes the device node that the ioctl handler
// serves; add_device would not create it.
std::string DeviceRecord(int address) {
  const std::string devnum = Decimal3(address);
  std::string r = "P: /devices/usb1/1-1\n";
  r += "N: bus/usb/001/" + devnum + "\n";
  r += "E: SUBSYSTEM=usb\nE: DRIVER=usb\nE: BUSNUM=001\n";
  r += "E: DEVNUM=" + devnum + "\n";
  r += "E: DEVNAME=" + DevNode(address) + "\n";
  r += "E: DEVTYPE=usb_device\nE: PRODUCT=1209/7e55/100\n";
  r += "A: bConfigurationValue=1\\n\nA: busnum=1\\n\n";
  r += "A: devnum=" + std::to_string(address) + "\\n\n";
  r += "A: speed=12\\n\n";
  r += "H: descriptors=" + ToHex(usb::SysfsDescriptors()) + "\n";
  return r;
}

}  // namespace

UmockdevCcidDevice::UmockdevCcidDevice(sim::Token* token, usb::CcidDevice::Options options)
    : token_(token), options_(options), model_(token, options) {
  testbed_ = umockdev_testbed_new();
  handler_ = umockdev_ioctl_base_new();
  g_signal_connect_after(handler_, "handle-ioctl", G_CALLBACK(OnIoctl), this);
  ok_ = Plug(kFirstAddress);
}

bool UmockdevCcidDevice::Plug(int address) {
  std::string node = DevNode(address);
  {
    std::lock_guard lock(mu_);
    address_ = address;
    node_ = node;
  }
  // The handler first, so that the device node works as soon as it exists.
  // It stays attached to the nodes of earlier plugs, whose handles libusb
  // may still use (to fail with ENODEV) until they are closed.
  GError* error = nullptr;
  if (!umockdev_testbed_attach_ioctl(testbed_, node.c_str(), handler_, &error)) {
    g_clear_error(&error);
    return false;
  }
  nodes_.push_back(node);
  bool added = umockdev_testbed_add_from_string(testbed_, DeviceRecord(address).c_str(), &error);
  g_clear_error(&error);
  return added;
}

UmockdevCcidDevice::~UmockdevCcidDevice() {
  if (testbed_ != nullptr) {
    for (const std::string& node : nodes_) {
      GError* error = nullptr;
      (void)umockdev_testbed_detach_ioctl(testbed_, node.c_str(), &error);
      g_clear_error(&error);
    }
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

void UmockdevCcidDevice::Replug() {
  bool gone = false;
  {
    std::lock_guard lock(mu_);
    gone = gone_;
  }
  if (!gone) Unplug();
  umockdev_testbed_remove_device(testbed_, kSysPath);
  int address = 0;
  {
    std::lock_guard lock(mu_);
    // A new plug is a new power-up: the CCID model starts afresh (the card
    // unpowered), and the faults are gone with the old plug.
    model_ = usb::CcidDevice(token_, options_);
    replies_.clear();
    stall_ = false;
    mute_ = false;
    gone_ = false;
    driver_attached_ = true;
    claims_ = 0;
    address = address_ + 1;
  }
  ok_ = Plug(address);
  umockdev_testbed_uevent(testbed_, kSysPath, "add");
}

int UmockdevCcidDevice::address() {
  std::lock_guard lock(mu_);
  return address_;
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
  // A handle opened on an earlier plug sees the device it opened as gone.
  const bool gone = gone_ || umockdev_ioctl_client_get_devnode(client) != node_;
  if (gone && request != USBDEVFS_REAPURBNDELAY && request != USBDEVFS_REAPURB) {
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
  u.node = node_;
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

void UmockdevCcidDevice::Control(const Urb& u) {
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

void UmockdevCcidDevice::Finish(const Urb& u, int status, ByteView payload, bool out_length) {
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

std::optional<UmockdevCcidDevice::Urb> UmockdevCcidDevice::TakeFor(std::deque<Urb>& q,
                                                                   const std::string& node) {
  auto it = std::find_if(q.begin(), q.end(), [&](const Urb& u) { return u.node == node; });
  if (it == q.end()) return std::nullopt;
  Urb u = *it;
  q.erase(it);
  return u;
}

void UmockdevCcidDevice::Reap(UMockdevIoctlClient* client) {
  const std::string node = umockdev_ioctl_client_get_devnode(client);
  std::optional<Urb> u = TakeFor(discarded_, node);
  if (u) {
    AsUrb(u->urb)->status = -ENOENT;
  } else {
    u = TakeFor(done_, node);
  }
  if (!u) {
    const bool gone = gone_ || node != node_;
    umockdev_ioctl_client_complete(client, -1, gone ? ENODEV : EAGAIN);
    return;
  }
  UMockdevIoctlData* arg = umockdev_ioctl_client_get_arg(client);
  UMockdevIoctlData* out = umockdev_ioctl_data_resolve(arg, 0, sizeof(gpointer), nullptr);
  umockdev_ioctl_data_set_ptr(out, 0, u->urb);
  umockdev_ioctl_client_complete(client, 0, 0);
  Unref(out);
  Unref(u->buffer);
  Unref(u->urb);
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
