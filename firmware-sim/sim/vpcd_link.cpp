#include "firmware-sim/sim/vpcd_link.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "firmware-sim/sim/log.hpp"

namespace tessera::sim {
namespace {

std::string ErrnoText(int err) {
  return std::strerror(err);  // NOLINT(concurrency-mt-unsafe): glibc's is thread-safe
}

const char* StateName(VpcdLink::State state) {
  switch (state) {
    case VpcdLink::State::kOff: return "off";
    case VpcdLink::State::kWaiting: return "waiting";
    case VpcdLink::State::kConnecting: return "connecting";
    case VpcdLink::State::kConnected: return "connected";
  }
  return "?";
}

}  // namespace

VpcdLink::VpcdLink(TcpAddress address, std::string label, Options options)
    : address_(std::move(address)),
      label_(std::move(label)),
      options_(options),
      delay_(options.first_retry) {}

void VpcdLink::Enable() {
  if (state_ != State::kOff) return;
  delay_ = options_.first_retry;
  next_attempt_ = Clock::now();
  state_ = State::kWaiting;
}

void VpcdLink::Disable() {
  connecting_.Reset();
  failure_logged_ = false;
  state_ = State::kOff;
}

void VpcdLink::Lost() {
  if (state_ != State::kConnected) return;
  LogLine(label_ + ": vpcd connection to " + address_.text + " closed; reconnecting");
  delay_ = options_.first_retry;
  next_attempt_ = Clock::now() + delay_;
  state_ = State::kWaiting;
}

void VpcdLink::LostMute() {
  if (state_ != State::kConnected) return;
  LogLine(label_ + ": the card went mute; out of vpcd for " +
          std::to_string(options_.mute_out.count()) + " ms");
  delay_ = options_.first_retry;
  next_attempt_ = Clock::now() + options_.mute_out;
  state_ = State::kWaiting;
}

int VpcdLink::PollTimeoutMillis(Clock::time_point now) const {
  Clock::time_point due;
  switch (state_.load()) {
    case State::kWaiting: due = next_attempt_; break;
    case State::kConnecting: due = connect_deadline_; break;
    default: return -1;
  }
  auto left = std::chrono::ceil<std::chrono::milliseconds>(due - now).count();
  return static_cast<int>(std::max<decltype(left)>(left, 0));
}

std::optional<UniqueFd> VpcdLink::Tick(Clock::time_point now) {
  if (state_ == State::kWaiting && now >= next_attempt_) StartConnect(now);
  if (state_ != State::kConnecting) return std::nullopt;

  pollfd p{connecting_.get(), POLLOUT, 0};
  if (::poll(&p, 1, 0) <= 0) {
    if (now >= connect_deadline_) Failed(now, "connect timed out");
    return std::nullopt;
  }
  int err = 0;
  socklen_t len = sizeof(err);
  if (::getsockopt(connecting_.get(), SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
  if (err != 0) {
    Failed(now, ErrnoText(err));
    return std::nullopt;
  }
  return Connected();
}

void VpcdLink::StartConnect(Clock::time_point now) {
  const auto* addr = reinterpret_cast<const sockaddr*>(&address_.addr);
  UniqueFd fd(::socket(addr->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) {
    Failed(now, "socket: " + ErrnoText(errno));
    return;
  }
  // Frames are small and strictly request/response: Nagle would only add delay.
  int one = 1;
  (void)::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  connecting_ = std::move(fd);
  connect_deadline_ = now + options_.connect_timeout;
  state_ = State::kConnecting;
  int rc = 0;
  do {
    rc = ::connect(connecting_.get(), addr, address_.length);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0 && errno != EINPROGRESS) Failed(now, ErrnoText(errno));
  // Connected at once or in progress: the caller's Tick checks SO_ERROR.
}

void VpcdLink::Failed(Clock::time_point now, const std::string& why) {
  connecting_.Reset();
  if (!failure_logged_) {
    LogLine(label_ + ": vpcd at " + address_.text + " not reachable (" + why +
            "); retrying every " + std::to_string(options_.max_retry.count()) + " ms at most");
    failure_logged_ = true;
  }
  next_attempt_ = now + delay_;
  delay_ = std::min(delay_ * 2, options_.max_retry);
  state_ = State::kWaiting;
}

std::optional<UniqueFd> VpcdLink::Connected() {
  LogLine(label_ + ": connected to vpcd at " + address_.text);
  failure_logged_ = false;
  delay_ = options_.first_retry;
  state_ = State::kConnected;
  return std::move(connecting_);
}

void AckPromptly(int fd) {
  int one = 1;
  (void)::setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));
}

std::string VpcdLink::Describe() const { return address_.text + " " + StateName(state_.load()); }

}  // namespace tessera::sim
