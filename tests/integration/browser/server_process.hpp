// ServerProcess: a program a browser test runs in the background for as long
// as the test (openssl s_server, p11-kit server), with its stdout and stderr
// in one log file and its own process group.
//
// Start returns once the child runs; WaitForLine reads the log for the line
// that says it is ready. The destructor sends SIGTERM to the group, then
// SIGKILL after a grace period, and reaps the child. Used from the test
// thread only.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.hpp"

namespace tessera::testing {

class ServerProcess {
 public:
  // `argv[0]` from PATH; `env` (NAME=VALUE) on top of the caller's.
  static Result<std::unique_ptr<ServerProcess>> Start(const std::vector<std::string>& argv,
                                                      const std::vector<std::string>& env,
                                                      const std::filesystem::path& log);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // The first log line that starts with `prefix`; nullopt when the process
  // exits first or `limit` passes.
  std::optional<std::string> WaitForLine(std::string_view prefix,
                                         std::chrono::seconds limit = std::chrono::seconds(60));
  std::string Log() const;
  bool running();

 private:
  ServerProcess(pid_t pid, std::filesystem::path log) : pid_(pid), log_(std::move(log)) {}
  bool Reap(std::chrono::milliseconds limit);

  pid_t pid_ = -1;
  std::filesystem::path log_;
};

}  // namespace tessera::testing
