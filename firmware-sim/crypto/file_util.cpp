#include "firmware-sim/crypto/file_util.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "common/unique_fd.hpp"

namespace tessera::sim::internal {
namespace {

Status Errno(const char* what, const std::filesystem::path& path) {
  const int err = errno;  // before anything below can overwrite it
  return Status::IoError(std::string(what) + " " + path.string() + ": " + std::strerror(err));
}

Status WriteAll(int fd, ByteView data, const std::filesystem::path& path) {
  std::size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Errno("write", path);
    off += static_cast<std::size_t>(n);
  }
  return Status::Ok();
}

Status SyncDirectory(const std::filesystem::path& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid() || ::fsync(fd.get()) != 0) return Errno("fsync", dir);
  return Status::Ok();
}

}  // namespace

Result<SecureBytes> ReadWholeFile(const std::filesystem::path& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    if (errno == ENOENT) return Status::NotFound(path.string() + " does not exist");
    return Errno("open", path);
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return Errno("fstat", path);
  SecureBytes out(static_cast<std::size_t>(st.st_size));
  std::size_t off = 0;
  while (off < out.size()) {
    ssize_t n = ::read(fd.get(), out.data() + off, out.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("read", path);
    if (n == 0) break;  // shrank under us
    off += static_cast<std::size_t>(n);
  }
  out.Resize(off);
  return out;
}

Status WriteFileAtomically(const std::filesystem::path& path, ByteView data, mode_t mode) {
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  ::unlink(tmp.c_str());  // left over from an interrupted run, if any
  UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
  if (!fd.valid()) return Errno("create", tmp);
  // The umask may have cleared bits of `mode`; set exactly what was asked.
  if (::fchmod(fd.get(), mode) != 0) return Errno("chmod", tmp);
  TESSERA_RETURN_IF_ERROR(WriteAll(fd.get(), data, tmp));
  if (::fsync(fd.get()) != 0) return Errno("fsync", tmp);
  // close() reports delayed write errors on some file systems (NFS).
  if (::close(fd.Release()) != 0) return Errno("close", tmp);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return Errno("rename", tmp);
  return SyncDirectory(path.has_parent_path() ? path.parent_path() : ".");
}

}  // namespace tessera::sim::internal
