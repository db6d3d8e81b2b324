// VpcdLink: one token's outgoing TCP connection to vsmartcard's vpcd driver
// (`tessera-sim --vpcd`, docs/pcsc.md). vpcd listens; the virtual card
// connects. While the connection is up pcscd sees a card in the reader.
//
// The link is a small state machine driven by its token's server thread,
// never blocking it: connects are non-blocking, a refused or failed connect
// (vpcd not listening yet, pcscd restarted) is retried after a backoff that
// starts at Options::first_retry and doubles up to Options::max_retry, and a
// connect that hangs is abandoned after Options::connect_timeout. Once
// connected, the socket is handed to the server, which serves it with the
// same frame handler as its UNIX-socket clients and calls Lost() when it
// closes. Enable() and Disable() follow the token's presence (`ctl insert`,
// `ctl remove`).
//
// Threads: everything but state() and text() belongs to the server thread;
// those two may be read from any thread (Describe for `ctl list`).
#pragma once

#include <atomic>
#include <chrono>
#include <optional>
#include <string>

#include "common/unique_fd.hpp"
#include "firmware-sim/sim/vpcd_endpoint.hpp"

namespace tessera::sim {

class VpcdLink {
 public:
  using Clock = std::chrono::steady_clock;

  struct Options {
    std::chrono::milliseconds first_retry{200};
    std::chrono::milliseconds max_retry{1000};
    std::chrono::milliseconds connect_timeout{2000};
    // How long a card that went mute stays out before it reconnects: longer
    // than pcscd's 400 ms presence poll, so pcscd sees it leave and powers
    // it on when it is back.
    std::chrono::milliseconds mute_out{1000};
  };

  enum class State { kOff, kWaiting, kConnecting, kConnected };

  // `label` names the token in log lines ("token 12345678").
  VpcdLink(TcpAddress address, std::string label, Options options);
  VpcdLink(const VpcdLink&) = delete;
  VpcdLink& operator=(const VpcdLink&) = delete;

  // The token is present: connect at the next Tick, unless already
  // connecting or connected.
  void Enable();
  // The token was removed: abandon a connect in progress and stop retrying.
  // The server closes the connected socket itself.
  void Disable();
  // The socket handed out by Tick was closed: retry after the backoff.
  void Lost();
  // Closed because the card went mute: retry after Options::mute_out.
  void LostMute();

  // The socket of a connect in progress, to poll for POLLOUT; -1 if none.
  int connecting_fd() const { return connecting_.get(); }
  // How long poll() may sleep before Tick() has work: -1 for no limit.
  int PollTimeoutMillis(Clock::time_point now) const;
  // Starts a due attempt, or finishes or abandons the connect in progress.
  // Returns the socket once a connection is up (non-blocking, TCP_NODELAY).
  std::optional<UniqueFd> Tick(Clock::time_point now);

  State state() const { return state_.load(); }
  // "HOST:PORT connected" and so on, for `ctl list`.
  std::string Describe() const;

 private:
  void StartConnect(Clock::time_point now);
  void Failed(Clock::time_point now, const std::string& why);
  std::optional<UniqueFd> Connected();

  const TcpAddress address_;
  const std::string label_;
  const Options options_;

  std::atomic<State> state_{State::kOff};
  UniqueFd connecting_;
  Clock::time_point next_attempt_{};
  Clock::time_point connect_deadline_{};
  std::chrono::milliseconds delay_;
  bool failure_logged_ = false;  // one log line per streak of failures
};

// Acknowledges what `fd` has received at once (TCP_QUICKACK, which the kernel
// clears again by itself: call after every read). vpcd writes a frame's
// length and its payload separately with Nagle on, so the payload waits for
// the length's ACK; a delayed ACK would add 40 ms to every APDU.
void AckPromptly(int fd);

}  // namespace tessera::sim
