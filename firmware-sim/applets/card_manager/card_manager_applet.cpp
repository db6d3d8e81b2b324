#include "firmware-sim/applets/card_manager/card_manager_applet.hpp"

#include <array>
#include <optional>
#include <utility>

#include "common/card_manager_constants.hpp"
#include "common/tlv.hpp"
#include "firmware-sim/applets/card_manager/handlers.hpp"
#include "firmware-sim/os/sw_map.hpp"

namespace tessera::sim {

using card_manager::CmContext;
using card_manager::CmSession;
using card_manager::ExecutiveState;
using card_manager::Handler;
using card_manager::Handshake;

namespace {

namespace ins = cm::ins;

constexpr std::uint8_t kClaInterindustry = 0x00;

struct InsEntry {
  std::uint8_t ins;
  Handler handler;
};

// The applet: one handler per instruction.
constexpr std::array<InsEntry, 8> kInstructions = {{
    {ins::kGetData, card_manager::HandleGetData},
    {ins::kInitializeUpdate, card_manager::HandleInitializeUpdate},
    {ins::kExternalAuthenticate, card_manager::HandleExternalAuthenticate},
    {ins::kGetChallenge, card_manager::HandleGetChallenge},
    {ins::kUnlock, card_manager::HandleUnlock},
    {ins::kDeleteKey, card_manager::HandleDeleteKey},
    {ins::kPutKey, card_manager::HandlePutKey},
    {ins::kSetStatus, card_manager::HandleSetStatus},
}};

Handler FindHandler(std::uint8_t code) {
  for (const InsEntry& e : kInstructions) {
    if (e.ins == code) return e.handler;
  }
  return nullptr;
}

// docs/card-manager.md "Commands": CLA 80 outside a channel, 00 as well for
// GET DATA; 84 (secure messaging) is handled before this.
bool PlainClassAccepted(const CommandApdu& apdu) {
  return apdu.cla == cm::kClaGp || (apdu.cla == kClaInterindustry && apdu.ins == ins::kGetData);
}

// docs/card-manager.md "Lifecycle": a terminated token answers GET DATA only.
Status RefuseIfTerminated(const ExecutiveState& state, const CommandApdu& apdu) {
  if (state.lifecycle == cm::Lifecycle::kTerminated && apdu.ins != ins::kGetData) {
    return Status::ConditionsNotSatisfied("card manager: terminated");
  }
  return Status::Ok();
}

}  // namespace

struct CardManagerApplet::State {
  explicit State(TokenContext& c) : ctx(c) {}

  Result<Bytes> Dispatch(const CommandApdu& apdu, std::optional<Handshake> consumed);
  Result<Bytes> ProcessInChannel(const CommandApdu& apdu, std::optional<Handshake> consumed);

  TokenContext& ctx;
  CmSession session;
};

Result<Bytes> CardManagerApplet::State::Dispatch(const CommandApdu& apdu,
                                                 std::optional<Handshake> consumed) {
  TESSERA_ASSIGN_OR_RETURN(ExecutiveState state, card_manager::LoadExecutiveState(*ctx.storage));
  TESSERA_RETURN_IF_ERROR(RefuseIfTerminated(state, apdu));
  Handler handler = FindHandler(apdu.ins);
  if (handler == nullptr) {
    return Status::InsNotSupported("card manager: unknown instruction " + ToHex(Bytes{apdu.ins}));
  }
  CmContext c(ctx, session, std::move(consumed), std::move(state));
  return handler(c, apdu);
}

// Amd D §6.2.4-§6.2.7: check and strip the command's protection, run it, and
// protect the answer. Every failure closes the channel: a secure-messaging
// error because the two chaining values no longer match, any other error
// because UNLOCKED and a staged deletion must not outlive a refused step
// (docs/card-manager.md "Lifecycle"), which is also what the host assumes.
Result<Bytes> CardManagerApplet::State::ProcessInChannel(const CommandApdu& apdu,
                                                         std::optional<Handshake> consumed) {
  if (apdu.cla != cm::kClaSecure) {
    // GET DATA needs no channel, so a plain one passes the channel by.
    if (PlainClassAccepted(apdu) && apdu.ins == ins::kGetData) {
      return Dispatch(apdu, std::move(consumed));
    }
    session.channel.reset();
    // Amd D §7.1: INITIALIZE UPDATE is never protected; it ends the channel
    // and starts a new handshake, so a host that lost track of a channel
    // can always open a new one.
    if (PlainClassAccepted(apdu) && apdu.ins == ins::kInitializeUpdate) {
      return Dispatch(apdu, std::move(consumed));
    }
    return Status::SecurityStatus("card manager: inside the channel a command needs a C-MAC");
  }
  Result<CommandApdu> plain = session.channel->secure.UnwrapCommand(apdu);
  if (!plain.ok()) {
    session.channel.reset();
    return Status::SecurityStatus(plain.status().message());
  }
  session.close_after_answer = false;
  Result<Bytes> answer = Dispatch(*plain, std::move(consumed));
  const bool close = std::exchange(session.close_after_answer, false);
  if (!answer.ok() || !session.channel) {
    session.channel.reset();
    return answer;
  }
  Result<ResponseApdu> wrapped =
      session.channel->secure.WrapResponse(ResponseApdu{std::move(answer).value(), sw::kOk});
  if (close || !wrapped.ok()) session.channel.reset();
  if (!wrapped.ok()) return wrapped.status();
  return std::move(wrapped->data);
}

CardManagerApplet::CardManagerApplet(TokenContext& ctx) : state_(std::make_unique<State>(ctx)) {}
CardManagerApplet::~CardManagerApplet() = default;

void CardManagerApplet::Manufacture(Transaction& txn) { card_manager::PutFactoryState(txn); }

ByteView CardManagerApplet::aid() const { return cm::kAid; }

// GP Card Spec v2.3 §11.9: SELECT answers the FCI (6F { 84 AID }). Selecting
// ends any channel (docs/card-manager.md "Lifecycle").
Result<Bytes> CardManagerApplet::Select(const CommandApdu& /*apdu*/) {
  state_->session.Clear();
  return EncodeTlv(0x6F, EncodeTlv(0x84, cm::kAid));
}

Result<Bytes> CardManagerApplet::Process(const CommandApdu& apdu) {
  CmSession& s = state_->session;
  // Whatever this command is, it consumes the handshake INITIALIZE UPDATE left.
  std::optional<Handshake> consumed = std::exchange(s.handshake, std::nullopt);
  if (s.channel) return state_->ProcessInChannel(apdu, std::move(consumed));
  if (apdu.cla == cm::kClaSecure) {
    // Before the channel only EXTERNAL AUTHENTICATE carries a C-MAC; its
    // handler checks it under the handshake's keys.
    if (apdu.ins == ins::kExternalAuthenticate) return state_->Dispatch(apdu, std::move(consumed));
    TESSERA_ASSIGN_OR_RETURN(ExecutiveState state,
                             card_manager::LoadExecutiveState(*state_->ctx.storage));
    TESSERA_RETURN_IF_ERROR(RefuseIfTerminated(state, apdu));
    return Status::SecurityStatus("card manager: no secure channel");
  }
  if (!PlainClassAccepted(apdu)) {
    return Status::ClaNotSupported("card manager: class " + ToHex(Bytes{apdu.cla}));
  }
  return state_->Dispatch(apdu, std::move(consumed));
}

void CardManagerApplet::Deselect() { state_->session.Clear(); }
void CardManagerApplet::PowerOff() { state_->session.Clear(); }

}  // namespace tessera::sim
