#include "firmware-sim/sim/socket_util.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace tessera::sim {
namespace {

using SteadyClock = std::chrono::steady_clock;

Status Errno(const std::string& what) {
  return Status::IoError(what + ": " + std::strerror(errno));  // NOLINT(concurrency-mt-unsafe)
}

Result<sockaddr_un> UnixAddress(const std::filesystem::path& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::string& s = path.native();
  if (s.size() >= sizeof(addr.sun_path)) {
    return Status::InvalidArgument("socket path too long (max " +
                                   std::to_string(sizeof(addr.sun_path) - 1) + " bytes): " + s);
  }
  std::memcpy(addr.sun_path, s.c_str(), s.size() + 1);
  return addr;
}

// Milliseconds left until `deadline`, for poll(); 0 once it has passed.
int MillisLeft(SteadyClock::time_point deadline) {
  // Rounded up: poll() must not give up before the deadline.
  auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - SteadyClock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

// Waits for `events` on `fd` until `deadline`. kIoError on timeout.
Status WaitFor(int fd, short events, SteadyClock::time_point deadline, const char* what) {
  for (;;) {
    pollfd p{fd, events, 0};
    int n = ::poll(&p, 1, MillisLeft(deadline));
    if (n > 0) return Status::Ok();
    if (n == 0) return Status::IoError(std::string(what) + ": timed out");
    if (errno != EINTR) return Errno(what);
  }
}

}  // namespace

Result<UniqueFd> ListenUnix(const std::filesystem::path& path) {
  // Built by appending: GCC 12 at -O3 misreports `"." + string` (-Wrestrict).
  std::string temp_name = ".";
  temp_name += path.filename().string();
  temp_name += ".new";
  std::filesystem::path temp = path.parent_path() / temp_name;
  TESSERA_ASSIGN_OR_RETURN(sockaddr_un addr, UnixAddress(temp));
  TESSERA_RETURN_IF_ERROR(UnixAddress(path).status());

  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return Errno("socket");
  ::unlink(temp.c_str());
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) {
    return Errno("bind " + temp.string());
  }
  // Only the simulator's user may talk to its tokens.
  if (::chmod(temp.c_str(), 0600) != 0 || ::listen(fd.get(), 16) != 0 ||
      ::rename(temp.c_str(), path.c_str()) != 0) {
    Status status = Errno("listen on " + path.string());
    ::unlink(temp.c_str());
    return status;
  }
  TESSERA_RETURN_IF_ERROR(SetNonBlocking(fd.get()));
  return fd;
}

Result<UniqueFd> ConnectUnix(const std::filesystem::path& path) {
  TESSERA_ASSIGN_OR_RETURN(sockaddr_un addr, UnixAddress(path));
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return Errno("socket");
  while (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) {
    if (errno == EINTR) continue;
    if (errno == ENOENT || errno == ECONNREFUSED) {
      return Status::NotFound("nothing listening on " + path.string());
    }
    return Errno("connect " + path.string());
  }
  return fd;
}

Status SetNonBlocking(int fd) {
  int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) return Errno("fcntl");
  return Status::Ok();
}

Status SendAll(int fd, ByteView data, std::chrono::milliseconds timeout) {
  const auto deadline = SteadyClock::now() + timeout;
  std::size_t sent = 0;
  while (sent < data.size()) {
    ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      TESSERA_RETURN_IF_ERROR(WaitFor(fd, POLLOUT, deadline, "send"));
    } else if (errno != EINTR) {
      return Errno("send");
    }
  }
  return Status::Ok();
}

Result<std::string> ReadLine(int fd, std::size_t max_bytes, std::chrono::milliseconds timeout) {
  const auto deadline = SteadyClock::now() + timeout;
  std::string line;
  for (;;) {
    TESSERA_RETURN_IF_ERROR(WaitFor(fd, POLLIN, deadline, "read"));
    char c = 0;
    ssize_t n = ::recv(fd, &c, 1, MSG_DONTWAIT);
    if (n == 0) return Status::IoError("connection closed before end of line");
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;
      return Errno("read");
    }
    if (c == '\n') return line;
    if (line.size() == max_bytes) return Status::InvalidArgument("line too long");
    line.push_back(c);
  }
}

Result<std::string> ReadToEnd(int fd, std::size_t max_bytes, std::chrono::milliseconds timeout) {
  const auto deadline = SteadyClock::now() + timeout;
  std::string out;
  char buf[4096];
  for (;;) {
    TESSERA_RETURN_IF_ERROR(WaitFor(fd, POLLIN, deadline, "read"));
    ssize_t n = ::recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
    if (n == 0) return out;
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;
      return Errno("read");
    }
    out.append(buf, static_cast<std::size_t>(n));
    if (out.size() > max_bytes) return Status::InvalidArgument("reply too long");
  }
}

Result<Wakeup> Wakeup::Create() {
  UniqueFd fd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!fd.valid()) return Errno("eventfd");
  return Wakeup(std::move(fd));
}

void Wakeup::Signal() const {
  std::uint64_t one = 1;
  // A full counter (never in practice) still leaves the fd readable.
  [[maybe_unused]] ssize_t n = ::write(fd_.get(), &one, sizeof(one));
}

void Wakeup::Drain() const {
  std::uint64_t count = 0;
  [[maybe_unused]] ssize_t n = ::read(fd_.get(), &count, sizeof(count));
}

}  // namespace tessera::sim
