#include "pkcs11/core/slot.hpp"

#include <system_error>

#include "host/card/apdu_channel.hpp"
#include "host/transport/sim_socket_transport.hpp"
#include "pkcs11/core/fault.hpp"
#include "pkcs11/core/logging_transport.hpp"
#include "pkcs11/drivers/piv/piv_login.hpp"
#include "pkcs11/drivers/piv/piv_probe.hpp"

namespace tessera::p11 {

const int Slot::kDeviceRemovedReason = static_cast<int>(Fault::kDeviceRemoved);

Slot::Slot(SlotId id, std::filesystem::path socket, std::uint32_t serial)
    : id_(id), socket_(std::move(socket)), serial_(serial) {}

std::string Slot::Description() const { return "Tessera simulator " + std::to_string(serial_); }

bool Slot::TokenPresent() const {
  std::error_code ec;
  return std::filesystem::is_socket(socket_, ec);
}

void Slot::Invalidate() {
  std::lock_guard lock(mu_);
  DropToken();
}

void Slot::DropToken() {
  if (transport_ != nullptr) insertion_.fetch_add(1);
  transport_.reset();
  token_.reset();
  objects_ = TokenObjects();
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
  if (!TokenPresent()) {
    DropToken();
    return Status::NotFound("no token in " + Description());
  }
  TESSERA_ASSIGN_OR_RETURN(auto socket, host::SimSocketTransport::Connect(socket_));
  auto transport = std::make_unique<LoggingTransport>(std::move(socket));
  host::ApduChannel channel(*transport);
  TESSERA_RETURN_IF_ERROR(piv::SelectPiv(channel));
  transport_ = std::move(transport);
  log::Log(log::Level::kInfo, Description(), ": connected, PIV selected");
  return Status::Ok();
}

Result<TokenInfo> Slot::GetTokenInfo() {
  std::lock_guard lock(mu_);
  if (!TokenPresent()) {
    DropToken();
    return Status::NotFound("no token in " + Description());
  }
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
