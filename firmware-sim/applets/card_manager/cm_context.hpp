// CmSession and CmContext: what one card manager instruction handler works
// with.
//
// CmSession is the applet's volatile state: a handshake INITIALIZE UPDATE
// left for EXTERNAL AUTHENTICATE, or the open SCP03 channel with what lives
// only inside it (UNLOCKED, a staged DELETE KEY, an UNLOCK challenge).
// SELECT, deselect and power off drop it all (docs/card-manager.md
// "Lifecycle": UNLOCKED ends with its channel). CmContext bundles the session
// with the token and the persistent state read at the start of the command,
// and is the only way handlers commit, so every commit is one Transaction.
// Not thread-safe: the token's lock serializes commands.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>

#include "common/bytes.hpp"
#include "common/scp03/secure_channel.hpp"
#include "common/scp03/session_keys.hpp"
#include "common/secure_bytes.hpp"
#include "common/status.hpp"
#include "firmware-sim/applets/card_manager/executive_state.hpp"
#include "firmware-sim/os/latency.hpp"
#include "firmware-sim/os/token_context.hpp"

namespace tessera::sim::card_manager {

// INITIALIZE UPDATE's outcome, consumed by the very next command.
struct Handshake {
  scp03::SessionKeys keys;
  SecureBytes s_dek;  // PUT KEY key data (docs/card-manager.md "Session keys")
  scp03::Mode mode = scp03::Mode::kS8;
  Bytes host_cryptogram;  // what EXTERNAL AUTHENTICATE must carry
  std::uint8_t kvn = 0;   // the key set the channel is keyed from
};

struct Channel {
  Channel(scp03::SecureChannel s, SecureBytes session_dek, std::uint8_t key_version)
      : secure(std::move(s)), s_dek(std::move(session_dek)), kvn(key_version) {}

  scp03::SecureChannel secure;
  SecureBytes s_dek;  // decrypts PUT KEY key data
  std::uint8_t kvn;
  bool unlocked = false;            // UNLOCK succeeded in this channel
  bool mk_deletion_staged = false;  // DELETE KEY of the MK, applied by PUT KEY
  std::optional<Bytes> challenge;   // GET CHALLENGE's, for one UNLOCK
};

struct CmSession {
  std::optional<Handshake> handshake;
  std::optional<Channel> channel;
  // Set by a handler whose success ends the channel (the MK changed, the
  // token terminated); the answer still goes out under the channel.
  bool close_after_answer = false;

  void Clear() { *this = CmSession(); }
};

class CmContext {
 public:
  CmContext(TokenContext& token, CmSession& session, std::optional<Handshake> consumed,
            ExecutiveState state)
      : token_(token),
        session_(session),
        consumed_(std::move(consumed)),
        state_(std::move(state)) {}

  TokenContext& token() { return token_; }
  const TokenContext& token() const { return token_; }
  Rng& rng() { return *token_.rng; }
  CmSession& session() { return session_; }
  // The open channel, or nullptr.
  Channel* channel() { return session_.channel ? &*session_.channel : nullptr; }
  const Channel* channel() const { return session_.channel ? &*session_.channel : nullptr; }
  // The handshake the previous command left; this command consumed it.
  std::optional<Handshake>& consumed() { return consumed_; }
  // Persistent state as committed when the command started.
  const ExecutiveState& state() const { return state_; }

  void Charge(Cost cost) const;
  // Commits `txn` as one atomic write, charging kStorageWrite.
  Status Commit(const Transaction& txn);

 private:
  TokenContext& token_;
  CmSession& session_;
  std::optional<Handshake> consumed_;
  ExecutiveState state_;
};

// The lifecycle the token shows: UNLOCKED inside an unlocked channel, else
// the stored one.
cm::Lifecycle EffectiveLifecycle(const CmContext& c);
// kSecurityStatus (6982) unless a channel is open.
Result<Channel*> RequireChannel(CmContext& c);
// kConditionsNotSatisfied (6985) unless the effective lifecycle is `want`.
Status RequireLifecycle(const CmContext& c, cm::Lifecycle want);

}  // namespace tessera::sim::card_manager
