#include "host/transport/usb/usb_ccid_transport.hpp"

#include <libusb.h>

#include <algorithm>
#include <cstdio>

#include "host/transport/usb/ccid_interface.hpp"
#include "host/transport/usb/usb_transfer.hpp"

namespace tessera::host {
namespace {

using ccid::MessageType;
using usb_internal::Clock;
using usb_internal::DeviceListPtr;
using usb_internal::FromLibusb;
using usb_internal::Transfer;

constexpr std::array<std::uint8_t, 3> kNoParams{};

// The failed reply's bError as a Status (CCID §6.2.6).
Status FromCcidError(const ccid::Header& h) {
  std::uint8_t error = h.specific[1];
  if (ccid::IccStatusOf(h.specific[0]) == ccid::IccStatus::kAbsent) {
    return Status::NotFound("no card in the CCID slot");
  }
  if (error == ccid::kErrorIccMute) return Status::IoError("card mute (CCID ICC_MUTE)");
  if (error == ccid::kErrorCmdNotSupported) {
    return Status::FunctionNotSupported("CCID command not supported by the device");
  }
  char msg[48];
  (void)std::snprintf(msg, sizeof msg, "CCID command failed, bError 0x%02X", error);
  return Status::IoError(msg);
}

std::array<std::uint8_t, 3> XfrParams(std::uint16_t level) {
  // bBWI 0 (default block waiting time), wLevelParameter little-endian.
  return {0x00, static_cast<std::uint8_t>(level), static_cast<std::uint8_t>(level >> 8)};
}

}  // namespace

Result<std::unique_ptr<UsbCcidTransport>> UsbCcidTransport::Open(UsbContext& context,
                                                                 const UsbCcidDevice& device,
                                                                 Options options) {
  libusb_device** raw = nullptr;
  ssize_t count = libusb_get_device_list(context.get(), &raw);
  if (count < 0) return FromLibusb(static_cast<int>(count), "listing USB devices");
  DeviceListPtr list(raw);
  for (ssize_t i = 0; i < count; ++i) {
    auto iface = usb_internal::FindCcidInterface(raw[i]);
    if (!iface || usb_internal::DeviceKey(raw[i], iface->number) != device.key) continue;
    if ((iface->features & (ccid::kFeatureShortApdu | ccid::kFeatureExtendedApdu)) == 0) {
      return Status::FunctionNotSupported(device.key +
                                          ": CCID reader without APDU-level exchange; use PC/SC");
    }
    libusb_device_handle* handle = nullptr;
    int r = libusb_open(raw[i], &handle);
    if (r != 0) return FromLibusb(r, "opening the USB device");
    Endpoints ep{iface->number, iface->bulk_out, iface->bulk_in, iface->features,
                 std::max<std::uint32_t>(iface->max_message_length, ccid::kHeaderSize + 261)};
    std::unique_ptr<UsbCcidTransport> transport(
        new UsbCcidTransport(context, handle, device, ep, options));
    TESSERA_RETURN_IF_ERROR(transport->Claim());
    if (options.power_on) TESSERA_RETURN_IF_ERROR(transport->PowerOn());
    return transport;
  }
  return Status::NotFound(device.key + ": no such USB CCID device");
}

UsbCcidTransport::UsbCcidTransport(UsbContext& context, libusb_device_handle* handle,
                                   UsbCcidDevice device, Endpoints endpoints, Options options)
    : ctx_(context.get()),
      device_(std::move(device)),
      endpoints_(endpoints),
      options_(options),
      handle_(handle) {}

Status UsbCcidTransport::Claim() {
  int ifnum = endpoints_.interface_number;
  if (libusb_kernel_driver_active(handle_, ifnum) == 1) {
    int r = libusb_detach_kernel_driver(handle_, ifnum);
    if (r != 0 && r != LIBUSB_ERROR_NOT_FOUND) return FromLibusb(r, "detaching the kernel driver");
    kernel_driver_detached_ = r == 0;
  }
  int r = libusb_claim_interface(handle_, ifnum);
  if (r == LIBUSB_ERROR_BUSY) {
    return Status::IoError(device_.key + ": interface claimed by another program (pcscd?)");
  }
  if (r != 0) return FromLibusb(r, "claiming the CCID interface");
  claimed_ = true;
  return Status::Ok();
}

UsbCcidTransport::~UsbCcidTransport() {
  int ifnum = endpoints_.interface_number;
  if (claimed_) (void)libusb_release_interface(handle_, ifnum);
  if (kernel_driver_detached_) (void)libusb_attach_kernel_driver(handle_, ifnum);
  libusb_close(handle_);
  orphans_.clear();  // libusb dropped them when the handle closed
}

bool UsbCcidTransport::extended_apdus() const {
  return (endpoints_.features & ccid::kFeatureExtendedApdu) != 0;
}

std::string UsbCcidTransport::Describe() const {
  char ids[16];
  (void)std::snprintf(ids, sizeof ids, "%04x:%04x", device_.vid, device_.pid);
  std::string out = device_.key + " (" + ids;
  if (!device_.product.empty()) out += " " + device_.product;
  if (!device_.serial.empty()) out += " " + device_.serial;
  return out + ")";
}

Status UsbCcidTransport::Usable() const {
  if (broken_.ok()) return Status::Ok();
  return Status::IoError(device_.key + ": link broken (" + broken_.message() + "); reopen");
}

Status UsbCcidTransport::Break(Status s) {
  if (s.code() == Code::kNotFound) {
    // Unplugged mid-call: a link that broke, which the Transport contract
    // reports as kIoError (PcscTransport does the same for a removed card),
    // so that the slot above drops the connection and closes its sessions.
    s = Status::CardGone(device_.key + ": USB device gone (" + s.message() + ")");
  }
  if (!s.ok() && broken_.ok()) broken_ = s;
  return s;
}

Status UsbCcidTransport::PowerOn() {
  TESSERA_ASSIGN_OR_RETURN(Reply on, Exchange(MessageType::kIccPowerOn, kNoParams, {}));
  atr_ = std::move(on.data);
  // T=1 parameters; at APDU level only the answer matters, not its values.
  TESSERA_ASSIGN_OR_RETURN(Reply params, Exchange(MessageType::kGetParameters, kNoParams, {}));
  (void)params;
  return Status::Ok();
}

Status UsbCcidTransport::PowerOff() {
  atr_.reset();
  return Exchange(MessageType::kIccPowerOff, kNoParams, {}).status();
}

Status UsbCcidTransport::Reset() {
  TESSERA_RETURN_IF_ERROR(PowerOff());
  return PowerOn();
}

Result<Bytes> UsbCcidTransport::Atr() {
  TESSERA_RETURN_IF_ERROR(Usable());
  if (!atr_) return Status::IoError(device_.key + ": card not powered");
  return *atr_;
}

Result<Bytes> UsbCcidTransport::Transmit(ByteView command) {
  // CCID §6.1.4: a command longer than one message goes as a chain
  // (wLevelParameter 01, 03..., 02), each piece but the last answered with
  // an empty DataBlock whose bChainParameter is 10.
  std::size_t room = endpoints_.max_message_length - ccid::kHeaderSize;
  Reply reply;
  if (command.size() <= room) {
    TESSERA_ASSIGN_OR_RETURN(reply, XfrPiece(ccid::kLevelWhole, command));
  } else {
    for (std::size_t pos = 0; pos < command.size(); pos += room) {
      std::size_t n = std::min(room, command.size() - pos);
      bool last = pos + n == command.size();
      std::uint16_t level =
          pos == 0 ? ccid::kLevelBegin : (last ? ccid::kLevelEnd : ccid::kLevelContinue);
      TESSERA_ASSIGN_OR_RETURN(reply, XfrPiece(level, command.subspan(pos, n)));
    }
  }
  // CCID §6.2.1: bChainParameter 01 or 03 means more of the response follows.
  Bytes response = std::move(reply.data);
  for (std::uint8_t chain = reply.header.specific[2]; chain == 0x01 || chain == 0x03;) {
    if (response.size() > 65538) return Break(Status::IoError("CCID response chain too long"));
    TESSERA_ASSIGN_OR_RETURN(Reply more, XfrPiece(ccid::kLevelMore, {}));
    Append(response, more.data);
    chain = more.header.specific[2];
  }
  if (response.size() < 2) return Status::IoError(device_.key + ": response without a status word");
  return response;
}

Result<UsbCcidTransport::Reply> UsbCcidTransport::XfrPiece(std::uint16_t level, ByteView data) {
  return Exchange(MessageType::kXfrBlock, XfrParams(level), data);
}

Result<UsbCcidTransport::Reply> UsbCcidTransport::Exchange(MessageType type,
                                                           std::array<std::uint8_t, 3> specific,
                                                           ByteView data) {
  TESSERA_RETURN_IF_ERROR(Usable());
  std::uint8_t seq = seq_++;
  Bytes message =
      ccid::Encode(ccid::Header{static_cast<std::uint8_t>(type), 0, 0, seq, specific}, data);
  TESSERA_RETURN_IF_ERROR(Break(Send(message, Clock::now() + options_.timeout)));
  auto expected = type == MessageType::kGetParameters ? MessageType::kParameters
                  : (type == MessageType::kIccPowerOff || type == MessageType::kGetSlotStatus)
                      ? MessageType::kSlotStatus
                      : MessageType::kDataBlock;
  TESSERA_ASSIGN_OR_RETURN(Reply reply, ReceiveFor(seq, expected));
  if (ccid::CommandStatusOf(reply.header.specific[0]) != ccid::CommandStatus::kOk) {
    return FromCcidError(reply.header);
  }
  return reply;
}

Status UsbCcidTransport::Send(ByteView message, Clock::time_point deadline) {
  auto transfer = std::make_unique<Transfer>(message.size());
  std::copy(message.begin(), message.end(), transfer->buffer().begin());
  libusb_fill_bulk_transfer(transfer->get(), handle_, endpoints_.bulk_out,
                            transfer->buffer().data(), static_cast<int>(message.size()), nullptr,
                            nullptr, 0);
  auto moved = usb_internal::RunTransfer(ctx_, *transfer, deadline);
  if (transfer->in_flight()) orphans_.push_back(std::move(transfer));
  if (!moved.ok()) return moved.status();
  if (*moved != message.size()) return Status::IoError("short USB bulk-OUT write");
  return Status::Ok();
}

Result<Bytes> UsbCcidTransport::ReadMessage(Clock::time_point deadline) {
  // Whole packets, so that the device's last packet never overflows.
  std::size_t capacity = (std::size_t{endpoints_.max_message_length} + 511) / 512 * 512;
  auto transfer = std::make_unique<Transfer>(capacity);
  libusb_fill_bulk_transfer(transfer->get(), handle_, endpoints_.bulk_in, transfer->buffer().data(),
                            static_cast<int>(capacity), nullptr, nullptr, 0);
  auto moved = usb_internal::RunTransfer(ctx_, *transfer, deadline);
  if (transfer->in_flight()) {
    orphans_.push_back(std::move(transfer));
    return moved.status();
  }
  if (!moved.ok()) return moved.status();
  Bytes message = std::move(transfer->buffer());
  message.resize(*moved);
  return message;
}

Result<UsbCcidTransport::Reply> UsbCcidTransport::ReceiveFor(std::uint8_t seq,
                                                             MessageType expected) {
  auto start = Clock::now();
  auto deadline = start + options_.timeout;
  for (;;) {
    auto message = ReadMessage(deadline);
    if (!message.ok()) return Break(message.status());
    auto header = ccid::ParseHeader(*message);
    if (!header || header->length != message->size() - ccid::kHeaderSize || header->slot != 0) {
      return Break(Status::IoError(device_.key + ": malformed CCID reply"));
    }
    if (header->seq != seq) continue;  // a stale reply to a command that timed out
    if (header->type != static_cast<std::uint8_t>(expected)) {
      return Break(Status::IoError(device_.key + ": CCID reply of the wrong type"));
    }
    if (ccid::CommandStatusOf(header->specific[0]) == ccid::CommandStatus::kTimeExtension) {
      // CCID §6.2.6: the card asked for more time; wait again, within max_wait.
      deadline = std::min(Clock::now() + options_.timeout, start + options_.max_wait);
      continue;
    }
    Bytes data(message->begin() + ccid::kHeaderSize, message->end());
    return Reply{*header, std::move(data)};
  }
}

}  // namespace tessera::host
