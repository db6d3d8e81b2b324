#include "tests/bench/pkcs11/op_loop.hpp"

#include <sys/resource.h>

namespace tessera::bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kWarmUp = 8;

}  // namespace

double ThreadCpuSeconds() {
  rusage usage{};
  ::getrusage(RUSAGE_THREAD, &usage);
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

Result<OpRate> RunOpLoop(const std::function<Status()>& op,
                         std::chrono::duration<double> duration) {
  for (int i = 0; i < kWarmUp; ++i) TESSERA_RETURN_IF_ERROR(op());
  OpRate rate;
  const auto start = Clock::now();
  const auto end = start + std::chrono::duration_cast<Clock::duration>(duration);
  const double cpu_start = ThreadCpuSeconds();
  auto now = start;
  while (now < end) {
    TESSERA_RETURN_IF_ERROR(op());
    ++rate.ops;
    now = Clock::now();
  }
  rate.seconds = std::chrono::duration<double>(now - start).count();
  rate.per_second = static_cast<double>(rate.ops) / rate.seconds;
  rate.cpu_us_per_op = 1e6 * (ThreadCpuSeconds() - cpu_start) / static_cast<double>(rate.ops);
  return rate;
}

}  // namespace tessera::bench
