// CliProcess: a tessera CLI command running in the background for a test,
// so the test can read what it prints while it waits (the device side of
// the soft-token flow prints the one-time password, then waits for the
// other channel). stdout and stderr go to files in `log_dir`; the process
// gets the caller's environment with `env` ("NAME=value") set. The
// destructor kills it (SIGKILL) if it still runs. Thread-compatible.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tessera::testing {

class CliProcess {
 public:
  CliProcess(const std::vector<std::string>& argv, const std::vector<std::string>& env,
             const std::filesystem::path& log_dir);
  ~CliProcess();
  CliProcess(const CliProcess&) = delete;
  CliProcess& operator=(const CliProcess&) = delete;

  // The rest of the first stdout line that starts with `prefix`, once it is
  // there; nullopt when the process ended without it or the time ran out.
  std::optional<std::string> WaitForLine(const std::string& prefix,
                                         std::chrono::milliseconds timeout);
  // The exit code (128 + signal when killed), or -1 at the deadline.
  int Wait(std::chrono::milliseconds timeout);
  void Kill();
  std::string Stdout() const;
  std::string Stderr() const;

 private:
  bool Reap(bool block);

  pid_t pid_ = -1;
  int exit_code_ = -1;
  std::filesystem::path out_, err_;
};

}  // namespace tessera::testing
