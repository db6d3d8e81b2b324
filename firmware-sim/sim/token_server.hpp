// TokenServer: serves one Token on its UNIX socket (RUNDIR/<serial>.sock) on
// a thread of its own, so tokens run in parallel. With Options::vpcd it also
// connects out to vsmartcard's vpcd driver (VpcdLink) and serves that
// connection like any other client: one frame handler for both routes.
//
// The thread polls the listening socket, the connected clients, a vpcd
// connect in progress and a wakeup eventfd. It handles frames one at a time, each client's in the
// order it sent them, so many clients may share a token but never interleave inside an APDU. A
// half-sent command chain and unread GET RESPONSE data belong to the client whose command caused
// them: a command from another client drops them first, and so does that client going away
// (Token::AbortPending), so no client can read or continue another's. The vpcd connection differs
// in one way: get ATR answers the ATR while the token is present even when it is unpowered, because
// vpcd reads a missing ATR as "no card" (a reader keeps a card's ATR; it does not lose the card
// when it powers it down). `ctl remove` closes the vpcd connection and `ctl insert` reconnects it,
// so pcscd sees the card leave and come back. A half frame left by a client that goes away is
// discarded. A zero-length frame or an unknown control code closes that client. Replies are sent
// with a bounded wait: a client too slow to read is dropped rather than stalling the token.
//
// Ownership and threads: the server owns the token, the listening socket and
// the client connections. `mu_` guards the token and the presence state; the
// control thread takes it for Remove/Insert/PowerCycle/ArmTear/Describe. The
// client list and the listening socket are touched only by the server thread;
// the control thread hands it a new listener (Insert) or a removal through
// `mu_` and the wakeup. The destructor stops and joins the thread, closes
// every connection and unlinks the socket.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/unique_fd.hpp"
#include "firmware-sim/sim/frame_reader.hpp"
#include "firmware-sim/sim/socket_util.hpp"
#include "firmware-sim/sim/trace_log.hpp"
#include "firmware-sim/sim/vpcd_endpoint.hpp"
#include "firmware-sim/sim/vpcd_link.hpp"
#include "firmware-sim/token/token.hpp"

namespace tessera::sim {

class TokenServer {
 public:
  struct Options {
    // Longest wait for a client to take a reply before it is dropped.
    std::chrono::milliseconds send_timeout{2000};
    // How long to keep reading a client after a reply before sleeping in
    // poll() (see ServeClient).
    std::chrono::microseconds spin{50};
    // Also connect to vpcd at this address (tessera-sim --vpcd).
    std::optional<TcpAddress> vpcd;
    VpcdLink::Options vpcd_link;
  };

  struct Info {
    std::uint32_t serial = 0;
    Bytes uid;
    bool present = false;
    bool powered = false;
    std::filesystem::path socket_path;
    std::string vpcd;  // "HOST:PORT state" (VpcdLink::Describe), empty without --vpcd
  };

  // Powers the token on, starts listening on `socket_path` and starts the
  // thread. `trace` must outlive the server.
  static Result<std::unique_ptr<TokenServer>> Start(std::unique_ptr<Token> token,
                                                    std::filesystem::path socket_path,
                                                    TraceLog& trace, Options options);
  static Result<std::unique_ptr<TokenServer>> Start(std::unique_ptr<Token> token,
                                                    std::filesystem::path socket_path,
                                                    TraceLog& trace) {
    return Start(std::move(token), std::move(socket_path), trace, Options());
  }
  ~TokenServer();
  TokenServer(const TokenServer&) = delete;
  TokenServer& operator=(const TokenServer&) = delete;

  std::uint32_t serial() const { return serial_; }

  // Control operations; thread-safe.
  Info Describe();
  // Powers off, unlinks the socket and drops every client, the vpcd
  // connection included.
  Status Remove();
  // Recreates the socket, powers on and reconnects to vpcd.
  Status Insert();
  Status PowerCycle();
  void ArmTear(std::size_t writes);

 private:
  struct Client {
    std::uint64_t id = 0;
    UniqueFd fd;
    FrameReader reader;
    bool vpcd = false;  // the connection to vpcd (see the ATR rule above)
  };

  TokenServer(std::unique_ptr<Token> token, std::filesystem::path socket_path, TraceLog& trace,
              Options options, Wakeup wakeup);

  void Run();
  // Applies what the control thread changed; false when asked to stop.
  bool ApplyControlChanges();
  void AcceptClients();
  void AddClient(UniqueFd fd, bool vpcd);
  // Reads what the client sent and answers each complete frame; false when
  // the client must be closed.
  bool ServeClient(Client& client);
  // Handles one frame under the lock; the reply (if any) goes in `reply`.
  // False when the frame is garbage or the token was removed.
  bool HandleFrame(const Client& client, ByteView payload, std::optional<Bytes>& reply);
  void HandleControlCode(const Client& client, std::uint8_t code, std::optional<Bytes>& reply);
  void CloseClient(Client& client);
  void DropAllClients();
  Status PowerOnLocked();
  void PowerOffLocked();

  const std::uint32_t serial_;
  const std::filesystem::path socket_path_;
  TraceLog& trace_;
  const Options options_;
  const Wakeup wakeup_;

  std::mutex mu_;
  std::unique_ptr<Token> token_;        // guarded by mu_
  bool present_ = true;                 // guarded by mu_
  std::uint64_t removals_ = 0;          // guarded by mu_; bumped by Remove
  UniqueFd incoming_listener_;          // guarded by mu_; set by Insert
  bool stop_ = false;                   // guarded by mu_
  std::uint64_t last_apdu_client_ = 0;  // guarded by mu_; 0: none

  // Server thread only.
  UniqueFd listener_;
  std::uint64_t seen_removals_ = 0;
  std::vector<std::unique_ptr<Client>> clients_;
  std::uint64_t next_client_id_ = 1;
  std::unique_ptr<VpcdLink> vpcd_;  // null without --vpcd; state() is read by Describe
  bool vpcd_went_mute_ = false;     // the vpcd client is closed for a mute card; server thread
  Bytes read_buffer_;

  std::thread thread_;  // last: starts after every member above exists
};

}  // namespace tessera::sim
