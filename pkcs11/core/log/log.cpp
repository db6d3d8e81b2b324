#include "pkcs11/core/log/log.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <string>
#include <system_error>
#include <utility>

#include "common/unique_fd.hpp"
#include "pkcs11/core/log/log_line.hpp"
#include "pkcs11/core/log/log_spec.hpp"

namespace tessera::p11::log {
namespace {

constexpr int kOff = -1;

// The one sink. `fd` is where records go: STDERR_FILENO (not owned) or
// `file.get()`. Guarded by `mutex`; `threshold` is also written only under
// it, but read without it by Enabled().
struct Sink {
  std::mutex mutex;
  UniqueFd file;
  int fd = -1;
  std::atomic<int> threshold{kOff};
};

Sink& TheSink() {
  static Sink sink;
  return sink;
}

// write(2) until done: one call in practice (O_APPEND files and pipes under
// PIPE_BUF write whole). Errors are dropped: a log must not fail the caller.
void WriteAll(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    text.remove_prefix(static_cast<std::size_t>(n));
  }
}

void Complain(const std::string& what) {
  WriteAll(STDERR_FILENO, "tessera-pkcs11: TESSERA_LOG ignored, logging off: " + what + "\n");
}

// A thread holding the lock when another forks would leave the child's copy
// locked forever; take it across fork() instead.
void LockForFork() { TheSink().mutex.lock(); }
void UnlockAfterFork() { TheSink().mutex.unlock(); }
void RegisterForkHandlers() { ::pthread_atfork(&LockForFork, &UnlockAfterFork, &UnlockAfterFork); }

void Install(int threshold, UniqueFd file, int fd) {
  Sink& sink = TheSink();
  std::lock_guard<std::mutex> lock(sink.mutex);
  sink.file = std::move(file);
  sink.fd = fd;
  sink.threshold.store(threshold, std::memory_order_relaxed);
}

}  // namespace

void ConfigureFromEnvironment() {
  static std::once_flag fork_handlers;
  std::call_once(fork_handlers, &RegisterForkHandlers);

  // secure_getenv: a setuid program must not let its caller pick a file to append to.
  const char* value = ::secure_getenv("TESSERA_LOG");
  const Result<LogSpec> spec = ParseLogSpec(value != nullptr ? value : "");
  if (!spec.ok()) {
    Complain(spec.status().message());
    Install(kOff, UniqueFd(), -1);
    return;
  }
  if (!spec->level) {
    Install(kOff, UniqueFd(), -1);
    return;
  }
  const int threshold = static_cast<int>(*spec->level);
  if (spec->path.empty()) {
    Install(threshold, UniqueFd(), STDERR_FILENO);
    return;
  }
  UniqueFd file(
      ::open(spec->path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0600));
  if (!file.valid()) {
    const int error = errno;
    Complain("cannot open " + spec->path + ": " +
             std::error_code(error, std::generic_category()).message());
    Install(kOff, UniqueFd(), -1);
    return;
  }
  const int fd = file.get();
  Install(threshold, std::move(file), fd);
}

void Shutdown() { Install(kOff, UniqueFd(), -1); }

bool Enabled(Level level) {
  return static_cast<int>(level) <= TheSink().threshold.load(std::memory_order_relaxed);
}

void Write(Level level, std::string_view message) {
  if (!Enabled(level)) return;
  const std::string line =
      FormatLogLine(level, std::chrono::system_clock::now(), static_cast<long>(::getpid()),
                    static_cast<long>(::gettid()), message);
  Sink& sink = TheSink();
  std::lock_guard<std::mutex> lock(sink.mutex);
  // Checked again under the lock: Shutdown may have run since the first check.
  if (sink.fd < 0 || !Enabled(level)) return;
  WriteAll(sink.fd, line);
}

void Notice(std::string_view message) {
  WriteAll(STDERR_FILENO, "tessera-pkcs11: " + std::string(message) + "\n");
  if (!Enabled(Level::kError)) return;
  bool to_stderr = false;
  {
    std::lock_guard<std::mutex> lock(TheSink().mutex);
    to_stderr = TheSink().fd == STDERR_FILENO;
  }
  if (!to_stderr) Write(Level::kError, message);
}

}  // namespace tessera::p11::log
