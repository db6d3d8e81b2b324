// INITIALIZE UPDATE and EXTERNAL AUTHENTICATE (Amd D §7.1, §7.2): the SCP03
// handshake that opens the channel (docs/card-manager.md).
#include <array>
#include <iterator>

#include "common/scp03/key_set.hpp"
#include "firmware-sim/applets/card_manager/handlers.hpp"

namespace tessera::sim::card_manager {
namespace {

constexpr std::uint8_t kCurrentKvn = 0x00;
constexpr std::uint8_t kScp03 = 0x03;
// Amd D §7.1.1 "i" parameter: 70 = pseudo-random card challenge, R-MAC and
// R-ENC supported; bit 1 marks S16 mode.
constexpr std::uint8_t kScpParameterS8 = 0x70;
constexpr std::uint8_t kScpParameterS16 = 0x71;
constexpr std::size_t kDiversificationDataLength = 10;

struct KeySetChoice {
  std::uint8_t kvn = 0;
  ByteView base;
};

// docs/card-manager.md "INITIALIZE UPDATE": 00 is the current key set; the
// factory key (FF) exists only in MANUFACTURED, the MK only after it.
Result<KeySetChoice> ChooseKeySet(const ExecutiveState& state, std::uint8_t p1,
                                  ByteView factory_base) {
  if (state.lifecycle == cm::Lifecycle::kManufactured) {
    if (p1 == kCurrentKvn || p1 == scp03::kFactoryKvn) {
      return KeySetChoice{scp03::kFactoryKvn, factory_base};
    }
  } else if (p1 == kCurrentKvn || p1 == state.mk->kvn) {
    return KeySetChoice{state.mk->kvn, state.mk->value.view()};
  }
  return Status::ReferenceNotFound("INITIALIZE UPDATE: no key set with version " +
                                   ToHex(Bytes{p1}));
}

Bytes SequenceBytes(std::uint32_t sequence) {
  return Bytes{static_cast<std::uint8_t>(sequence >> 16), static_cast<std::uint8_t>(sequence >> 8),
               static_cast<std::uint8_t>(sequence)};
}

// Amd D §6.2.2.3: a new sequence counter value, persisted before it is used
// so that no value (and no card challenge) is ever handed out twice, even
// when the power is cut.
Result<Bytes> NextSequenceCounter(CmContext& c) {
  if (c.state().sequence >= kMaxSequenceCounter) {
    return Status::ConditionsNotSatisfied("INITIALIZE UPDATE: sequence counter exhausted");
  }
  const std::uint32_t next = c.state().sequence + 1;
  Transaction txn;
  PutSequence(txn, next);
  TESSERA_RETURN_IF_ERROR(c.Commit(txn));
  return SequenceBytes(next);
}

}  // namespace

Result<Bytes> HandleInitializeUpdate(CmContext& c, const CommandApdu& apdu) {
  if (c.channel() != nullptr) {
    return Status::ConditionsNotSatisfied("INITIALIZE UPDATE: a channel is open");
  }
  if (apdu.p2 != 0x00) return Status::IncorrectP1P2("INITIALIZE UPDATE: P2 must be 00");
  TESSERA_ASSIGN_OR_RETURN(scp03::Mode mode, scp03::ModeForChallengeLength(apdu.data.size()));
  const std::array<std::uint8_t, 32> factory = scp03::FactoryBaseKey();
  TESSERA_ASSIGN_OR_RETURN(KeySetChoice key_set, ChooseKeySet(c.state(), apdu.p1, factory));
  TESSERA_ASSIGN_OR_RETURN(scp03::StaticKeys keys, scp03::StaticKeysFromBase(key_set.base));
  TESSERA_ASSIGN_OR_RETURN(Bytes sequence, NextSequenceCounter(c));

  // Amd D §6.2.2.1 (card challenge) and §6.2.2.2-§6.2.2.3 (cryptograms).
  TESSERA_ASSIGN_OR_RETURN(Bytes card_challenge,
                           scp03::PseudoRandomCardChallenge(keys.enc, sequence, cm::kAid, mode));
  const Bytes context = Concat({apdu.data, card_challenge});
  TESSERA_ASSIGN_OR_RETURN(scp03::SessionKeys session, scp03::DeriveSessionKeys(keys, context));
  TESSERA_ASSIGN_OR_RETURN(SecureBytes k_dek,
                           scp03::StaticKeyFromBase(key_set.base, scp03::KeyRole::kDek));
  TESSERA_ASSIGN_OR_RETURN(SecureBytes s_dek, scp03::SessionDekFromStatic(k_dek.view(), context));
  TESSERA_ASSIGN_OR_RETURN(
      Bytes card_cryptogram,
      scp03::Cryptogram(session.mac.view(), scp03::kCardCryptogram, mode, context));
  TESSERA_ASSIGN_OR_RETURN(
      Bytes host_cryptogram,
      scp03::Cryptogram(session.mac.view(), scp03::kHostCryptogram, mode, context));
  c.Charge(Cost::kSymmetric);

  Bytes answer(c.token().uid.begin(),
               c.token().uid.begin() + static_cast<std::ptrdiff_t>(kDiversificationDataLength));
  Append(answer,
         {key_set.kvn, kScp03, mode == scp03::Mode::kS16 ? kScpParameterS16 : kScpParameterS8});
  Append(answer, card_challenge);
  Append(answer, card_cryptogram);
  Append(answer, sequence);
  c.session().handshake = Handshake{std::move(session), std::move(s_dek), mode,
                                    std::move(host_cryptogram), key_set.kvn};
  return answer;
}

Result<Bytes> HandleExternalAuthenticate(CmContext& c, const CommandApdu& apdu) {
  std::optional<Handshake> handshake = std::move(c.consumed());
  if (!handshake) {
    return Status::ConditionsNotSatisfied("EXTERNAL AUTHENTICATE: must follow INITIALIZE UPDATE");
  }
  if (apdu.cla != cm::kClaSecure) {
    return Status::SecurityStatus("EXTERNAL AUTHENTICATE: needs a C-MAC");
  }
  if (!scp03::IsValidSecurityLevel(apdu.p1) || apdu.p2 != 0x00) {
    return Status::IncorrectP1P2("EXTERNAL AUTHENTICATE: unsupported security level");
  }
  scp03::SecureChannel secure(std::move(handshake->keys), handshake->mode);
  Result<CommandApdu> plain = secure.UnwrapCommand(apdu);
  if (!plain.ok()) return Status::SecurityStatus(plain.status().message());
  // Amd D §7.2: a wrong host cryptogram leaves the channel closed.
  if (!ConstantTimeEqual(plain->data, handshake->host_cryptogram)) {
    return Status::SecurityStatus("EXTERNAL AUTHENTICATE: wrong host cryptogram");
  }
  secure.Activate(apdu.p1);
  c.session().channel.emplace(std::move(secure), std::move(handshake->s_dek), handshake->kvn);
  return Bytes{};
}

}  // namespace tessera::sim::card_manager
