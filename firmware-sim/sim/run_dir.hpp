// Directories the simulator owns and the lock that keeps a second simulator
// out of them.
//
// PidLock holds an exclusive flock(2) on a file for its lifetime and writes
// the holder's pid into it, so a second tessera-sim on the same run (or
// state) directory fails at once with a message naming the first one. The
// lock dies with the process, so a crash never leaves a stale lock; the
// destructor also removes the file. Move-only; thread-compatible.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string_view>

#include "common/status.hpp"
#include "common/unique_fd.hpp"

namespace tessera::sim {

// Creates `dir` and its parents with mode 0700 when missing; an existing path
// must be a directory.
Status EnsurePrivateDirectory(const std::filesystem::path& dir);

class PidLock {
 public:
  // `what` names the locked thing in the error ("run directory /x").
  static Result<PidLock> Acquire(const std::filesystem::path& file, std::string_view what);

  PidLock(PidLock&& other) noexcept = default;
  PidLock& operator=(PidLock&& other) noexcept;
  PidLock(const PidLock&) = delete;
  PidLock& operator=(const PidLock&) = delete;
  ~PidLock();

 private:
  PidLock(UniqueFd fd, std::filesystem::path file) : fd_(std::move(fd)), file_(std::move(file)) {}
  void Release() noexcept;

  UniqueFd fd_;
  std::filesystem::path file_;
};

}  // namespace tessera::sim
