#include "firmware-sim/applets/piv/piv_applet.hpp"

#include <array>
#include <utility>

#include "common/piv/piv_constants.hpp"
#include "firmware-sim/applets/piv/handlers.hpp"
#include "firmware-sim/applets/piv/piv_context.hpp"

namespace tessera::sim {

using piv_applet::Handler;
using piv_applet::PivContext;
using piv_applet::PivSession;

namespace {

namespace ins = piv::ins;

struct InsEntry {
  std::uint8_t ins;
  Handler handler;
};

// The applet: one handler per instruction.
constexpr std::array<InsEntry, 19> kInstructions = {{
    // SP 800-73-4 Part 2 §3.
    {ins::kGetData, piv_applet::HandleGetData},
    {ins::kPutData, piv_applet::HandlePutData},
    {ins::kVerify, piv_applet::HandleVerify},
    {ins::kChangeReference, piv_applet::HandleChangeReference},
    {ins::kResetRetryCounter, piv_applet::HandleResetRetryCounter},
    {ins::kGeneralAuthenticate, piv_applet::HandleGeneralAuthenticate},
    {ins::kGenerateAsymmetric, piv_applet::HandleGenerateKeyPair},
    // YubiKey extensions.
    {ins::kGetVersion, piv_applet::HandleGetVersion},
    {ins::kGetSerial, piv_applet::HandleGetSerial},
    {ins::kImportKey, piv_applet::HandleImportKey},
    {ins::kGetMetadata, piv_applet::HandleGetMetadata},
    {ins::kAttest, piv_applet::HandleAttest},
    {ins::kSetManagementKey, piv_applet::HandleSetManagementKey},
    {ins::kSetPinRetries, piv_applet::HandleSetPinRetries},
    {ins::kReset, piv_applet::HandleReset},
    // Tessera extensions (docs/piv-extensions.md).
    {ins::kUnwrapAndStore, piv_applet::HandleUnwrapAndStore},
    {ins::kSecretKeyManage, piv_applet::HandleSecretKeyManage},
    {ins::kSecretKeyOperate, piv_applet::HandleSecretKeyOperate},
    {ins::kRegistration, piv_applet::HandleRegistration},
}};

Handler FindHandler(std::uint8_t code) {
  for (const InsEntry& e : kInstructions) {
    if (e.ins == code) return e.handler;
  }
  return nullptr;
}

}  // namespace

struct PivApplet::State {
  explicit State(TokenContext& c) : ctx(c) {}
  TokenContext& ctx;
  PivSession session;
};

PivApplet::PivApplet(TokenContext& ctx) : state_(std::make_unique<State>(ctx)) {}
PivApplet::~PivApplet() = default;

ByteView PivApplet::aid() const { return piv::kAid; }

// SP 800-73-4 Part 2 §3.1.1. Re-selecting keeps the security status (hosts
// such as OpenSC re-select before each transaction) but abandons any
// management-key exchange in progress.
Result<Bytes> PivApplet::Select(const CommandApdu& /*apdu*/) {
  state_->session.pending.reset();
  return piv_applet::ApplicationPropertyTemplate();
}

Result<Bytes> PivApplet::Process(const CommandApdu& apdu) {
  // Whatever this command is, it consumes a pending witness or challenge.
  PivContext c(state_->ctx, state_->session, std::exchange(state_->session.pending, std::nullopt));
  Handler handler = FindHandler(apdu.ins);
  if (handler == nullptr) {
    return Status::InsNotSupported("PIV: unknown instruction " + ToHex(Bytes{apdu.ins}));
  }
  return handler(c, apdu);
}

void PivApplet::Deselect() { state_->session.Clear(); }
void PivApplet::PowerOff() { state_->session.Clear(); }

}  // namespace tessera::sim
