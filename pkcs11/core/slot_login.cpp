// Slot: logins and PIN management, with the PIV meanings docs/pkcs11-module.md
// gives them. The card does the work; the slot keeps the application's login.
#include "pkcs11/core/slot.hpp"

namespace tessera::p11 {

LoginState Slot::login_state() const { return login_.load(); }

Status Slot::Login(UserType type, ByteView pin) {
  std::lock_guard lock(mu_);
  if (type == UserType::kSo) {
    TESSERA_RETURN_IF_ERROR(
        WithCard([&](host::ApduChannel& ch) { return token_->AuthenticateSo(ch, pin); }));
    login_ = LoginState::kSo;
    return Status::Ok();
  }
  TESSERA_RETURN_IF_ERROR(
      WithCard([&](host::ApduChannel& ch) { return token_->VerifyPin(ch, pin); }));
  login_ = LoginState::kUser;
  return Status::Ok();
}

Status Slot::Logout() {
  std::lock_guard lock(mu_);
  login_ = LoginState::kPublic;
  {
    // The application's private session objects go with its login (as
    // SoftHSM2 does): nothing private is left for a public session.
    std::lock_guard objects(session_mu_);
    session_objects_.RemoveIf([](const Object& o) { return o.Flag(Attr::kPrivate); });
  }
  if (token_ == nullptr) return Status::Ok();
  token_->ForgetWriteAccess();
  return WithCard([&](host::ApduChannel& ch) { return token_->Logout(ch); });
}

Status Slot::ContextLogin(ByteView pin) {
  std::lock_guard lock(mu_);
  return WithCard([&](host::ApduChannel& ch) { return token_->VerifyPin(ch, pin); });
}

Status Slot::InitPin(ByteView puk_and_pin) {
  std::lock_guard lock(mu_);
  return WithCard([&](host::ApduChannel& ch) { return token_->InitPin(ch, puk_and_pin); });
}

Status Slot::SetPin(ByteView old_pin, ByteView new_pin) {
  std::lock_guard lock(mu_);
  // The SO's "PIN" is the management key in hex.
  if (login_ == LoginState::kSo) {
    return WithCard(
        [&](host::ApduChannel& ch) { return token_->ChangeManagementKey(ch, old_pin, new_pin); });
  }
  return WithCard([&](host::ApduChannel& ch) { return token_->ChangePin(ch, old_pin, new_pin); });
}

Status Slot::InitToken(ByteView so_pin) {
  std::lock_guard lock(mu_);
  Status s = WithCard([&](host::ApduChannel& ch) { return token_->Reset(ch, so_pin); });
  DropToken();  // whatever happened, the cached contents are stale now
  return s;
}

}  // namespace tessera::p11
