// Transport: one card as the host reaches it (the simulator's socket today;
// PC/SC and USB CCID later). It moves raw APDUs and power commands and knows
// nothing of their meaning: chaining and GET RESPONSE live one layer up, in
// host/card/apdu_channel.hpp.
//
// Every call is bounded by the transport's own timeout and reports failure
// as a Status: kNotFound only when connecting finds no card or reader; once
// connected, a card or reader that goes away, a mute card and a broken link
// are all kIoError, and Status::CardGone (kIoError that says card_gone())
// when the transport knows the card or reader left. (A card's own 6A82
// answer is kNotFound one layer up, so a removal must not be kNotFound.) A transport is used by one
// thread at a time (the PKCS#11 per-slot lock); it owns its connection and closes it on
// destruction.
#pragma once

#include <string>

#include "common/bytes.hpp"
#include "common/status.hpp"

namespace tessera::host {

class Transport {
 public:
  virtual ~Transport() = default;

  // Raw command APDU in; raw response (data, SW1, SW2) out.
  virtual Result<Bytes> Transmit(ByteView command) = 0;
  // The card's answer to reset; kIoError while it is unpowered.
  virtual Result<Bytes> Atr() = 0;
  // Power the card on (no-op when on); fails if it does not answer.
  virtual Status PowerOn() = 0;
  // Power off: every volatile state on the card (PIN verified) is dropped.
  virtual Status PowerOff() = 0;
  // Warm reset; like PowerOff then PowerOn.
  virtual Status Reset() = 0;
  // For logs: "sim:/run/user/1000/tessera/12345678.sock".
  virtual std::string Describe() const = 0;
  // Whether the route carries extended-length APDUs (ISO 7816-4 §5.1) to
  // the card; without them, the caller chains commands and reads long
  // answers with GET RESPONSE.
  virtual bool SupportsExtendedLength() const { return false; }
};

}  // namespace tessera::host
