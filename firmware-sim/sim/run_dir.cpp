#include "firmware-sim/sim/run_dir.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>

namespace tessera::sim {
namespace {

std::string ErrnoText() { return std::strerror(errno); }  // NOLINT(concurrency-mt-unsafe)

// The pid recorded by the current holder, for the error message.
std::string HolderPid(int fd) {
  char buf[32] = {};
  ssize_t n = ::pread(fd, buf, sizeof(buf) - 1, 0);
  std::string pid(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
  while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
  return pid.empty() ? "unknown" : pid;
}

}  // namespace

Status EnsurePrivateDirectory(const std::filesystem::path& dir) {
  std::error_code ec;
  if (std::filesystem::exists(dir, ec)) {
    if (!std::filesystem::is_directory(dir, ec)) {
      return Status::InvalidArgument(dir.string() + " exists and is not a directory");
    }
    return Status::Ok();
  }
  if (dir.has_parent_path() && dir.parent_path() != dir) {
    TESSERA_RETURN_IF_ERROR(EnsurePrivateDirectory(dir.parent_path()));
  }
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return Status::IoError("cannot create " + dir.string() + ": " + ErrnoText());
  }
  return Status::Ok();
}

Result<PidLock> PidLock::Acquire(const std::filesystem::path& file, std::string_view what) {
  // Retry if the file we locked was unlinked by a holder that was exiting:
  // a lock on an unlinked file would keep nobody out.
  for (int attempt = 0; attempt < 10; ++attempt) {
    UniqueFd fd(::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    if (!fd.valid()) return Status::IoError("cannot open " + file.string() + ": " + ErrnoText());
    if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
      if (errno != EWOULDBLOCK) {
        return Status::IoError("cannot lock " + file.string() + ": " + ErrnoText());
      }
      return Status::ConditionsNotSatisfied("another tessera-sim (pid " + HolderPid(fd.get()) +
                                            ") is using the " + std::string(what) + " (lock " +
                                            file.string() + ")");
    }
    struct stat locked {};
    struct stat named {};
    if (::fstat(fd.get(), &locked) != 0 || ::stat(file.c_str(), &named) != 0 ||
        locked.st_ino != named.st_ino || locked.st_dev != named.st_dev) {
      continue;
    }
    std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd.get(), 0) != 0 ||
        ::pwrite(fd.get(), pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
      return Status::IoError("cannot write " + file.string() + ": " + ErrnoText());
    }
    return PidLock(std::move(fd), file);
  }
  return Status::IoError("cannot lock " + file.string() + ": it keeps being replaced");
}

PidLock& PidLock::operator=(PidLock&& other) noexcept {
  if (this != &other) {
    Release();
    fd_ = std::move(other.fd_);
    file_ = std::move(other.file_);
  }
  return *this;
}

PidLock::~PidLock() { Release(); }

void PidLock::Release() noexcept {
  if (!fd_.valid()) return;
  // Unlink while still holding the lock, so nobody locks a file that is
  // about to disappear (Acquire re-checks the inode for the same reason).
  ::unlink(file_.c_str());
  fd_.Reset();
}

}  // namespace tessera::sim
