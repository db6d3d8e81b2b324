// Fused I/O: the POSIX file operations FileStorage needs, with every physical
// write asking a PowerFuse first so tests can cut the power at any write.
//
// A write the fuse tears puts only the first half of its bytes on disk and a
// write after the cut puts none; both return kPowerLost. A rename the fuse
// tears happens (rename is atomic, so a cut there leaves the old name or the
// new one; tests get the "new" case this way, and the "old" case by cutting
// one write earlier). Syncs and recovery steps are not fuse points. Errors
// name the file. Functions are thread-compatible; a UniqueFd has one owner.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <utility>

#include "common/bytes.hpp"
#include "common/secure_bytes.hpp"
#include "common/status.hpp"
#include "firmware-sim/os/power_fuse.hpp"

namespace tessera::sim {

// An open file descriptor, closed on destruction. Move-only.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd();
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.Release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return fd_; }
  int Release() noexcept;

 private:
  int fd_ = -1;
};

// open(2); ENOENT is kNotFound, anything else kIoError.
Result<UniqueFd> OpenFile(const std::filesystem::path& path, int flags, unsigned mode = 0600);
// The whole file from offset 0, in a zeroizing buffer (it holds secrets).
Result<SecureBytes> ReadWholeFile(int fd, const std::filesystem::path& path);
// fsync(2) of the file, or of the directory holding `path`.
Status SyncFile(int fd, const std::filesystem::path& path);
Status SyncParentDir(const std::filesystem::path& path);
// ftruncate(2) and fsync: used to cut a torn record off and to undo a failed append.
Status TruncateFile(int fd, std::size_t size, const std::filesystem::path& path);
// unlink(2) if present; true when a file was removed.
Result<bool> RemoveIfPresent(const std::filesystem::path& path);

// Writes to one file, each call one physical write that asks the fuse first.
class FusedWriter {
 public:
  FusedWriter(int fd, PowerFuse* fuse, std::filesystem::path path)
      : fd_(fd), fuse_(fuse), path_(std::move(path)) {}

  Status WriteAt(std::size_t offset, ByteView bytes);
  // Splits `bytes` into writes of at most `chunk` bytes.
  Status WriteChunked(std::size_t offset, ByteView bytes, std::size_t chunk);

 private:
  int fd_;
  PowerFuse* fuse_;
  std::filesystem::path path_;
};

// rename(2) from `from` to `to`, counted as one fuse write.
Status FusedRename(const std::filesystem::path& from, const std::filesystem::path& to,
                   PowerFuse* fuse);

}  // namespace tessera::sim
