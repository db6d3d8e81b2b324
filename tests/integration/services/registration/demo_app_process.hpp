// DemoAppProcess: the real tessera-demo-app binary started by a test on
// 127.0.0.1 port 0, its stdout and stderr in files of `dir`; port() is the
// first line it printed. SIGKILLed if still running when the object goes.
// Thread-compatible.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>

namespace tessera::testing {

class DemoAppProcess {
 public:
  DemoAppProcess(const std::string& binary, const std::filesystem::path& dir);
  ~DemoAppProcess();
  DemoAppProcess(const DemoAppProcess&) = delete;
  DemoAppProcess& operator=(const DemoAppProcess&) = delete;

  // Waits for the port line: true once printed, false when the process
  // exited or the time ran out.
  bool WaitReady(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  int port() const { return port_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  void Signal(int signal) const;
  // The exit code (128 + signal when killed), or -1 if still running at the deadline.
  int Wait(std::chrono::milliseconds timeout);
  std::string Stderr() const;

 private:
  pid_t pid_ = -1;
  int exit_code_ = -1;
  int port_ = 0;
  std::filesystem::path out_;
  std::filesystem::path err_;
};

}  // namespace tessera::testing
