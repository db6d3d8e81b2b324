#include "firmware-sim/usb/ccid_device.hpp"

#include <algorithm>

namespace tessera::sim::usb {
namespace {

using ccid::CommandStatus;
using ccid::Header;
using ccid::IccStatus;
using ccid::MessageType;

// The longest command or response APDU (ISO 7816-4 §5.1, extended: header,
// Lc of 3, 65535 data bytes, Le of 3).
constexpr std::size_t kMaxApdu = 4 + 3 + 65535 + 3;

// A reply header echoing the command's slot and sequence number (CCID §6.2).
Header Reply(const Header& h, MessageType type, std::uint8_t status, std::uint8_t error,
             std::uint8_t last) {
  return Header{static_cast<std::uint8_t>(type), 0, h.slot, h.seq, {status, error, last}};
}

}  // namespace

std::vector<Bytes> CcidDevice::HandleBulkOut(ByteView message) {
  auto parsed = ccid::ParseHeader(message);
  if (!parsed) {
    // Too short to carry its own header: name dwLength as the bad field and
    // echo whatever slot and sequence bytes arrived.
    Header h{};
    if (message.size() > 5) h.slot = message[5];
    if (message.size() > 6) h.seq = message[6];
    return {SlotStatus(h, ccid::kErrorBadLength, true)};
  }
  const Header& h = *parsed;
  ByteView data = message.subspan(ccid::kHeaderSize);
  if (h.length != data.size() || message.size() > options_.max_message_length) {
    return {Failure(h, ccid::kErrorBadLength)};
  }
  if (h.slot != 0) return {Failure(h, ccid::kErrorBadSlot)};

  switch (static_cast<MessageType>(h.type)) {
    case MessageType::kIccPowerOn: return {PowerOn(h)};
    case MessageType::kIccPowerOff: return {PowerOff(h)};
    case MessageType::kGetSlotStatus: return {SlotStatus(h)};
    case MessageType::kGetParameters: return {Parameters(h)};
    case MessageType::kXfrBlock: return XfrBlock(h, data);
    default: return {SlotStatus(h, ccid::kErrorCmdNotSupported, true)};
  }
}

void CcidDevice::SetToken(Token* token) {
  if (token == token_) return;
  if (token_ != nullptr) token_->PowerOff();
  token_ = token;
  chaining_ = false;
  command_chain_.clear();
  response_.clear();
  // CCID §6.3.1: bit 0 is "card present", bit 1 "changed" for slot 0.
  interrupts_.push_back(
      Bytes{ccid::kNotifySlotChange, token != nullptr ? std::uint8_t{0x03} : std::uint8_t{0x02}});
}

std::optional<Bytes> CcidDevice::TakeInterrupt() {
  if (interrupts_.empty()) return std::nullopt;
  Bytes next = std::move(interrupts_.front());
  interrupts_.pop_front();
  return next;
}

std::string CcidDevice::Serial() const {
  return token_ != nullptr ? std::to_string(token_->serial()) : std::string();
}

IccStatus CcidDevice::Icc() const {
  if (token_ == nullptr) return IccStatus::kAbsent;
  return token_->powered() ? IccStatus::kActive : IccStatus::kInactive;
}

Bytes CcidDevice::PowerOn(const Header& h) {
  if (token_ == nullptr) return Failure(h, ccid::kErrorIccMute);
  // bPowerSelect (h.specific[0]) is ignored: automatic voltage selection.
  tessera::Status powered = token_->powered() ? token_->Reset() : token_->PowerOn();
  chaining_ = false;
  response_.clear();
  if (!powered.ok()) return Failure(h, ccid::kErrorHwError);
  return DataBlock(h, StatusFor(CommandStatus::kOk), 0, 0, Token::Atr());
}

Bytes CcidDevice::PowerOff(const Header& h) {
  if (token_ != nullptr) token_->PowerOff();
  chaining_ = false;
  response_.clear();
  return SlotStatus(h);
}

Bytes CcidDevice::SlotStatus(const Header& h, std::uint8_t error, bool failed) {
  // bClockStatus: running while the card is active, else stopped (state unknown).
  std::uint8_t clock = Icc() == IccStatus::kActive ? 0x00 : 0x03;
  auto status = StatusFor(failed ? CommandStatus::kFailed : CommandStatus::kOk);
  return ccid::Encode(Reply(h, MessageType::kSlotStatus, status, error, clock), {});
}

Bytes CcidDevice::Parameters(const Header& h) {
  if (token_ == nullptr) return Failure(h, ccid::kErrorIccMute);
  // CCID §6.2.3, T=1 abProtocolDataStructure: Fi/Di defaults (no TA1 in the
  // ATR), LRC and direct convention, guard time 0, BWI 4 / CWI 5, clock
  // stop not allowed, IFSC 254, NAD 0.
  static constexpr std::uint8_t kT1[] = {0x11, 0x10, 0x00, 0x45, 0x00, 0xFE, 0x00};
  return ccid::Encode(
      Reply(h, MessageType::kParameters, StatusFor(CommandStatus::kOk), 0, /*bProtocolNum*/ 0x01),
      kT1);
}

std::vector<Bytes> CcidDevice::XfrBlock(const Header& h, ByteView data) {
  if (Icc() != IccStatus::kActive) return {Failure(h, ccid::kErrorIccMute)};
  auto level = static_cast<std::uint16_t>(h.specific[1] | (h.specific[2] << 8));
  switch (level) {
    case ccid::kLevelWhole:
      chaining_ = false;
      command_chain_.clear();
      break;
    case ccid::kLevelBegin:
      command_chain_.assign(data.begin(), data.end());
      chaining_ = true;
      return {DataBlock(h, StatusFor(CommandStatus::kOk), 0, ccid::kLevelMore, {})};
    case ccid::kLevelContinue:
    case ccid::kLevelEnd:
      if (!chaining_) return {Failure(h, ccid::kErrorBadLevelParameter)};
      if (command_chain_.size() + data.size() > kMaxApdu) {
        chaining_ = false;
        command_chain_.clear();
        return {Failure(h, ccid::kErrorBadLength)};
      }
      Append(command_chain_, data);
      if (level == ccid::kLevelContinue) {
        return {DataBlock(h, StatusFor(CommandStatus::kOk), 0, ccid::kLevelMore, {})};
      }
      chaining_ = false;
      data = command_chain_;
      break;
    case ccid::kLevelMore:
      if (response_pos_ >= response_.size()) return {Failure(h, ccid::kErrorBadLevelParameter)};
      return {NextResponseChunk(h, false)};
    default: return {Failure(h, ccid::kErrorBadLevelParameter)};
  }

  std::vector<Bytes> replies;
  replies.reserve(static_cast<std::size_t>(std::max(0, options_.time_extensions)) + 1);
  for (int i = 0; i < options_.time_extensions; ++i) {
    // CCID §6.2.6: bError of a time extension is the BWT multiplier.
    replies.push_back(DataBlock(h, StatusFor(CommandStatus::kTimeExtension), 0x01, 0, {}));
  }
  Bytes apdu(data.begin(), data.end());
  command_chain_.clear();
  replies.push_back(Execute(h, apdu));
  return replies;
}

Bytes CcidDevice::Execute(const Header& h, ByteView apdu) {
  response_.clear();
  response_pos_ = 0;
  std::optional<Bytes> answer = token_->Transmit(apdu);
  if (!answer) return Failure(h, ccid::kErrorIccMute);  // unpowered or torn
  response_ = std::move(*answer);
  return NextResponseChunk(h, true);
}

Bytes CcidDevice::NextResponseChunk(const Header& h, bool first) {
  std::size_t room = options_.max_message_length - ccid::kHeaderSize;
  std::size_t n = std::min(room, response_.size() - response_pos_);
  ByteView chunk = ByteView(response_).subspan(response_pos_, n);
  response_pos_ += n;
  bool more = response_pos_ < response_.size();
  // CCID §6.2.1 bChainParameter: 00 whole, 01 begins, 03 continues, 02 ends.
  std::uint8_t chain = first ? (more ? 0x01 : 0x00) : (more ? 0x03 : 0x02);
  Bytes reply = DataBlock(h, StatusFor(CommandStatus::kOk), 0, chain, chunk);
  if (!more) {
    response_.clear();
    response_pos_ = 0;
  }
  return reply;
}

Bytes CcidDevice::DataBlock(const Header& h, std::uint8_t status, std::uint8_t error,
                            std::uint8_t chain, ByteView data) const {
  return ccid::Encode(Reply(h, MessageType::kDataBlock, status, error, chain), data);
}

Bytes CcidDevice::Failure(const Header& h, std::uint8_t error) const {
  auto status = StatusFor(CommandStatus::kFailed);
  switch (static_cast<MessageType>(h.type)) {
    case MessageType::kIccPowerOn:
    case MessageType::kXfrBlock: return DataBlock(h, status, error, 0, {});
    case MessageType::kGetParameters:
      return ccid::Encode(Reply(h, MessageType::kParameters, status, error, 0x01), {});
    default: {
      std::uint8_t clock = Icc() == IccStatus::kActive ? 0x00 : 0x03;
      return ccid::Encode(Reply(h, MessageType::kSlotStatus, status, error, clock), {});
    }
  }
}

}  // namespace tessera::sim::usb
