#include "tests/bench/pkcs11/sign_loop.hpp"

#include <algorithm>
#include <atomic>
#include <latch>
#include <thread>
#include <vector>

#include "tests/bench/pkcs11/op_loop.hpp"

namespace tessera::bench {
namespace {

using Clock = std::chrono::steady_clock;

// Enough to load keys, fill caches and settle the first socket round trips.
constexpr int kWarmUp = 16;

struct Outcome {
  std::uint64_t signatures = 0;
  double seconds = 0;
  double cpu_seconds = 0;
  Status status;
};

void SignUntilStopped(const Signer& signer, ByteView input, std::latch& ready,
                      const std::atomic<bool>& go, const std::atomic<bool>& stop, Outcome& out) {
  Bytes signature;
  for (int i = 0; i < kWarmUp && out.status.ok(); ++i) {
    out.status = signer.session->Sign(*signer.spec, signer.key, input, signature);
  }
  ready.count_down();
  while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
  if (!out.status.ok()) return;
  const auto start = Clock::now();
  const double cpu_start = ThreadCpuSeconds();
  while (!stop.load(std::memory_order_relaxed)) {
    out.status = signer.session->Sign(*signer.spec, signer.key, input, signature);
    if (!out.status.ok()) break;
    ++out.signatures;
  }
  out.cpu_seconds = ThreadCpuSeconds() - cpu_start;
  out.seconds = std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

Result<SignRate> RunSignLoop(std::span<const Signer> signers, ByteView input,
                             std::chrono::duration<double> duration) {
  std::vector<Outcome> outcomes(signers.size());
  std::latch ready(static_cast<std::ptrdiff_t>(signers.size()));
  std::atomic<bool> go{false};
  std::atomic<bool> stop{false};
  {
    std::vector<std::jthread> threads;
    for (std::size_t i = 0; i < signers.size(); ++i) {
      threads.emplace_back(
          [&, i] { SignUntilStopped(signers[i], input, ready, go, stop, outcomes[i]); });
    }
    ready.wait();
    go.store(true, std::memory_order_release);
    std::this_thread::sleep_for(duration);
    stop.store(true, std::memory_order_relaxed);
  }  // joins
  SignRate rate;
  double cpu_seconds = 0;
  for (const Outcome& o : outcomes) {
    if (!o.status.ok()) return o.status;
    cpu_seconds += o.cpu_seconds;
    rate.signatures += o.signatures;
    rate.seconds = std::max(rate.seconds, o.seconds);
    if (o.seconds > 0) rate.per_second += static_cast<double>(o.signatures) / o.seconds;
  }
  if (rate.signatures > 0) {
    rate.cpu_us_per_signature = 1e6 * cpu_seconds / static_cast<double>(rate.signatures);
  }
  return rate;
}

}  // namespace tessera::bench
