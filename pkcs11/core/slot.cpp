#include "pkcs11/core/slot.hpp"

#include "pkcs11/core/log/log.hpp"
#include "pkcs11/core/logging_transport.hpp"

namespace tessera::p11 {

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
  // The card we knew left, or another took its place: PKCS#11 3.0 §5.1.2
  // closes the sessions with it, and nothing cached for it stays.
  DropToken();
  return true;
}

void Slot::DropToken() {
  if (bound_) insertion_.fetch_add(1);
  bound_ = false;
  transport_.reset();
  token_.reset();
  login_ = LoginState::kPublic;
  // The sessions are closed, so their objects go too (lock order: mu_,
  // then session_mu_).
  std::lock_guard lock(session_mu_);
  session_objects_ = ObjectTable();
}

void Slot::DropConnection() {
  transport_.reset();
  if (token_) token_->ForgetWriteAccess();
  if (login_.exchange(LoginState::kPublic) == LoginState::kUser) {
    // The login is gone as with C_Logout, and so are the private session
    // objects that went with it (Slot::Logout).
    std::lock_guard lock(session_mu_);
    session_objects_.RemoveIf([](const Object& o) { return o.Flag(Attr::kPrivate); });
  }
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
  if (ReconcileLocked(card)) return Refuse(Fault::kDeviceRemoved, "token removed");
  if (!card.present) return Refuse(Fault::kDeviceRemoved, "no token in " + Description());
  if (foreign_generation_ == card.generation) {
    return Status::NotFound("the card in " + Description() + " has no PIV application");
  }
  TESSERA_ASSIGN_OR_RETURN(auto raw, reader_->Connect());
  auto transport = std::make_unique<LoggingTransport>(std::move(raw));
  host::ApduChannel channel(
      *transport,
      host::ApduChannel::Options{.extended_length = transport->SupportsExtendedLength()});
  Status selected = piv::PivToken::Select(channel);
  if (selected.code() == Code::kNotFound) {
    // No PIV application (6A82): the slot shows no token for this card,
    // as pkcs11-tool and NSS cope with best (docs/pkcs11-module.md).
    foreign_generation_ = card.generation;
    log::Log(log::Level::kInfo, Description(), ": the card has no PIV application");
    return Status::NotFound("the card in " + Description() + " has no PIV application");
  }
  TESSERA_RETURN_IF_ERROR(selected);
  transport_ = std::move(transport);
  if (!bound_ || token_ == nullptr) token_ = std::make_unique<piv::PivToken>();
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
  if (!card.present) return Refuse(Fault::kTokenNotPresent, "no token in " + Description());
  auto info = WithCard([&](host::ApduChannel& ch) { return token_->Describe(ch); });
  if (IsFault(info.status(), Fault::kDeviceRemoved)) {
    return Refuse(Fault::kTokenNotPresent, "no token in " + Description());
  }
  return info;
}

}  // namespace tessera::p11
