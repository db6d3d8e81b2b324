// CcidDevice: the CCID function of a Tessera USB token (USB CCID rev 1.1).
// It takes the bulk-OUT messages a host sends and returns the bulk-IN
// replies the token answers with, and queues RDR_to_PC_NotifySlotChange for
// the interrupt-IN endpoint when a card is inserted or removed.
//
// Supported: PC_to_RDR_IccPowerOn, IccPowerOff, GetSlotStatus, XfrBlock
// (APDU level, with wLevelParameter chains both ways) and GetParameters
// (T=1). Every other message type gets a SlotStatus with bError
// CMD_NOT_SUPPORTED; a malformed message (shorter than its header, dwLength
// not matching, too long, wrong slot) gets a failed reply naming the bad
// field, and a missing or unpowered card gets ICC_MUTE. Nothing a host sends
// can crash it.
//
// Borrows the token (nullptr: no card in the slot). Not thread-safe: the
// USB glue serializes all calls, as the simulator's per-token lock does.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "common/bytes.hpp"
#include "common/ccid.hpp"
#include "firmware-sim/token/token.hpp"
#include "firmware-sim/usb/usb_descriptors.hpp"

namespace tessera::sim::usb {

class CcidDevice {
 public:
  struct Options {
    std::uint32_t max_message_length = kMaxMessageLength;
    // Test hook: time extension replies (bStatus 0x80) sent before the
    // answer to each XfrBlock, as a slow card's reader does.
    int time_extensions = 0;
  };

  CcidDevice(Token* token, Options options) : token_(token), options_(options) {}
  explicit CcidDevice(Token* token) : CcidDevice(token, Options()) {}

  // One bulk-OUT message in; the bulk-IN replies out, in order (time
  // extensions first, the answer last). Always at least one reply.
  std::vector<Bytes> HandleBulkOut(ByteView message);

  // Card insertion (a token) or removal (nullptr); queues NotifySlotChange.
  void SetToken(Token* token);
  // The next interrupt-IN message, if any.
  std::optional<Bytes> TakeInterrupt();

  // The iSerialNumber string: the token serial in decimal ("" without one).
  std::string Serial() const;

 private:
  ccid::IccStatus Icc() const;
  std::uint8_t StatusFor(ccid::CommandStatus command) const {
    return ccid::StatusByte(Icc(), command);
  }

  Bytes PowerOn(const ccid::Header& h);
  Bytes PowerOff(const ccid::Header& h);
  Bytes SlotStatus(const ccid::Header& h, std::uint8_t error = 0, bool failed = false);
  Bytes Parameters(const ccid::Header& h);
  std::vector<Bytes> XfrBlock(const ccid::Header& h, ByteView data);
  // Runs the APDU on the card and starts sending its response.
  Bytes Execute(const ccid::Header& h, ByteView apdu);
  // The next piece of a pending response, with its bChainParameter.
  Bytes NextResponseChunk(const ccid::Header& h, bool first);

  Bytes DataBlock(const ccid::Header& h, std::uint8_t status, std::uint8_t error,
                  std::uint8_t chain, ByteView data) const;
  // The failure reply a command of this type gets.
  Bytes Failure(const ccid::Header& h, std::uint8_t error) const;

  Token* token_;
  Options options_;
  Bytes command_chain_;  // XfrBlock pieces of a command being chained
  bool chaining_ = false;
  Bytes response_;  // the part of the last response not yet sent
  std::size_t response_pos_ = 0;
  std::deque<Bytes> interrupts_;
};

}  // namespace tessera::sim::usb
