// softtoken_bench's parts (tests/bench/services/softtoken_bench.cpp; issue
// 15, seed 002): the options run-softtoken-bench passes, the figures each
// phase fills, and the timed loop they share.
//
//   HsmSign         the HSM's ES256 rate: hsm::SignEs256 (SHA-256 on the
//                   host, C_Sign CKM_ECDSA) with the soft-token issuer's own
//                   P-256 key, one session and one loop per thread;
//   IssueByCli      complete issuances through the real CLI: `tessera
//                   softtoken request` and `tessera softtoken confirm`
//                   processes, one pair of tokens (device, card) per thread;
//   IssueInProcess  the same protocol driven here over HTTPS (the device by
//                   DeviceToken on host::PivClient, the card's 9A key through
//                   TokenP11 signing the TLS handshake), one pair per thread;
//   PageLoad        --users threads on kept-alive mTLS connections: the page
//                   (GET /softtoken/, POST /softtoken/) and GET /healthz on
//                   the same connections as the baseline.
//
// Errors: a phase that cannot start fails its figure; a step that fails is
// counted, its first error kept, and the loop goes on. Run's step is called
// by one thread per worker, each on its own worker's state.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/status.hpp"
#include "tools/tessera/client/https_client.hpp"
#include "tools/tessera/client/token_p11.hpp"

namespace tessera::stbench {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string server, ca_file, module, hsm, tessera, work_dir, pin_file;
  std::string issuer_label = "tessera-softtoken-issuer";
  std::string format = "sd-jwt-vc";
  std::vector<std::uint32_t> devices, cards;  // pairs, in order
  double seconds = 5;
  double cli_seconds = 20;      // a CLI issuance waits the CLI's 1 s poll
  std::size_t threads = 2;      // in-process pairs and HSM threads
  std::size_t cli_threads = 2;  // CLI pairs at once
  std::size_t users = 50;       // the page's concurrent users
};

// Where a step's time went, in seconds, by name ("device", "card", "ch1"...).
struct Split {
  std::map<std::string, double> seconds;
  template <typename F>
  auto Timed(const std::string& name, F&& f) {
    const auto start = Clock::now();
    auto result = f();
    seconds[name] += std::chrono::duration<double>(Clock::now() - start).count();
    return result;
  }
  void Add(const Split& o) {
    for (const auto& [name, s] : o.seconds) seconds[name] += s;
  }
};

struct Figure {
  explicit Figure(std::string n) : name(std::move(n)) {}

  std::string name;
  std::size_t threads = 0;
  long ops = 0, failures = 0;
  double seconds = 0;
  Split split;
  std::vector<double> latency_ms;  // one per op, when the phase keeps them
  std::string error;               // the first

  double rate() const { return seconds > 0 ? static_cast<double>(ops) / seconds : 0; }
  // The p-th percentile (0..100) of latency_ms, nearest rank; 0 when empty.
  double Percentile(double p) const {
    if (latency_ms.empty()) return 0;
    std::vector<double> sorted = latency_ms;
    std::sort(sorted.begin(), sorted.end());
    const auto rank = static_cast<std::size_t>(p / 100.0 * static_cast<double>(sorted.size()));
    return sorted[std::min(rank, sorted.size() - 1)];
  }
  Figure& Failed(const Status& s) {
    ++failures;
    if (error.empty()) error = s.ToString();
    return *this;
  }
};

// Calls step(worker, split) on one thread per worker until `seconds` pass
// or the step answers false; each op's wall time goes to latency_ms.
inline Figure& Run(Figure& figure, std::size_t workers, double seconds,
                   const std::function<Result<bool>(std::size_t, Split&)>& step) {
  std::atomic<long> ops{0};
  std::mutex mutex;
  figure.threads = workers;
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::duration<double>(seconds);
  std::vector<std::thread> threads;
  for (std::size_t w = 0; w < workers; ++w) {
    threads.emplace_back([&, w] {
      Split mine;
      std::vector<double> latencies;
      while (Clock::now() < deadline) {
        const auto began = Clock::now();
        Result<bool> more = step(w, mine);
        if (more.ok() && !*more) break;
        if (more.ok()) {
          ++ops;
          latencies.push_back(
              std::chrono::duration<double, std::milli>(Clock::now() - began).count());
        } else {
          std::lock_guard<std::mutex> lock(mutex);
          figure.Failed(more.status());
        }
      }
      std::lock_guard<std::mutex> lock(mutex);
      figure.split.Add(mine);
      figure.latency_ms.insert(figure.latency_ms.end(), latencies.begin(), latencies.end());
    });
  }
  for (auto& t : threads) t.join();
  figure.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  figure.ops = ops.load();
  return figure;
}

// An ID card the CMS issued, logged in with the PIN, and its 9A certificate
// for HttpsClient: each handshake's signature is one C_Sign on the card,
// under `mutex` (TokenP11 is one thread at a time; the page's users share
// the cards). Not movable: the signer refers to the token.
struct Card {
  std::unique_ptr<cli::TokenP11> token;
  std::mutex mutex;
  cli::ClientCertificate certificate;  // its signer takes `mutex`
  std::atomic<long> handshakes{0};     // signatures made: one a full handshake
};
Result<std::unique_ptr<Card>> OpenCard(const Options& o, std::uint32_t serial);

Figure HsmSign(const Options& o);
Figure IssueByCli(const Options& o);
Figure IssueInProcess(const Options& o);
std::vector<Figure> PageLoad(const Options& o);

}  // namespace tessera::stbench
