// Server: tesserad's HTTP/1.1 front end (docs/http.md). One io_context run by
// `threads` threads; listeners on TCP (TLS or plain) and UNIX sockets (plain,
// the socket file mode 0660); keep-alive; the request limits of Limits.
// Requests go to the Router through one Dispatcher (exchange.hpp).
//
// Lifecycle: Create binds every listener (so a port in use is an error
// before anything runs); Run blocks the caller, serving, until Stop has
// drained; Stop is graceful: the listeners close, idle keep-alive
// connections close, requests in flight finish (within
// limits.drain_timeout), then Run returns.
//
// Thread-safety: Stop, OnSignals and BoundAddresses may be called from any
// thread. The Router, Metrics and AccessLog must outlive the Server.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/status.hpp"
#include "services/http/access_log.hpp"
#include "services/http/metrics.hpp"
#include "services/http/router.hpp"
#include "services/http/server_config.hpp"

namespace tessera::http {

class Server {
 public:
  // kInvalidArgument for a bad listener or TLS configuration; the TLS files'
  // own errors (tls_context.hpp); kUnavailable for an address that cannot
  // be bound (in use, not local). `access_log` may be null.
  static Result<std::unique_ptr<Server>> Create(ServerConfig config, const Router& router,
                                                Metrics& metrics, AccessLog* access_log);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The listeners as bound: "https://127.0.0.1:41234" (a port 0 resolved).
  std::vector<std::string> BoundAddresses() const;

  // `on_signal` runs on a server thread for each of `signals` received
  // while Run runs (SIGTERM -> Stop, SIGHUP -> reopen logs).
  void OnSignals(const std::vector<int>& signals, std::function<void(int)> on_signal);

  void Run();
  void Stop();

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tessera::http
