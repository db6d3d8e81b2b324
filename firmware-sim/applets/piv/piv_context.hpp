// PivContext: what one PIV instruction handler works with.
//
// PivSession is the applet's volatile security state (SP 800-73-4 Part 2
// §3: the security status of the PIN and the management key) and the F3
// exchanges in progress, dropped on deselect and power off. PivContext bundles it with the token
// for the duration of one command, and is the only way handlers charge latency and commit state, so
// every commit is one Transaction and one kStorageWrite. Not thread-safe: the token's lock
// serializes commands.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>

#include "common/apdu.hpp"
#include "common/piv/piv_constants.hpp"
#include "common/secure_bytes.hpp"
#include "common/status.hpp"
#include "firmware-sim/applets/piv/key_cache.hpp"
#include "firmware-sim/applets/piv/registration_state.hpp"
#include "firmware-sim/os/latency.hpp"
#include "firmware-sim/os/storage.hpp"
#include "firmware-sim/os/token_context.hpp"

namespace tessera::sim::piv_applet {

// A management-key exchange the card started and the next command finishes
// (SP 800-73-4 Part 2 Appendix A.1; ykpiv's mutual authentication).
struct PendingChallenge {
  enum class Kind : std::uint8_t {
    kWitness,    // mutual: the host must return this plaintext witness
    kChallenge,  // external: the host must return this challenge encrypted
  };
  Kind kind = Kind::kWitness;
  SecureBytes value;
};

struct PivSession {
  bool pin_verified = false;
  // Set by a successful VERIFY, used up by one PIN-policy "always" operation;
  // "once" keys only need pin_verified.
  bool pin_always_grant = false;
  bool management_authenticated = false;
  std::optional<PendingChallenge> pending;
  KeyCache keys;
  // F3 REGISTRATION's exchanges in progress (registration_state.hpp).
  std::optional<RegPending> registration;
  std::optional<AuthPending> login;

  void Clear() { *this = PivSession(); }
  void ClearPin() { pin_verified = pin_always_grant = false; }
};

class PivContext {
 public:
  PivContext(TokenContext& token, PivSession& session, std::optional<PendingChallenge> consumed)
      : token_(token), session_(session), consumed_(std::move(consumed)) {}

  TokenContext& token() { return token_; }
  const TokenContext& token() const { return token_; }
  PivSession& session() { return session_; }
  const PivSession& session() const { return session_; }
  Storage& storage() { return *token_.storage; }
  Rng& rng() { return *token_.rng; }
  // The exchange the previous command left open; this command consumed it
  // whatever it is (SP 800-73-4 Part 2 §3.2.4: one step at a time).
  std::optional<PendingChallenge>& consumed() { return consumed_; }

  void Charge(Cost cost, std::size_t key_bits = 0) const;
  // The decoded private key of `slot` (KeyCache).
  Result<ossl::PkeyPtr> PrivateKey(std::uint8_t slot, const KeyRecord& record) {
    return session_.keys.Get(slot, record);
  }
  // Commits `txn` as one atomic write, charging kStorageWrite; drops cached
  // keys the transaction replaces.
  Status Commit(const Transaction& txn);

 private:
  TokenContext& token_;
  PivSession& session_;
  std::optional<PendingChallenge> consumed_;
};

// Access rules shared by the handlers.
// SP 800-73-4 Part 1 Table 3 / YubiKey: administrative commands need the
// management key (9B) authenticated in this session.
Status RequireManagementKey(const PivContext& c);
// YubiKey PIN policies: never; once (PIN verified this session); always (a
// VERIFY since the last "always" operation). Consume after the operation.
Status CheckPinPolicy(const PivContext& c, piv::PinPolicy policy);
void ConsumePinPolicy(PivContext& c, piv::PinPolicy policy);

}  // namespace tessera::sim::piv_applet
