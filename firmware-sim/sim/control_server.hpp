// ControlServer: the simulator's control channel, a line protocol on the
// UNIX socket RUNDIR/tessera-sim.ctl (docs/tessera-sim.md).
//
// A client connects, sends one request line and reads the reply until the
// server closes the connection. Requests:
//   list | insert SERIAL | remove SERIAL | power-cycle SERIAL | tear SERIAL N
// The reply is zero or more body lines and then "OK" or "ERR <message>".
// `list` gives one line per token: "<serial> <uid hex> present|removed
// powered|unpowered <socket path>", and with --vpcd " vpcd HOST:PORT
// off|waiting|connecting|connected".
//
// The server is driven by the simulator's main thread: it polls fd() and
// calls HandleOne(), which serves one connection with bounded reads and
// writes. It borrows the token servers, which outlive it. The destructor
// closes and unlinks the socket.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/unique_fd.hpp"
#include "firmware-sim/sim/token_server.hpp"

namespace tessera::sim {

class ControlServer {
 public:
  static Result<std::unique_ptr<ControlServer>> Listen(std::filesystem::path socket_path,
                                                       std::vector<TokenServer*> tokens);
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  int fd() const { return listener_.get(); }
  // Accepts one waiting connection and answers its request.
  void HandleOne();

 private:
  ControlServer(UniqueFd listener, std::filesystem::path socket_path,
                std::vector<TokenServer*> tokens)
      : listener_(std::move(listener)),
        socket_path_(std::move(socket_path)),
        tokens_(std::move(tokens)) {}

  UniqueFd listener_;
  std::filesystem::path socket_path_;
  std::vector<TokenServer*> tokens_;
};

// Runs one request line against `tokens`; returns the whole reply text.
std::string ExecuteControlRequest(std::string_view line, const std::vector<TokenServer*>& tokens);

}  // namespace tessera::sim
