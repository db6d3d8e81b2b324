#include "pkcs11/core/slot.hpp"

#include <system_error>

#include "host/card/apdu_channel.hpp"
#include "pkcs11/core/fault.hpp"
#include "pkcs11/core/logging_transport.hpp"
#include "pkcs11/drivers/piv/piv_login.hpp"
#include "pkcs11/drivers/piv/piv_probe.hpp"

namespace tessera::p11 {

const int Slot::kDeviceRemovedReason = static_cast<int>(Fault::kDeviceRemoved);

Slot::Slot(SlotId id, std::shared_ptr<host::Reader> reader) : id_(id), reader_(std::move(reader)) {}

std::string Slot::Description() const { return reader_->Name(); }

bool Slot::TokenPresent() {
  const host::CardState card = reader_->Card();
  Reconcile(card);
  if (!card.present) return false;
  // Simulated tokens always hold PIV; other cards are asked once each.
  if (reader_->kind() == host::ReaderKind::kSim) return true;
  if (bound_.load() && card.generation == connected_generation_.load()) return true;
  std::lock_guard lock(mu_);
  if (foreign_generation_ == card.generation) return false;
  return EnsureConnected().ok() || foreign_generation_ != card.generation;
}

void Slot::Reconcile(const host::CardState& card) {
  // Lock-free when nothing changed: the common case, and the one that must
  // not wait for another thread's card I/O.
  if (!bound_.load()) return;
  if (card.present && card.generation == connected_generation_.load()) return;
  std::lock_guard lock(mu_);
  ReconcileLocked(reader_->Card());  // ask again: it may have settled meanwhile
}

bool Slot::ReconcileLocked(const host::CardState& card) {
  if (!bound_ || (card.present && card.generation == connected_generation_)) return false;
  // The card we knew left, or another took its place: PKCS#11 2.40 §5.1.2
  // closes the sessions with it, and nothing cached for it stays.
  DropToken();
  return true;
}

void Slot::DropToken() {
  if (bound_) insertion_.fetch_add(1);
  bound_ = false;
  transport_.reset();
  token_.reset();
  objects_ = TokenObjects();
  write_access_ = false;
  login_ = LoginState::kPublic;
}

void Slot::DropConnection() {
  transport_.reset();
  write_access_ = false;
  login_ = LoginState::kPublic;
}

LoginState Slot::login_state() const {
  std::lock_guard lock(mu_);
  return login_;
}

void Slot::NotePinResult(const Status& status) {
  if (!token_) return;
  if (status.ok()) {
    token_->pin_tries_left = token_->pin_max_tries;
  } else if (status.code() == Code::kPinIncorrect && status.detail() >= 0) {
    token_->pin_tries_left = status.detail();
  } else if (status.code() == Code::kAuthBlocked) {
    token_->pin_tries_left = 0;
  }
}

Status Slot::Login(UserType type, ByteView pin) {
  std::lock_guard lock(mu_);
  if (type == UserType::kSo) {
    Status s = WithCard([&](host::ApduChannel& ch) { return piv::LoginSo(ch, pin); });
    if (s.ok()) {
      login_ = LoginState::kSo;
      write_access_ = true;  // LoginSo authenticated the management key
    }
    return s;
  }
  Status s = WithCard([&](host::ApduChannel& ch) { return piv::LoginUser(ch, pin); });
  NotePinResult(s);
  if (s.ok()) login_ = LoginState::kUser;
  return s;
}

Status Slot::Logout() {
  std::lock_guard lock(mu_);
  login_ = LoginState::kPublic;
  write_access_ = false;
  // The SO's management-key authentication lasts until the card is
  // deselected; a reset of the PIN status is what the card offers.
  return WithCard([&](host::ApduChannel& ch) { return piv::Logout(ch); });
}

// Connecting selects PIV, once per insertion: every later command can
// assume it is selected. The token's description waits until it is asked for.
Status Slot::EnsureConnected() {
  if (transport_ != nullptr) return Status::Ok();
  const host::CardState card = reader_->Card();
  // Reconnecting after a lost connection: if the card went out (and maybe
  // came back, another generation) meanwhile, the call that brought us here
  // belongs to the old card's sessions, so it fails as a removal rather
  // than reaching a card it was not meant for.
  if (ReconcileLocked(card)) return Status::Refused(kDeviceRemovedReason, "token removed");
  if (!card.present) return Status::NotFound("no token in " + Description());
  if (foreign_generation_ == card.generation) {
    return Status::NotFound("the card in " + Description() + " has no PIV application");
  }
  TESSERA_ASSIGN_OR_RETURN(auto raw, reader_->Connect());
  auto transport = std::make_unique<LoggingTransport>(std::move(raw));
  host::ApduChannel channel(
      *transport,
      host::ApduChannel::Options{.extended_length = transport->SupportsExtendedLength()});
  Status selected = piv::SelectPiv(channel);
  if (selected.code() == Code::kNotFound) {
    // No PIV application (6A82): the slot shows no token for this card,
    // as pkcs11-tool and NSS cope with best (docs/pkcs11-module.md).
    foreign_generation_ = card.generation;
    log::Log(log::Level::kInfo, Description(), ": the card has no PIV application");
    return Status::NotFound("the card in " + Description() + " has no PIV application");
  }
  TESSERA_RETURN_IF_ERROR(selected);
  transport_ = std::move(transport);
  connected_generation_ = card.generation;
  bound_ = true;
  log::Log(log::Level::kInfo, Description(), ": connected (", transport_->Describe(),
           "), PIV selected");
  return Status::Ok();
}

Result<TokenInfo> Slot::GetTokenInfo() {
  std::lock_guard lock(mu_);
  const host::CardState card = reader_->Card();
  ReconcileLocked(card);
  if (!card.present) return Status::NotFound("no token in " + Description());
  if (token_) return *token_;
  Result<TokenInfo> info = Status::Internal("unreached");
  TESSERA_RETURN_IF_ERROR(WithCard([&](host::ApduChannel& ch) {
    info = piv::DescribePivToken(ch);
    return info.status();
  }));
  token_ = *info;
  return *token_;
}

}  // namespace tessera::p11
