// Slot: one place a token can be, with a stable ID for the life of the
// process. Today a slot is a simulator socket; PC/SC readers and USB devices
// join in issue 4.
//
// Card I/O goes through the slot's own lock, never a global one, so slots
// work in parallel. What the token says about itself is cached per insertion:
// the cache is dropped when the token disappears or a transport error shows
// it was removed or reset. Thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "common/bytes.hpp"
#include "common/status.hpp"
#include "host/card/apdu_channel.hpp"
#include "host/transport/transport.hpp"
#include "pkcs11/core/token_info.hpp"

namespace tessera::p11 {

using SlotId = std::uint64_t;

// Who is logged in to the token, for this application (PKCS#11 2.40 §5.6:
// login state is per application per token, shared by its sessions).
enum class LoginState { kPublic, kUser, kSo };
enum class UserType { kSo, kUser, kContextSpecific };

class Slot {
 public:
  Slot(SlotId id, std::filesystem::path socket, std::uint32_t serial);

  SlotId id() const { return id_; }
  std::uint32_t serial() const { return serial_; }
  // "Tessera simulator <serial>".
  std::string Description() const;
  // Whether a token is in the slot now (its socket exists).
  bool TokenPresent() const;
  // The token's description, read from the card on first use after an insertion.
  Result<TokenInfo> GetTokenInfo();
  // Forget everything cached: the token was removed or reset.
  void Invalidate();

  LoginState login_state() const;
  // Logs `type` in with `pin` (the PIN, or the management key in hex for
  // the SO). Keeps the cached PIN retry count in step with the card's answer.
  Status Login(UserType type, ByteView pin);
  // Drops the login on the card (VERIFY P1=FF) and here.
  Status Logout();

 private:
  Status EnsureConnected();  // requires mu_
  // Forgets the connection, the token's description and the login; requires mu_.
  void DropToken();
  // Runs `io` on a channel to the card, under mu_; a broken link is dropped
  // so the next call reconnects.
  template <typename Io>
  Status WithCard(Io&& io);
  void NotePinResult(const Status& status);  // requires mu_

  const SlotId id_;
  const std::filesystem::path socket_;
  const std::uint32_t serial_;
  mutable std::mutex mu_;
  std::unique_ptr<host::Transport> transport_;
  std::optional<TokenInfo> token_;
  LoginState login_ = LoginState::kPublic;  // guarded by mu_
};

}  // namespace tessera::p11
