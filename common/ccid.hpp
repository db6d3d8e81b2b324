// USB CCID wire format (USB Device Class: Smart Card CCID, rev 1.1), shared
// by the token's USB model (firmware-sim/usb) and the host's libusb transport
// (host/transport/usb): message types, the 10-byte bulk header, the status
// and error codes. Header-only value types and constants; thread-compatible.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "common/bytes.hpp"

namespace tessera::ccid {

// CCID §5.1: the class descriptor type and the interface class.
inline constexpr std::uint8_t kInterfaceClass = 0x0B;
inline constexpr std::uint8_t kClassDescriptorType = 0x21;
inline constexpr std::size_t kClassDescriptorLength = 0x36;

// CCID §6.1 / §6.2: bulk message types.
enum class MessageType : std::uint8_t {
  kIccPowerOn = 0x62,
  kIccPowerOff = 0x63,
  kGetSlotStatus = 0x65,
  kGetParameters = 0x6C,
  kXfrBlock = 0x6F,
  kDataBlock = 0x80,
  kSlotStatus = 0x81,
  kParameters = 0x82,
};

// CCID §6.3.1: RDR_to_PC_NotifySlotChange on the interrupt-IN endpoint.
inline constexpr std::uint8_t kNotifySlotChange = 0x50;

inline constexpr std::size_t kHeaderSize = 10;

// dwFeatures bits (CCID §5.1, table 5.1-1).
inline constexpr std::uint32_t kFeatureAutoParameters = 0x00000002;
inline constexpr std::uint32_t kFeatureAutoActivation = 0x00000004;
inline constexpr std::uint32_t kFeatureAutoVoltage = 0x00000008;
inline constexpr std::uint32_t kFeatureAutoClock = 0x00000010;
inline constexpr std::uint32_t kFeatureAutoBaud = 0x00000020;
inline constexpr std::uint32_t kFeatureAutoParameterNegotiation = 0x00000040;
inline constexpr std::uint32_t kFeatureAutoPps = 0x00000080;
inline constexpr std::uint32_t kFeatureShortApdu = 0x00020000;
inline constexpr std::uint32_t kFeatureExtendedApdu = 0x00040000;
inline constexpr std::uint32_t kExchangeLevelMask = 0x00070000;

// bStatus (CCID §6.2.6): bmICCStatus in bits 0-1, bmCommandStatus in 6-7.
enum class IccStatus : std::uint8_t { kActive = 0, kInactive = 1, kAbsent = 2 };
enum class CommandStatus : std::uint8_t { kOk = 0, kFailed = 1, kTimeExtension = 2 };

inline constexpr std::uint8_t StatusByte(IccStatus icc, CommandStatus command) {
  return static_cast<std::uint8_t>(static_cast<std::uint8_t>(icc) |
                                   (static_cast<std::uint8_t>(command) << 6));
}
inline constexpr IccStatus IccStatusOf(std::uint8_t status) {
  return static_cast<IccStatus>(status & 0x03);
}
inline constexpr CommandStatus CommandStatusOf(std::uint8_t status) {
  return static_cast<CommandStatus>(status >> 6);
}

// bError (CCID §6.2.6, table 6.2-2). Values 1..127 name the offset of the
// message field that was wrong: dwLength is at 1, bSlot at 5.
inline constexpr std::uint8_t kErrorCmdNotSupported = 0x00;
inline constexpr std::uint8_t kErrorBadLength = 0x01;
inline constexpr std::uint8_t kErrorBadSlot = 0x05;
inline constexpr std::uint8_t kErrorBadLevelParameter = 0x08;
inline constexpr std::uint8_t kErrorCmdSlotBusy = 0xE0;
inline constexpr std::uint8_t kErrorHwError = 0xFB;
inline constexpr std::uint8_t kErrorXfrOverrun = 0xFC;
inline constexpr std::uint8_t kErrorIccMute = 0xFE;
inline constexpr std::uint8_t kErrorCmdAborted = 0xFF;

// wLevelParameter of XfrBlock and bChainParameter of DataBlock at APDU level
// (CCID §6.1.4, §6.2.1).
inline constexpr std::uint16_t kLevelWhole = 0x0000;
inline constexpr std::uint16_t kLevelBegin = 0x0001;
inline constexpr std::uint16_t kLevelEnd = 0x0002;
inline constexpr std::uint16_t kLevelContinue = 0x0003;
inline constexpr std::uint16_t kLevelMore = 0x0010;

// The common 10-byte header: bMessageType, dwLength (little-endian), bSlot,
// bSeq and three message-specific bytes.
struct Header {
  std::uint8_t type = 0;
  std::uint32_t length = 0;
  std::uint8_t slot = 0;
  std::uint8_t seq = 0;
  std::array<std::uint8_t, 3> specific{};
};

inline std::uint32_t GetLe32(const std::uint8_t* p) {
  return static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
         (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
}
inline void PutLe32(Bytes& out, std::uint32_t v) {
  Append(out, {static_cast<std::uint8_t>(v), static_cast<std::uint8_t>(v >> 8),
               static_cast<std::uint8_t>(v >> 16), static_cast<std::uint8_t>(v >> 24)});
}
inline void PutLe16(Bytes& out, std::uint16_t v) {
  Append(out, {static_cast<std::uint8_t>(v), static_cast<std::uint8_t>(v >> 8)});
}

// The header of `message`, or nullopt when it is shorter than one.
inline std::optional<Header> ParseHeader(ByteView message) {
  if (message.size() < kHeaderSize) return std::nullopt;
  return Header{message[0],
                GetLe32(message.data() + 1),
                message[5],
                message[6],
                {message[7], message[8], message[9]}};
}

// One whole message: the header (its dwLength set from `data`) then `data`.
inline Bytes Encode(const Header& header, ByteView data) {
  Bytes out;
  out.reserve(kHeaderSize + data.size());
  out.push_back(header.type);
  PutLe32(out, static_cast<std::uint32_t>(data.size()));
  Append(out, {header.slot, header.seq});
  Append(out, header.specific);
  Append(out, data);
  return out;
}

}  // namespace tessera::ccid
