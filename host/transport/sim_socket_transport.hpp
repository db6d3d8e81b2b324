// SimSocketTransport: a Transport to one tessera-sim token over its UNIX
// socket RUNDIR/<serial>.sock, speaking the vpcd framing of
// common/sim_socket_protocol.hpp (docs/sim-socket-protocol.md).
//
// Each call writes one frame and, where the protocol answers, reads one. A
// zero-length answer (the card is mute: unpowered or its power was cut) is
// kIoError; so are a closed connection and a timeout, after which the
// transport is broken (a late reply would desynchronize the stream) and
// every later call fails until a new transport is connected. A missing
// socket is kNotFound. Owns its socket; one thread at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <vector>

#include "common/unique_fd.hpp"
#include "host/transport/transport.hpp"

namespace tessera::host {

class SimSocketTransport final : public Transport {
 public:
  struct Options {
    // Longest wait for one exchange. A realistic-latency RSA-4096 key
    // generation takes about 40 s, so the default leaves room for it.
    std::chrono::milliseconds timeout{60000};
    // How long to poll for an answer without sleeping before blocking in
    // poll(). The window adapts: it covers the recent answer times (an
    // RSA-2048 signature takes about 250 us), but never more than
    // `max_spin`, and a card slower than that gets only `spin`.
    std::chrono::microseconds spin{50};
    std::chrono::microseconds max_spin{1000};
  };

  static Result<std::unique_ptr<SimSocketTransport>> Connect(const std::filesystem::path& socket,
                                                             Options options);
  static Result<std::unique_ptr<SimSocketTransport>> Connect(const std::filesystem::path& socket) {
    return Connect(socket, Options());
  }

  Result<Bytes> Transmit(ByteView command) override;
  Result<Bytes> Atr() override;
  Status PowerOn() override;
  Status PowerOff() override;
  Status Reset() override;
  std::string Describe() const override;
  bool SupportsExtendedLength() const override { return true; }

 private:
  SimSocketTransport(UniqueFd fd, std::filesystem::path socket, Options options)
      : fd_(std::move(fd)), socket_(std::move(socket)), options_(options) {}

  // One frame out and, if `answered`, one frame in, within the timeout.
  Result<Bytes> Exchange(ByteView payload, bool answered);
  Status Send(ByteView payload, std::chrono::steady_clock::time_point deadline);
  Result<Bytes> Receive(std::chrono::steady_clock::time_point deadline);
  // At least one byte, at most `capacity`, within the deadline.
  Result<std::size_t> ReadSome(std::uint8_t* out, std::size_t capacity,
                               std::chrono::steady_clock::time_point deadline);
  // Marks the connection unusable and returns `status`.
  Status Break(Status status);
  // The spin window for the next answer, from the recent answer times and
  // the number of other threads of the process waiting for an answer.
  std::chrono::microseconds SpinWindow(int other_waiters) const;
  void RecordAnswerTime(std::chrono::steady_clock::duration took);

  UniqueFd fd_;
  std::filesystem::path socket_;
  Options options_;
  Bytes rx_;                                     // receive buffer, reused across answers
  std::chrono::microseconds typical_answer_{0};  // moving average
};

struct SimSocketEntry {
  std::uint32_t serial = 0;
  std::filesystem::path path;
};

// The token sockets ("<serial>.sock") in a simulator run directory, sorted by
// serial. A missing directory has none.
Result<std::vector<SimSocketEntry>> ListSimSockets(const std::filesystem::path& run_dir);

}  // namespace tessera::host
