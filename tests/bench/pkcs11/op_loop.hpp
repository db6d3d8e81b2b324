// A timed loop for one operation on one thread: a few warm-up calls, then
// the operation as often as it runs in `duration`, with the wall time and
// the thread's own CPU time (getrusage RUSAGE_THREAD). The first error
// stops the loop and is the result: a benchmark of failures is worthless.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

#include "common/status.hpp"

namespace tessera::bench {

struct OpRate {
  std::uint64_t ops = 0;
  double seconds = 0;
  double per_second = 0;
  double cpu_us_per_op = 0;
};

Result<OpRate> RunOpLoop(const std::function<Status()>& op, std::chrono::duration<double> duration);

// The calling thread's CPU time so far, user + system, in seconds.
double ThreadCpuSeconds();

}  // namespace tessera::bench
