// GET CHALLENGE and UNLOCK: the host proves it holds the KRK without sending
// it (docs/card-manager.md "UNLOCK", seed 003 claims 22-23), and the channel
// becomes UNLOCKED.
#include <utility>

#include "common/scp03/key_set.hpp"
#include "firmware-sim/applets/card_manager/handlers.hpp"

namespace tessera::sim::card_manager {
namespace {

constexpr std::size_t kUnlockResponseLength = 16;

// Decrement and COMMIT before comparing, so cutting the power after a wrong
// answer cannot give the try back (DESIGN.md "tearing"; the PIN rule).
// Precondition: a try is left.
Result<std::uint8_t> SpendTry(CmContext& c) {
  const auto left = static_cast<std::uint8_t>(c.state().krk_tries_left - 1);
  Transaction txn;
  PutKrkTries(txn, left);
  TESSERA_RETURN_IF_ERROR(c.Commit(txn));
  return left;
}

}  // namespace

Result<Bytes> HandleGetChallenge(CmContext& c, const CommandApdu& apdu) {
  TESSERA_ASSIGN_OR_RETURN(Channel * channel, RequireChannel(c));
  TESSERA_RETURN_IF_ERROR(RequireLifecycle(c, cm::Lifecycle::kPersonalized));
  if (apdu.p1 != 0x00 || apdu.p2 != 0x00) {
    return Status::IncorrectP1P2("GET CHALLENGE: P1 P2 must be 00 00");
  }
  if (!apdu.data.empty()) return Status::WrongLength("GET CHALLENGE: takes no data");
  channel->challenge = c.rng().Generate(cm::kUnlockChallengeLength);
  return *channel->challenge;
}

Result<Bytes> HandleUnlock(CmContext& c, const CommandApdu& apdu) {
  TESSERA_ASSIGN_OR_RETURN(Channel * channel, RequireChannel(c));
  // Single use, whatever the outcome.
  std::optional<Bytes> challenge = std::exchange(channel->challenge, std::nullopt);
  TESSERA_RETURN_IF_ERROR(RequireLifecycle(c, cm::Lifecycle::kPersonalized));
  if (apdu.p2 != 0x00) return Status::IncorrectP1P2("UNLOCK: P2 must be 00");
  const StoredKey& krk = *c.state().krk;
  if (apdu.p1 != krk.kvn) {
    return Status::ReferenceNotFound("UNLOCK: no KRK with version " + ToHex(Bytes{apdu.p1}));
  }
  if (c.state().krk_tries_left == 0) {
    return Status::AuthBlocked("UNLOCK: the KRK is blocked for good");
  }
  if (!challenge) return Status::ConditionsNotSatisfied("UNLOCK: GET CHALLENGE first");
  if (apdu.data.size() != kUnlockResponseLength) {
    return Status::WrongLength("UNLOCK: the response is 16 bytes");
  }

  TESSERA_ASSIGN_OR_RETURN(std::uint8_t left, SpendTry(c));
  TESSERA_ASSIGN_OR_RETURN(
      SecureBytes expected,
      scp03::AesCmac(krk.value.view(), scp03::UnlockMessage(*challenge, c.token().uid)));
  c.Charge(Cost::kPinCheck);
  if (!ConstantTimeEqual(expected.view(), apdu.data)) return Status::PinIncorrect(left);

  Transaction txn;
  PutKrkTries(txn, static_cast<std::uint8_t>(cm::kKrkTryLimit));
  TESSERA_RETURN_IF_ERROR(c.Commit(txn));
  channel->unlocked = true;
  return Bytes{};
}

}  // namespace tessera::sim::card_manager
