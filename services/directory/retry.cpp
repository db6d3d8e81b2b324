#include "services/directory/retry.hpp"

#include <algorithm>
#include <chrono>
#include <random>
#include <string>
#include <thread>

namespace tessera::directory {

Status RetryAborted(int max_attempts, const std::function<Status()>& attempt) {
  thread_local std::minstd_rand rng(std::random_device{}());
  const int attempts = std::max(1, max_attempts);
  Status status;
  for (int i = 1; i <= attempts; ++i) {
    status = attempt();
    if (status.code() != Code::kAborted) return status;
    if (i == attempts) break;
    std::uniform_int_distribution<int> pause_ms(0, std::min(5 * i, 50));
    std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms(rng)));
  }
  return Status::Aborted(status.message() + " (gave up after " + std::to_string(attempts) +
                         " attempts)");
}

}  // namespace tessera::directory
