// CardOs: the ISO 7816-4 APDU dispatcher of one token.
//
// It parses short and extended APDUs, checks the class byte, selects applets
// by AID (SELECT by DF name, P1=04, partial AIDs match as ISO 7816-4 §7.1.1
// allows), reassembles command chains (CLA bit 0x10, §5.4.1), and splits
// responses longer than Le into 61xx + GET RESPONSE (§7.6.1). A command sent
// without Le is answered as if Le were 256 (short) so that clients that omit
// Le, as yubico-piv-tool does, still get their data. Every error is a status
// word; nothing a host sends can crash it or leave it unusable.
//
// Transmit returns nullopt when the token answered nothing because its power
// was cut (an injected tear): the owner must then reload the token. One
// thread at a time; the token serializes access.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "common/apdu.hpp"
#include "firmware-sim/os/applet.hpp"

namespace tessera::sim {

class CardOs {
 public:
  // Largest command a chain may build and largest response, in bytes.
  static constexpr std::size_t kMaxChainedData = 65535;

  explicit CardOs(std::vector<std::unique_ptr<Applet>> applets);

  // Raw command APDU in, raw response APDU (data + SW1 SW2) out.
  std::optional<Bytes> Transmit(ByteView command);
  // Power off or warm reset: deselects, drops chains and pending responses.
  void PowerOff();
  // Drops a half-sent chain and unread response data (a client went away).
  void AbortPending();

  Applet* selected() const { return selected_; }

 private:
  struct Outcome {
    Bytes data;
    std::uint16_t sw = 0x9000;
    bool power_lost = false;
  };
  static Outcome FromResult(Result<Bytes> result);

  // `pending` is the unread response data, which only GET RESPONSE may use.
  Outcome Dispatch(const CommandApdu& apdu, Bytes pending);
  Outcome AddChainPart(const CommandApdu& apdu);
  Outcome Execute(const CommandApdu& apdu, Bytes pending);
  Outcome HandleSelect(const CommandApdu& apdu);
  static Outcome HandleGetResponse(const CommandApdu& apdu, Bytes pending);
  // Data + SW, keeping what exceeds Le for GET RESPONSE.
  Bytes Respond(Bytes data, std::uint16_t sw, std::optional<std::size_t> le);

  std::vector<std::unique_ptr<Applet>> applets_;
  Applet* selected_ = nullptr;
  // Chain being received: header of its first part and the data so far.
  std::optional<CommandApdu> chain_;
  // Response data not yet fetched with GET RESPONSE.
  Bytes pending_;
};

}  // namespace tessera::sim
