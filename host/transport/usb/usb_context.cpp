#include "host/transport/usb/usb_context.hpp"

#include <libusb.h>

#include <algorithm>

#include "host/transport/usb/ccid_interface.hpp"
#include "host/transport/usb/usb_transfer.hpp"

namespace tessera::host {
namespace {

using usb_internal::DeviceListPtr;
using usb_internal::HandlePtr;

std::string ReadString(libusb_device_handle* handle, std::uint8_t index) {
  if (index == 0) return {};
  unsigned char text[256];
  // libusb bounds this control transfer by its own 1 s timeout.
  int n = libusb_get_string_descriptor_ascii(handle, index, text, sizeof text);
  return n > 0 ? std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(n))
               : std::string();
}

}  // namespace

Result<std::unique_ptr<UsbContext>> UsbContext::Create() {
  libusb_context* ctx = nullptr;
  int r = libusb_init(&ctx);
  if (r != 0) return usb_internal::FromLibusb(r, "libusb_init");
  return std::unique_ptr<UsbContext>(new UsbContext(ctx));
}

UsbContext::~UsbContext() { libusb_exit(ctx_); }

Result<std::vector<UsbCcidDevice>> ListUsbCcidDevices(UsbContext& context) {
  libusb_device** raw = nullptr;
  ssize_t count = libusb_get_device_list(context.get(), &raw);
  if (count < 0) return usb_internal::FromLibusb(static_cast<int>(count), "listing USB devices");
  DeviceListPtr list(raw);

  std::vector<UsbCcidDevice> found;
  for (ssize_t i = 0; i < count; ++i) {
    libusb_device* device = raw[i];
    auto iface = usb_internal::FindCcidInterface(device);
    if (!iface) continue;
    libusb_device_descriptor dd{};
    if (libusb_get_device_descriptor(device, &dd) != 0) continue;
    UsbCcidDevice entry;
    entry.key = usb_internal::DeviceKey(device, iface->number);
    entry.vid = dd.idVendor;
    entry.pid = dd.idProduct;
    entry.bus = libusb_get_bus_number(device);
    entry.address = libusb_get_device_address(device);
    entry.interface_number = iface->number;
    libusb_device_handle* handle = nullptr;
    if (libusb_open(device, &handle) == 0) {
      HandlePtr open(handle);
      entry.serial = ReadString(handle, dd.iSerialNumber);
      entry.product = ReadString(handle, dd.iProduct);
    }
    found.push_back(std::move(entry));
  }
  std::sort(found.begin(), found.end(),
            [](const UsbCcidDevice& a, const UsbCcidDevice& b) { return a.key < b.key; });
  return found;
}

}  // namespace tessera::host
