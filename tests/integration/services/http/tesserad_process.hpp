// TesseradProcess: the real tesserad binary started by a test, with its
// stderr in a file, and the addresses it bound (port 0 resolved) read from
// its "listening on" lines. Killed (SIGKILL) if still running when the
// object goes away. Also raw-socket helpers for the bytes the HTTP tests
// send. Thread-compatible.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "common/unique_fd.hpp"

namespace tessera::testing {

class TesseradProcess {
 public:
  // Starts `tesserad args...` with stdout and stderr in `log_dir`.
  TesseradProcess(const std::vector<std::string>& args, const std::filesystem::path& log_dir);
  ~TesseradProcess();
  TesseradProcess(const TesseradProcess&) = delete;
  TesseradProcess& operator=(const TesseradProcess&) = delete;

  // Waits until the daemon has printed `count` "listening on" lines (true),
  // or exited, or the time ran out (false).
  bool WaitListening(std::size_t count,
                     std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // "https://127.0.0.1:41234", ..., in the order of the --listen flags.
  std::vector<std::string> addresses() const;
  // The port of the first address starting with `scheme` ("https://", "http://").
  int PortOf(const std::string& scheme) const;

  void Signal(int signal) const;
  // The exit code (128 + signal when killed), or -1 when still running at the deadline.
  int Wait(std::chrono::milliseconds timeout);
  std::string Stderr() const;

 private:
  pid_t pid_ = -1;
  int exit_code_ = -1;
  std::filesystem::path stderr_path_;
};

// A connected TCP socket to 127.0.0.1:port, or a UNIX socket at `path`.
UniqueFd ConnectTcp(int port);
UniqueFd ConnectUnix(const std::string& path);
bool SendAll(int fd, const std::string& bytes);
// Reads until the peer closes, `timeout` passes, or (when `until_response`)
// one whole HTTP response (header and Content-Length body) has arrived.
std::string Receive(int fd, std::chrono::milliseconds timeout, bool until_response = false);
// True when the peer closed (EOF or reset) within `timeout`.
bool ClosedWithin(int fd, std::chrono::milliseconds timeout);

}  // namespace tessera::testing
