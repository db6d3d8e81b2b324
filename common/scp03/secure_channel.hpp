// SecureChannel: one side's state of an open SCP03 channel (Amd D §6.2.4-
// §6.2.7): session keys, mode, security level, the MAC chaining value and the
// encryption counter (docs/card-manager.md "Secure messaging").
//
// The host calls WrapCommand then UnwrapResponse for each command, the token
// UnwrapCommand then WrapResponse. The counter starts at 1 at Activate(); the
// command calls use it, the response calls use it and then add one, so every
// command/response pair (with data or not, 9000 or not) moves it on by one.
//
// EXTERNAL AUTHENTICATE: before Activate() WrapCommand/UnwrapCommand apply the
// C-MAC only (chaining value 16 zero bytes), which is how EXTERNAL
// AUTHENTICATE travels. Its answer is never wrapped or unwrapped: on success
// both sides call Activate(level) and the card sends a bare 9000.
// WrapResponse/UnwrapResponse before Activate() are kConditionsNotSatisfied.
//
// Any failed check (bad C-MAC or R-MAC, bad padding, data too short for its
// MAC or not whole blocks) is kSecurityStatus; a failed call leaves the state
// as it was, but the caller must drop the channel all the same (the peer's
// chaining value has moved on). Holds session keys in SecureBytes, wiped on
// destruction. Move-only; one thread at a time.
#pragma once

#include <cstdint>

#include "common/apdu.hpp"
#include "common/scp03/session_keys.hpp"
#include "common/secure_bytes.hpp"
#include "common/status.hpp"

namespace tessera::scp03 {

inline constexpr std::uint8_t kLevelCMac = 0x01;
inline constexpr std::uint8_t kLevelCDec = 0x02;
inline constexpr std::uint8_t kLevelRMac = 0x10;
inline constexpr std::uint8_t kLevelREnc = 0x20;
// 01, 03, 11, 13 and 33 (docs/card-manager.md "EXTERNAL AUTHENTICATE").
bool IsValidSecurityLevel(std::uint8_t level);

class SecureChannel {
 public:
  SecureChannel(SessionKeys keys, Mode mode);
  SecureChannel(SecureChannel&&) noexcept = default;
  SecureChannel& operator=(SecureChannel&&) noexcept = default;

  Mode mode() const { return mode_; }
  std::uint8_t level() const { return level_; }
  const SessionKeys& keys() const { return keys_; }
  // After a successful EXTERNAL AUTHENTICATE: sets the level, counter = 1.
  // Precondition: IsValidSecurityLevel(level). The C-MAC is applied whatever
  // the level says.
  void Activate(std::uint8_t level);

  // Host side: encrypts (C-DEC, when the level has 02 and `plain` has data:
  // 80 00.. padding, AES-CBC under S-ENC) and MACs `plain`; CLA gets bit 04.
  // The MAC input CLA is CLA | 04 with the logical channel bits cleared.
  // The result is marked extended when `plain` is, when data' || MAC passes
  // 255 bytes or when Le passes 256; an extended command carries a 3-byte Lc
  // in the MAC input. Le: kept as it is, except that when the level has
  // R-MAC (10) and `plain` has an Le, it becomes "everything" (256, or 65536
  // for an extended command) to leave room for padding and the R-MAC.
  Result<CommandApdu> WrapCommand(const CommandApdu& plain);
  // Host side: checks the R-MAC and decrypts (R-ENC) a 9000 answer; other
  // SWs come back bare, their data dropped. Advances the counter.
  Result<ResponseApdu> UnwrapResponse(const ResponseApdu& answer);

  // Token side: checks the C-MAC and decrypts; the result has CLA without
  // bit 04, the plain data, and the wrapped command's Le and `extended`.
  Result<CommandApdu> UnwrapCommand(const CommandApdu& wrapped);
  // Token side: R-ENC (level 20, non-empty data) and R-MAC (level 10) for a
  // 9000 answer; other SWs go out bare, their data dropped (docs/card-
  // manager.md: only 9000 answers carry an R-MAC). Advances the counter.
  Result<ResponseApdu> WrapResponse(ResponseApdu answer);

 private:
  // True after Activate() when the level has any of `bits`.
  bool Has(std::uint8_t bits) const;

  SessionKeys keys_;
  Mode mode_;
  std::uint8_t level_ = kLevelCMac;
  SecureBytes chaining_;  // 16 bytes
  std::uint64_t counter_ = 0;
  bool activated_ = false;
};

}  // namespace tessera::scp03
