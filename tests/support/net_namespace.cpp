#include "tests/support/net_namespace.hpp"

#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace tessera::testing {
namespace {

Status Errno(const std::string& what) {
  return Status::IoError(what + ": " + std::strerror(errno));  // NOLINT(concurrency-mt-unsafe)
}

// `ip link set lo up`, without needing iproute2.
Status LoopbackUp() {
  UniqueFd sock(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!sock.valid()) return Errno("socket");
  ifreq req{};
  std::strncpy(req.ifr_name, "lo", IFNAMSIZ - 1);
  if (::ioctl(sock.get(), SIOCGIFFLAGS, &req) != 0) return Errno("SIOCGIFFLAGS lo");
  req.ifr_flags = static_cast<short>(req.ifr_flags | IFF_UP | IFF_RUNNING);
  if (::ioctl(sock.get(), SIOCSIFFLAGS, &req) != 0) return Errno("SIOCSIFFLAGS lo");
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<PrivateNetwork>> PrivateNetwork::Enter() {
  UniqueFd original(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC));
  if (!original.valid()) return Errno("open /proc/thread-self/ns/net");
  if (::unshare(CLONE_NEWNET) != 0) return Errno("unshare(CLONE_NEWNET)");
  std::unique_ptr<PrivateNetwork> net(new PrivateNetwork(std::move(original)));
  // From here on the destructor puts the thread back, whatever happens.
  TESSERA_RETURN_IF_ERROR(LoopbackUp());
  return net;
}

PrivateNetwork::~PrivateNetwork() {
  // Failing to return would leave the rest of the test run offline; there
  // is nothing better to do than to try.
  (void)::setns(original_.get(), CLONE_NEWNET);
}

}  // namespace tessera::testing
