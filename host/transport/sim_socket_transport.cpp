#include "host/transport/sim_socket_transport.hpp"

#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <string>
#include <system_error>
#include <thread>

#include "common/sim_socket_protocol.hpp"

namespace tessera::host {
namespace {

using SteadyClock = std::chrono::steady_clock;

std::string ErrnoText() { return std::strerror(errno); }  // NOLINT(concurrency-mt-unsafe)

int MillisLeft(SteadyClock::time_point deadline) {
  // Rounded up: poll() must not give up before the deadline.
  auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - SteadyClock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

// Waits until `fd` is ready for `events`; kIoError on timeout.
Status WaitFor(int fd, short events, SteadyClock::time_point deadline) {
  for (;;) {
    pollfd p{fd, events, 0};
    int n = ::poll(&p, 1, MillisLeft(deadline));
    if (n > 0) return Status::Ok();
    if (n == 0) return Status::IoError("timed out waiting for the simulator");
    if (errno != EINTR) return Status::IoError("poll: " + ErrnoText());
  }
}

Status CardMute() {
  return Status::IoError("card mute: the token is unpowered or its power was cut");
}

}  // namespace

Result<std::unique_ptr<SimSocketTransport>> SimSocketTransport::Connect(
    const std::filesystem::path& socket, Options options) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket.native().size() >= sizeof(addr.sun_path)) {
    return Status::InvalidArgument("socket path too long: " + socket.string());
  }
  std::memcpy(addr.sun_path, socket.c_str(), socket.native().size() + 1);
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return Status::IoError("socket: " + ErrnoText());
  while (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) {
    if (errno == EINTR) continue;
    // No file, or a file nobody listens on (a simulator that was killed).
    if (errno == ENOENT || errno == ECONNREFUSED) {
      return Status::NotFound("no simulated token at " + socket.string());
    }
    return Status::IoError("connect " + socket.string() + ": " + ErrnoText());
  }
  return std::unique_ptr<SimSocketTransport>(
      new SimSocketTransport(std::move(fd), socket, options));
}

Result<Bytes> SimSocketTransport::Transmit(ByteView command) {
  if (command.size() < 4) return Status::InvalidArgument("an APDU has at least 4 bytes");
  if (command.size() > simsock::kMaxPayload) {
    return Status::InvalidArgument("APDU longer than a frame can carry; chain it");
  }
  TESSERA_ASSIGN_OR_RETURN(Bytes response, Exchange(command, true));
  if (response.empty()) return CardMute();
  if (response.size() < 2) return Break(Status::IoError("response shorter than a status word"));
  return response;
}

Result<Bytes> SimSocketTransport::Atr() {
  const std::uint8_t code[] = {simsock::kGetAtr};
  TESSERA_ASSIGN_OR_RETURN(Bytes atr, Exchange(code, true));
  if (atr.empty()) return CardMute();
  return atr;
}

Status SimSocketTransport::PowerOn() {
  const std::uint8_t code[] = {simsock::kPowerOn};
  TESSERA_RETURN_IF_ERROR(Exchange(code, false).status());
  // Power on has no reply; asking for the ATR tells whether it worked.
  return Atr().status();
}

Status SimSocketTransport::PowerOff() {
  const std::uint8_t code[] = {simsock::kPowerOff};
  return Exchange(code, false).status();
}

Status SimSocketTransport::Reset() {
  const std::uint8_t code[] = {simsock::kReset};
  TESSERA_RETURN_IF_ERROR(Exchange(code, false).status());
  return Atr().status();
}

std::string SimSocketTransport::Describe() const { return "sim:" + socket_.string(); }

Result<Bytes> SimSocketTransport::Exchange(ByteView payload, bool answered) {
  if (!fd_.valid()) return Status::IoError("connection to " + socket_.string() + " was lost");
  const auto deadline = SteadyClock::now() + options_.timeout;
  TESSERA_RETURN_IF_ERROR(Send(payload, deadline));
  if (!answered) return Bytes();
  const SteadyClock::time_point sent = SteadyClock::now();
  Result<Bytes> answer = Receive(deadline);
  if (answer.ok()) RecordAnswerTime(SteadyClock::now() - sent);
  return answer;
}

std::chrono::microseconds SimSocketTransport::SpinWindow(int other_waiters) const {
  // A quarter more than the typical answer, so most answers arrive while
  // spinning; a card slower than max_spin is not worth a busy core, and
  // neither is any card when the waiters and their tokens outnumber the
  // cores.
  static const unsigned cores = std::max(1U, std::thread::hardware_concurrency());
  const auto threads = 2U * static_cast<unsigned>(other_waiters + 1);
  const std::chrono::microseconds wanted = typical_answer_ + typical_answer_ / 4;
  if (wanted > options_.max_spin || threads > cores) return options_.spin;
  return std::max(wanted, options_.spin);
}

