// PrivateNetwork: moves the calling thread into a fresh network namespace
// that has only a loopback interface (up), and back when it goes away.
//
// Processes the thread starts afterwards (pcscd, tessera-sim, the tools)
// inherit the namespace, so TCP between them never leaves it: vpcd binds
// 0.0.0.0, and in here that is loopback only. UNIX sockets are files, not
// network objects, so /run/pcscd/pcscd.comm still reaches pcscd from any
// namespace. Needs CAP_SYS_ADMIN (root); Enter() says why it failed
// otherwise. The namespace dies with its last process. Use from the thread
// that starts the processes (the GoogleTest main thread).
#pragma once

#include <memory>

#include "common/status.hpp"
#include "common/unique_fd.hpp"

namespace tessera::testing {

class PrivateNetwork {
 public:
  static Result<std::unique_ptr<PrivateNetwork>> Enter();
  // Returns the thread to the namespace it came from.
  ~PrivateNetwork();
  PrivateNetwork(const PrivateNetwork&) = delete;
  PrivateNetwork& operator=(const PrivateNetwork&) = delete;

 private:
  explicit PrivateNetwork(UniqueFd original) : original_(std::move(original)) {}
  UniqueFd original_;  // /proc/thread-self/ns/net from before Enter
};

}  // namespace tessera::testing
