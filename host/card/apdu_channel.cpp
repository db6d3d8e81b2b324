#include "host/card/apdu_channel.hpp"

#include <vector>

namespace tessera::host {
namespace {

constexpr std::uint8_t kInsGetResponse = 0xC0;
constexpr std::uint8_t kSw1BytesRemaining = 0x61;
constexpr std::uint8_t kSw1WrongLe = 0x6C;
// CLA b4-b3: secure messaging indication (ISO 7816-4 §5.4.1).
constexpr std::uint8_t kClaSecureMessaging = 0x0C;
// A response is at most 64 KiB; 256-byte GET RESPONSE steps need 257 of
// them. Anything longer is a card that never stops answering 61xx.
constexpr int kMaxGetResponses = 260;

}  // namespace

Result<ResponseApdu> ApduChannel::Transmit(const CommandApdu& command) {
  std::vector<CommandApdu> links;
  if ((command.cla & kClaSecureMessaging) != 0) {
    // Its MAC covers the header and Lc as encoded: send it exactly as built.
    links.push_back(command);
  } else if (options_.extended_length) {
    // One extended APDU; a full short Le becomes "everything" (§5.1), so a
    // long response arrives whole instead of in 256-byte GET RESPONSEs.
    CommandApdu whole = command;
    if (whole.le == kShortMaxLe) whole.le = kExtendedMaxLe;
    whole.extended = whole.data.size() > kShortMaxLc || whole.le.value_or(0) > kShortMaxLe;
    links.push_back(std::move(whole));
  } else {
    links = SplitForChaining(command, options_.chain_chunk);
  }
  for (std::size_t i = 0; i + 1 < links.size(); ++i) {
    TESSERA_ASSIGN_OR_RETURN(ResponseApdu response, TransmitOne(links[i]));
    // A card that refuses a link refuses the whole command.
    if (!response.ok()) return response;
  }
  TESSERA_ASSIGN_OR_RETURN(ResponseApdu last, TransmitOne(links.back()));
  if (last.sw1() == kSw1WrongLe) {
    CommandApdu again = links.back();
    again.le = last.sw2() == 0 ? kShortMaxLe : last.sw2();
    TESSERA_ASSIGN_OR_RETURN(last, TransmitOne(again));
  }
  return CollectRemaining(links.back(), std::move(last));
}

Result<ResponseApdu> ApduChannel::TransmitOne(const CommandApdu& command) {
  TESSERA_ASSIGN_OR_RETURN(Bytes raw, transport_.Transmit(command.Serialize()));
  return ResponseApdu::Parse(raw);
}

Result<ResponseApdu> ApduChannel::CollectRemaining(const CommandApdu& command, ResponseApdu first) {
  ResponseApdu whole = std::move(first);
  for (int i = 0; whole.sw1() == kSw1BytesRemaining; ++i) {
    if (i == kMaxGetResponses) return Status::IoError("card never finished its response (61xx)");
    CommandApdu get;
    get.cla = static_cast<std::uint8_t>(command.cla & ~kClaChaining);
    get.ins = kInsGetResponse;
    get.le = whole.sw2() == 0 ? kShortMaxLe : whole.sw2();
    TESSERA_ASSIGN_OR_RETURN(ResponseApdu next, TransmitOne(get));
    Append(whole.data, next.data);
    whole.sw = next.sw;
  }
  return whole;
}

}  // namespace tessera::host