void SimSocketTransport::RecordAnswerTime(SteadyClock::duration took) {
  // An exponential moving average over about eight answers. One very slow
  // answer (a key generation) counts as merely slow, so the window
  // recovers after a few ordinary ones.
  const auto us =
      std::min(std::chrono::duration_cast<std::chrono::microseconds>(took), 2 * options_.max_spin);
  typical_answer_ += (us - typical_answer_) / 8;
}

Status SimSocketTransport::Send(ByteView payload, SteadyClock::time_point deadline) {
  Bytes frame = simsock::EncodeFrame(payload);
  std::size_t sent = 0;
  while (sent < frame.size()) {
    ssize_t n =
        ::send(fd_.get(), frame.data() + sent, frame.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      Status ready = WaitFor(fd_.get(), POLLOUT, deadline);
      if (!ready.ok()) return Break(ready);
    } else if (errno != EINTR) {
      return Break(Status::IoError("send to " + socket_.string() + ": " + ErrnoText()));
    }
  }
  return Status::Ok();
}

Result<Bytes> SimSocketTransport::Receive(SteadyClock::time_point deadline) {
  // One read usually brings the whole frame. The protocol answers each
  // command exactly once, so nothing may follow the frame.
  rx_.resize(simsock::kLengthBytes + simsock::kMaxPayload);
  std::size_t got = 0;
  auto frame_size = [&]() -> std::size_t {
    return got < simsock::kLengthBytes ? rx_.size() + 1 : simsock::kLengthBytes + GetU16(rx_);
  };
  while (got < frame_size()) {
    TESSERA_ASSIGN_OR_RETURN(std::size_t n, ReadSome(rx_.data() + got, rx_.size() - got, deadline));
    got += n;
  }
  if (got != frame_size()) {
    return Break(Status::IoError("more than one answer from " + socket_.string()));
  }
  return Bytes(rx_.begin() + simsock::kLengthBytes, rx_.begin() + static_cast<std::ptrdiff_t>(got));
}

namespace {

// How many threads of this process wait for a simulator's answer right now.
// Each waiter's token works on a core of its own in tessera-sim, so a waiter
// that spins takes a second core; that only pays while there are enough.
class WaiterCount {
 public:
  WaiterCount() : others_(waiting_.fetch_add(1, std::memory_order_relaxed)) {}
  ~WaiterCount() { waiting_.fetch_sub(1, std::memory_order_relaxed); }
  WaiterCount(const WaiterCount&) = delete;
  WaiterCount& operator=(const WaiterCount&) = delete;

  int others() const { return others_; }

 private:
  static inline std::atomic<int> waiting_{0};
  int others_;
};

}  // namespace

Result<std::size_t> SimSocketTransport::ReadSome(std::uint8_t* out, std::size_t capacity,
                                                 SteadyClock::time_point deadline) {
  // The simulator usually answers within microseconds: keep trying to read
  // for a moment before sleeping in poll(), whose wake-up costs more than
  // the answer itself (docs/sim-socket-protocol.md, "Latency").
  const WaiterCount waiting;
  const SteadyClock::time_point spin_until = SteadyClock::now() + SpinWindow(waiting.others());
  for (;;) {
    ssize_t r = ::recv(fd_.get(), out, capacity, MSG_DONTWAIT);
    if (r > 0) return static_cast<std::size_t>(r);
    if (r == 0) return Break(Status::IoError("the simulator closed " + socket_.string()));
    if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK) {
      return Break(Status::IoError("recv from " + socket_.string() + ": " + ErrnoText()));
    }
    if (SteadyClock::now() < spin_until) {
      sched_yield();  // spin, but give the core away when anyone else wants it
      continue;
    }
    Status ready = WaitFor(fd_.get(), POLLIN, deadline);
    if (!ready.ok()) return Break(ready);
  }
}

Status SimSocketTransport::Break(Status status) {
  fd_.Reset();
  return status;
}

Result<std::vector<SimSocketEntry>> ListSimSockets(const std::filesystem::path& run_dir) {
  std::vector<SimSocketEntry> entries;
  std::error_code ec;
  if (!std::filesystem::exists(run_dir, ec)) return entries;
  for (const auto& entry : std::filesystem::directory_iterator(run_dir, ec)) {
    const std::filesystem::path& path = entry.path();
    if (path.extension() != simsock::kTokenSocketSuffix || !entry.is_socket(ec)) continue;
    std::string stem = path.stem().string();
    std::uint32_t serial = 0;
    auto [end, err] = std::from_chars(stem.data(), stem.data() + stem.size(), serial);
    if (err != std::errc() || end != stem.data() + stem.size() || stem.empty()) continue;
    entries.push_back({serial, path});
  }
  if (ec) return Status::IoError("cannot list " + run_dir.string() + ": " + ec.message());
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.serial < b.serial; });
  return entries;
}

}  // namespace tessera::host
