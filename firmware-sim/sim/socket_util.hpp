// Small POSIX socket helpers for the simulator: UNIX listening sockets that
// appear only once they accept connections, bounded sends, and a wakeup
// descriptor that lets one thread interrupt another's poll().
//
// Every descriptor is returned in a UniqueFd; nothing here keeps state.
// Functions are thread-safe; a Wakeup may be signalled from any thread.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>

#include "common/bytes.hpp"
#include "common/status.hpp"
#include "common/unique_fd.hpp"

namespace tessera::sim {

// Binds and listens on a UNIX stream socket at `path`, mode 0600. The socket
// is bound under a temporary name and renamed into place after listen(), so
// a client that sees the path can connect at once. Replaces a stale socket.
Result<UniqueFd> ListenUnix(const std::filesystem::path& path);

// Connects to the UNIX stream socket at `path`; kNotFound if nothing is there.
Result<UniqueFd> ConnectUnix(const std::filesystem::path& path);

Status SetNonBlocking(int fd);

// Sends all of `data`, waiting at most `timeout` in total for the peer to make
// room. kIoError when the peer is gone or too slow.
Status SendAll(int fd, ByteView data, std::chrono::milliseconds timeout);

// Reads one '\n'-terminated line (without the '\n'), at most `max_bytes`,
// waiting at most `timeout` in total. Used by the control channel.
Result<std::string> ReadLine(int fd, std::size_t max_bytes, std::chrono::milliseconds timeout);
// Reads until the peer closes, at most `max_bytes`, within `timeout`.
Result<std::string> ReadToEnd(int fd, std::size_t max_bytes, std::chrono::milliseconds timeout);

// An eventfd: Signal() from any thread makes fd() readable until Drain().
class Wakeup {
 public:
  static Result<Wakeup> Create();
  int fd() const { return fd_.get(); }
  void Signal() const;
  void Drain() const;

 private:
  explicit Wakeup(UniqueFd fd) : fd_(std::move(fd)) {}
  UniqueFd fd_;
};

}  // namespace tessera::sim
