// Test harness around the real tessera-sim binary: a temporary directory, a
// running simulator that is stopped when it goes out of scope, one-shot runs
// (ctl commands, start-ups that must fail), and a raw frame client for
// tests that misbehave on purpose.
//
// The binary is $TESSERA_BUILD_DIR/firmware-sim/sim/tessera-sim (ctest sets
// TESSERA_BUILD_DIR), else the path CMake compiled in. Every object owns what
// it started: TempDir removes its tree, SimProcess sends SIGTERM and reaps
// the process, RawClient closes its socket. Used from one test thread, but
// SimProcess::Connect may be called from several.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/bytes.hpp"
#include "common/unique_fd.hpp"
#include "host/transport/sim_socket_transport.hpp"
#include "tests/support/temp_dir.hpp"

namespace tessera::testing {

std::filesystem::path SimBinary();

// mkdtemp under /tmp (short, because socket paths are limited to 107 bytes).
using ::tessera::testing::TempDir;  // tests/support/temp_dir.hpp

struct ProcessResult {
  int exit_code = -1;  // 128 + signal when killed
  std::string out;
  std::string err;
};

// Runs tessera-sim with `args` to completion; kills it after `timeout`.
ProcessResult RunSim(const std::vector<std::string>& args,
                     std::chrono::seconds timeout = std::chrono::seconds(120));

class SimProcess {
 public:
  // Starts `tessera-sim --state STATE --run-dir RUN extra...` and waits until
  // RUN/tessera-sim.ctl accepts connections (the simulator's ready signal).
  static Result<std::unique_ptr<SimProcess>> Start(const std::filesystem::path& state_dir,
                                                   const std::filesystem::path& run_dir,
                                                   const std::vector<std::string>& extra = {});
  ~SimProcess();
  SimProcess(const SimProcess&) = delete;
  SimProcess& operator=(const SimProcess&) = delete;

  // SIGTERM, then the exit code (SIGKILL and 128+9 if it does not stop).
  int Stop();
  bool running() const { return pid_ > 0; }
  std::string Stderr() const;
  const std::filesystem::path& run_dir() const { return run_dir_; }

  // Serials of the token sockets in the run directory.
  std::vector<std::uint32_t> Serials() const;
  std::filesystem::path SocketPath(std::uint32_t serial) const;
  Result<std::unique_ptr<host::SimSocketTransport>> Connect(std::uint32_t serial) const;
  // `tessera-sim ctl --run-dir RUN args...`
  ProcessResult Ctl(const std::vector<std::string>& args) const;

 private:
  SimProcess(pid_t pid, std::filesystem::path run_dir, std::filesystem::path log)
      : pid_(pid), run_dir_(std::move(run_dir)), log_(std::move(log)) {}

  pid_t pid_ = -1;
  std::filesystem::path run_dir_;
  std::filesystem::path log_;  // the simulator's stderr
};

// A client that writes raw bytes and reads raw frames, for tests of the
// framing itself (half frames, garbage, clients that vanish).
class RawClient {
 public:
  static Result<RawClient> Connect(const std::filesystem::path& socket);
  Status Write(ByteView bytes);
  Status WriteFrame(ByteView payload);
  // The next frame's payload; kIoError on timeout or when the server closed.
  Result<Bytes> ReadFrame(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // True when the server closed the connection within `timeout`.
  bool ClosedByServer(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  void Close() { fd_.Reset(); }

 private:
  explicit RawClient(UniqueFd fd) : fd_(std::move(fd)) {}
  Status ReadExactly(std::uint8_t* out, std::size_t n, std::chrono::milliseconds timeout);
  UniqueFd fd_;
};

std::string ReadFile(const std::filesystem::path& path);

}  // namespace tessera::testing
