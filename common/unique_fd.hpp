// UniqueFd: the sole owner of one POSIX file descriptor (socket, eventfd,
// signalfd, lock file), closed when the owner goes away.
//
// Move-only, like std::unique_ptr; an empty UniqueFd holds -1. Header-only
// because both sides of the wire use it (the simulator's sockets and the host
// transports). Thread-compatible: one owner at a time.
#pragma once

#include <unistd.h>

namespace tessera {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { Reset(); }

  UniqueFd(UniqueFd&& other) noexcept : fd_(other.Release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) Reset(other.Release());
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }

  // Gives up ownership without closing.
  int Release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  // Closes the current descriptor (if any) and owns `fd` instead. close() is
  // not retried on EINTR: on Linux the descriptor is gone either way.
  void Reset(int fd = -1) noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

}  // namespace tessera
