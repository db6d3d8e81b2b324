#include "firmware-sim/os/fused_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

namespace tessera::sim {
namespace {

Status Errno(std::string_view what, const std::filesystem::path& path) {
  const int err = errno;
  return Status::IoError(std::string(what) + " " + path.string() + ": " + std::strerror(err));
}

// pwrite(2) until every byte is written; a short write is not a failure.
Status WriteFully(int fd, std::size_t offset, ByteView bytes, const std::filesystem::path& path) {
  while (!bytes.empty()) {
    const ssize_t n = ::pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Errno("write", path);
    }
    bytes = bytes.subspan(static_cast<std::size_t>(n));
    offset += static_cast<std::size_t>(n);
  }
  return Status::Ok();
}

}  // namespace

UniqueFd::~UniqueFd() {
  if (fd_ >= 0) ::close(fd_);
}

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.Release();
  }
  return *this;
}

int UniqueFd::Release() noexcept { return std::exchange(fd_, -1); }

Result<UniqueFd> OpenFile(const std::filesystem::path& path, int flags, unsigned mode) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC, static_cast<mode_t>(mode));
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound(path.string() + " does not exist");
    return Errno("open", path);
  }
  return UniqueFd(fd);
}

Result<SecureBytes> ReadWholeFile(int fd, const std::filesystem::path& path) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return Errno("stat", path);
  SecureBytes out(static_cast<std::size_t>(st.st_size));
  std::size_t got = 0;
  while (got < out.size()) {
    const ssize_t n = ::pread(fd, out.data() + got, out.size() - got, static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("read", path);
    if (n == 0) break;  // shrank under us: decode what is there
    got += static_cast<std::size_t>(n);
  }
  out.Resize(got);
  return out;
}

Status SyncFile(int fd, const std::filesystem::path& path) {
  if (::fsync(fd) != 0) return Errno("fsync", path);
  return Status::Ok();
}

Status SyncParentDir(const std::filesystem::path& path) {
  std::filesystem::path dir = path.parent_path();
  if (dir.empty()) dir = ".";
  TESSERA_ASSIGN_OR_RETURN(UniqueFd fd, OpenFile(dir, O_RDONLY | O_DIRECTORY));
  return SyncFile(fd.get(), dir);
}

Status TruncateFile(int fd, std::size_t size, const std::filesystem::path& path) {
  if (::ftruncate(fd, static_cast<off_t>(size)) != 0) return Errno("truncate", path);
  return SyncFile(fd, path);
}

Result<bool> RemoveIfPresent(const std::filesystem::path& path) {
  if (::unlink(path.c_str()) == 0) return true;
  if (errno == ENOENT) return false;
  return Errno("remove", path);
}

Status FusedWriter::WriteAt(std::size_t offset, ByteView bytes) {
  switch (fuse_ != nullptr ? fuse_->BeforeWrite() : PowerFuse::Verdict::kWrite) {
    case PowerFuse::Verdict::kWrite: return WriteFully(fd_, offset, bytes, path_);
    case PowerFuse::Verdict::kTear:
      // The cut lands mid-write: the first half reaches the disk.
      TESSERA_RETURN_IF_ERROR(WriteFully(fd_, offset, bytes.first(bytes.size() / 2), path_));
      return Status::PowerLost();
    case PowerFuse::Verdict::kDead: return Status::PowerLost();
  }
  return Status::Internal("unknown fuse verdict");
}

Status FusedWriter::WriteChunked(std::size_t offset, ByteView bytes, std::size_t chunk) {
  for (std::size_t done = 0; done < bytes.size(); done += chunk) {
    const std::size_t n = std::min(chunk, bytes.size() - done);
    TESSERA_RETURN_IF_ERROR(WriteAt(offset + done, bytes.subspan(done, n)));
  }
  return Status::Ok();
}

Status FusedRename(const std::filesystem::path& from, const std::filesystem::path& to,
                   PowerFuse* fuse) {
  const auto verdict = fuse != nullptr ? fuse->BeforeWrite() : PowerFuse::Verdict::kWrite;
  if (verdict == PowerFuse::Verdict::kDead) return Status::PowerLost();
  if (::rename(from.c_str(), to.c_str()) != 0) return Errno("rename", from);
  // A torn rename still happened: rename(2) is all or nothing.
  if (verdict == PowerFuse::Verdict::kTear) return Status::PowerLost();
  return Status::Ok();
}

}  // namespace tessera::sim
