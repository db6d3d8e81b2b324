#include "firmware-sim/sim/trace_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>

namespace tessera::sim {

Result<std::unique_ptr<TraceLog>> TraceLog::Open(const std::filesystem::path& path,
                                                 const Clock& clock) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600));
  if (!fd.valid()) {
    return Status::IoError("cannot open trace file " + path.string() + ": " +
                           std::strerror(errno));  // NOLINT(concurrency-mt-unsafe)
  }
  return std::unique_ptr<TraceLog>(new TraceLog(std::move(fd), clock));
}

std::string TraceLog::Timestamp(Clock::TimePoint t) {
  using std::chrono::duration_cast;
  auto since_epoch = t.time_since_epoch();
  auto seconds = duration_cast<std::chrono::seconds>(since_epoch);
  auto micros = duration_cast<std::chrono::microseconds>(since_epoch - seconds).count();
  if (micros < 0) {  // before 1970: borrow a second so the fraction stays positive
    seconds -= std::chrono::seconds(1);
    micros += 1'000'000;
  }
  auto tt = static_cast<std::time_t>(seconds.count());
  std::tm tm{};
  ::gmtime_r(&tt, &tm);
  char date[32];
  (void)std::strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
  char fraction[16];
  (void)std::snprintf(fraction, sizeof(fraction), ".%06dZ", static_cast<int>(micros % 1'000'000));
  return std::string(date) + fraction;
}

void TraceLog::Write(std::uint32_t serial, std::string_view event, std::string_view hex) {
  if (!enabled()) return;
  std::lock_guard lock(mu_);
  std::string line = Timestamp(clock_->Now());
  line += ' ';
  line += std::to_string(serial);
  line += ' ';
  line += event;
  if (!hex.empty()) {
    line += ' ';
    line += hex;
  }
  line += '\n';
  // One write per line; a failing trace (disk full) must not stop the token.
  std::size_t done = 0;
  while (done < line.size()) {
    ssize_t n = ::write(fd_.get(), line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace tessera::sim
