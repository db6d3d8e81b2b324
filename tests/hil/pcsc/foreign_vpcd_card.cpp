#include "tests/hil/pcsc/foreign_vpcd_card.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "common/bytes.hpp"

namespace tessera::testing {
namespace {

constexpr std::uint8_t kGetAtr = 4;
// Direct convention, T=1 only, no historical bytes: an ATR pcscd accepts.
constexpr std::uint8_t kAtr[] = {0x3B, 0x80, 0x80, 0x01, 0x01};
constexpr std::uint8_t kNotFound[] = {0x6A, 0x82};

bool ReadFull(int fd, std::uint8_t* data, std::size_t size) {
  while (size > 0) {
    ssize_t n = ::recv(fd, data, size, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

bool SendFrame(int fd, ByteView payload) {
  Bytes frame = {static_cast<std::uint8_t>(payload.size() >> 8),
                 static_cast<std::uint8_t>(payload.size())};
  frame.insert(frame.end(), payload.begin(), payload.end());
  return ::send(fd, frame.data(), frame.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(frame.size());
}

}  // namespace

Result<std::unique_ptr<ForeignVpcdCard>> ForeignVpcdCard::Connect(std::uint16_t port) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return Status::IoError(std::string("socket: ") + std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) {
    return Status::IoError("connect to vpcd on port " + std::to_string(port) + ": " +
                           std::strerror(errno));
  }
  int one = 1;
  (void)::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return std::unique_ptr<ForeignVpcdCard>(new ForeignVpcdCard(std::move(fd)));
}

ForeignVpcdCard::ForeignVpcdCard(UniqueFd fd) : fd_(std::move(fd)) {
  thread_ = std::thread([this] { Serve(); });
}

ForeignVpcdCard::~ForeignVpcdCard() {
  // Wakes the blocked recv; the descriptor is closed after the join.
  ::shutdown(fd_.get(), SHUT_RDWR);
  thread_.join();
}

void ForeignVpcdCard::Serve() {
  for (;;) {
    std::uint8_t length[2];
    if (!ReadFull(fd_.get(), length, sizeof(length))) return;
    Bytes payload((std::size_t{length[0]} << 8) | length[1]);
    if (!ReadFull(fd_.get(), payload.data(), payload.size())) return;
    if (payload.size() == 1) {
      // Power off, power on and reset get no answer; the ATR does.
      if (payload[0] == kGetAtr && !SendFrame(fd_.get(), kAtr)) return;
      continue;
    }
    apdus_.fetch_add(1);
    if (!SendFrame(fd_.get(), kNotFound)) return;
  }
}

}  // namespace tessera::testing
