#include "pkcs11/core/slot.hpp"

#include <system_error>

#include "host/card/apdu_channel.hpp"
#include "host/transport/sim_socket_transport.hpp"
#include "pkcs11/drivers/piv/piv_probe.hpp"

namespace tessera::p11 {

Slot::Slot(SlotId id, std::filesystem::path socket, std::uint32_t serial)
    : id_(id), socket_(std::move(socket)), serial_(serial) {}

std::string Slot::Description() const { return "Tessera simulator " + std::to_string(serial_); }

bool Slot::TokenPresent() const {
  std::error_code ec;
  return std::filesystem::is_socket(socket_, ec);
}

void Slot::Invalidate() {
  std::lock_guard lock(mu_);
  transport_.reset();
  token_.reset();
}

Status Slot::EnsureConnected() {
  if (transport_ != nullptr) return Status::Ok();
  if (!TokenPresent()) return Status::NotFound("no token in " + Description());
  TESSERA_ASSIGN_OR_RETURN(transport_, host::SimSocketTransport::Connect(socket_));
  return Status::Ok();
}

Result<TokenInfo> Slot::GetTokenInfo() {
  std::lock_guard lock(mu_);
  if (!TokenPresent()) {
    transport_.reset();
    token_.reset();
    return Status::NotFound("no token in " + Description());
  }
  if (token_) return *token_;
  TESSERA_RETURN_IF_ERROR(EnsureConnected());
  host::ApduChannel channel(*transport_);
  auto info = piv::ProbePivToken(channel);
  if (!info.ok()) {
    // A broken link is not worth keeping; the next call reconnects.
    if (info.status().code() == Code::kIoError) transport_.reset();
    return info.status();
  }
  token_ = *info;
  return *token_;
}

}  // namespace tessera::p11
