#include "firmware-sim/os/card_os.hpp"

#include <algorithm>
#include <utility>

#include "firmware-sim/os/sw_map.hpp"

namespace tessera::sim {
namespace {

constexpr std::uint8_t kInsSelect = 0xA4;
constexpr std::uint8_t kInsGetResponse = 0xC0;
constexpr std::uint8_t kSelectByDfName = 0x04;
constexpr std::size_t kMaxDfName = 16;

// ISO 7816-4 §5.4.1: FF is invalid, 20..3F are reserved and 40..7F (the
// further interindustry class) are not supported; the low two bits pick a
// logical channel and only the basic channel exists. Secure-messaging bits
// and proprietary classes (80..FE, e.g. GlobalPlatform's 80/84) go through to
// the applet.
std::optional<std::uint16_t> ClassError(std::uint8_t cla) {
  if (cla == 0xFF || ((cla & 0x80) == 0 && (cla & 0x60) != 0)) return sw::kClaNotSupported;
  if ((cla & 0x03) != 0) return sw::kLogicalChannelNotSupported;
  return std::nullopt;
}

// SELECT and GET RESPONSE belong to the OS only in the interindustry class.
bool IsInterindustry(const CommandApdu& apdu) { return (apdu.cla & 0x80) == 0; }

bool SameCommand(const CommandApdu& a, const CommandApdu& b) {
  return a.ins == b.ins && a.p1 == b.p1 && a.p2 == b.p2;
}

bool IsOsCommand(const CommandApdu& apdu) {
  return IsInterindustry(apdu) && (apdu.ins == kInsSelect || apdu.ins == kInsGetResponse);
}

}  // namespace

CardOs::CardOs(std::vector<std::unique_ptr<Applet>> applets) : applets_(std::move(applets)) {}

std::optional<Bytes> CardOs::Transmit(ByteView command) {
  // Any command but GET RESPONSE loses the unread response data (§7.6.1).
  Bytes pending = std::exchange(pending_, {});
  Result<CommandApdu> apdu = CommandApdu::Parse(command);
  if (!apdu.ok()) {
    chain_.reset();
    return Respond({}, sw::kWrongLength, std::nullopt);
  }
  Outcome out = Dispatch(*apdu, std::move(pending));
  if (out.power_lost) {
    // The token answers nothing and forgets everything volatile.
    PowerOff();
    return std::nullopt;
  }
  return Respond(std::move(out.data), out.sw, apdu->le);
}

void CardOs::PowerOff() {
  for (auto& applet : applets_) applet->PowerOff();
  selected_ = nullptr;
  AbortPending();
}

void CardOs::AbortPending() {
  chain_.reset();
  pending_.clear();
}

CardOs::Outcome CardOs::FromResult(Result<Bytes> result) {
  if (result.ok()) return {std::move(result).value(), sw::kOk};
  if (result.status().code() == Code::kPowerLost) return {{}, sw::kNoPreciseDiagnosis, true};
  return {{}, StatusToSw(result.status())};
}

CardOs::Outcome CardOs::Dispatch(const CommandApdu& apdu, Bytes pending) {
  if (auto error = ClassError(apdu.cla)) {
    chain_.reset();
    return {{}, *error};
  }
  if (apdu.chained()) return AddChainPart(apdu);
  if (!chain_) return Execute(apdu, std::move(pending));
  CommandApdu first = *std::exchange(chain_, std::nullopt);
  // A different command abandons the chain and runs on its own.
  if (!SameCommand(first, apdu)) return Execute(apdu, std::move(pending));
  if (first.data.size() + apdu.data.size() > kMaxChainedData) return {{}, sw::kWrongLength};
  CommandApdu whole = apdu;
  whole.data = std::move(first.data);
  Append(whole.data, apdu.data);
  return Execute(whole, std::move(pending));
}

// ISO 7816-4 §5.4.1: every part but the last carries CLA bit 0x10 and is
// acknowledged with 9000; all parts share INS, P1 and P2.
CardOs::Outcome CardOs::AddChainPart(const CommandApdu& apdu) {
  if (selected_ == nullptr && !IsOsCommand(apdu)) {
    chain_.reset();
    return {{}, sw::kInsNotSupported};
  }
  if (!chain_) {
    chain_ = apdu;
  } else if (!SameCommand(*chain_, apdu)) {
    chain_.reset();
    return {{}, sw::kLastCommandOfChainExpected};
  } else {
    Append(chain_->data, apdu.data);
  }
  if (chain_->data.size() > kMaxChainedData) {
    chain_.reset();
    return {{}, sw::kWrongLength};
  }
  return {{}, sw::kOk};
}

CardOs::Outcome CardOs::Execute(const CommandApdu& apdu, Bytes pending) {
  if (IsInterindustry(apdu) && apdu.ins == kInsGetResponse)
    return HandleGetResponse(apdu, std::move(pending));
  if (IsInterindustry(apdu) && apdu.ins == kInsSelect) return HandleSelect(apdu);
  if (selected_ == nullptr) return {{}, sw::kInsNotSupported};
  return FromResult(selected_->Process(apdu));
}

CardOs::Outcome CardOs::HandleSelect(const CommandApdu& apdu) {
  // Only SELECT by DF name exists. OpenSC probes SELECT MF (3F00), so
  // "file not found" is the benign answer to every other P1.
  if (apdu.p1 != kSelectByDfName) return {{}, sw::kFileNotFound};
  // ISO 7816-4 §7.1.1: P2 00 returns the FCI, 04 the FCP, 0C no data.
  if (apdu.p2 != 0x00 && apdu.p2 != 0x04 && apdu.p2 != 0x0C) return {{}, sw::kIncorrectP1P2};
  if (apdu.data.empty() || apdu.data.size() > kMaxDfName) return {{}, sw::kWrongLength};
  // §7.1.1: a DF name may be given truncated; the first applet it starts wins.
  auto it = std::find_if(applets_.begin(), applets_.end(), [&](const auto& applet) {
    ByteView aid = applet->aid();
    return aid.size() >= apdu.data.size() &&
           std::equal(apdu.data.begin(), apdu.data.end(), aid.begin());
  });
  if (it == applets_.end()) return {{}, sw::kFileNotFound};
  Applet* next = it->get();
  // If the new applet refuses, the previous selection stays, as on no match.
  Outcome out = FromResult(next->Select(apdu));
  if (out.power_lost || out.sw != sw::kOk) return out;
  if (selected_ != nullptr && selected_ != next) selected_->Deselect();
  selected_ = next;
  if (apdu.p2 == 0x0C) out.data.clear();
  return out;
}

// ISO 7816-4 §7.6.1: GET RESPONSE hands out what a previous response left.
CardOs::Outcome CardOs::HandleGetResponse(const CommandApdu& apdu, Bytes pending) {
  if (apdu.p1 != 0 || apdu.p2 != 0) return {{}, sw::kIncorrectP1P2};
  if (pending.empty()) return {{}, sw::kConditionsNotSatisfied};
  return {std::move(pending), sw::kOk};
}

// ISO 7816-4 §5.1: Le caps the response; a command without Le is answered as
// if Le were 256. What does not fit waits for GET RESPONSE, announced by
// 61xx with xx the bytes left (00 for 256 or more).
Bytes CardOs::Respond(Bytes data, std::uint16_t status_word, std::optional<std::size_t> le) {
  const std::size_t max = le.value_or(kShortMaxLe);
  if (data.size() > max) {
    pending_.assign(data.begin() + static_cast<std::ptrdiff_t>(max), data.end());
    data.resize(max);
    const std::size_t left = pending_.size() >= 256 ? 0 : pending_.size();
    status_word = static_cast<std::uint16_t>(sw::kBytesRemaining | left);
  }
  PutU16(data, status_word);
  return data;
}

}  // namespace tessera::sim
