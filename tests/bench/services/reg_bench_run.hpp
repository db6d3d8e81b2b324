// reg_bench's harness (tests/bench/services/reg_bench.cpp): the per-token
// workers (a tessera-sim socket with host::PivClient, the PIN verified, and
// a keep-alive HTTPS connection to tesserad), a timed loop over them, and
// the printed figures. A bench's header: inline, one includer.
//
// Errors: OpenWorkers fails on the first token or connection that does;
// a step that fails is counted, its first error kept, and the loop goes
// on. Run's step is called by one thread per worker, each on its own worker.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/status.hpp"
#include "host/card/apdu_channel.hpp"
#include "host/card/piv_client.hpp"
#include "host/transport/sim_socket_transport.hpp"
#include "services/jose/jws.hpp"
#include "tools/tessera/client/https_client.hpp"

namespace tessera::bench {

using Clock = std::chrono::steady_clock;

inline constexpr char kPin[] = "123456";  // tessera-sim's factory PIN

struct Options {
  std::string server, ca_file, sim_run;
  std::vector<std::uint32_t> tokens;
};

struct Worker {
  std::uint32_t serial = 0;
  std::string name;
  std::unique_ptr<host::SimSocketTransport> transport;
  std::unique_ptr<host::ApduChannel> channel;
  std::unique_ptr<host::PivClient> piv;
  std::optional<cli::HttpsClient> http;
  host::SecretKeyInfo key;                                 // K, after registering
  std::vector<std::pair<std::string, std::string>> codes;  // user, enrolment code
  std::size_t next_code = 0;
};

inline Result<std::vector<Worker>> OpenWorkers(const Options& o) {
  std::vector<Worker> out;
  for (std::uint32_t serial : o.tokens) {
    Worker w;
    w.serial = serial;
    w.name = std::to_string(serial);
    TESSERA_ASSIGN_OR_RETURN(w.transport,
                             host::SimSocketTransport::Connect(o.sim_run + "/" + w.name + ".sock"));
    host::ApduChannel::Options channel;
    channel.extended_length = true;
    w.channel = std::make_unique<host::ApduChannel>(*w.transport, channel);
    w.piv = std::make_unique<host::PivClient>(*w.channel);
    TESSERA_RETURN_IF_ERROR(w.piv->Select().status());
    TESSERA_RETURN_IF_ERROR(
        w.piv->VerifyPin(ByteView(reinterpret_cast<const std::uint8_t*>(kPin), sizeof kPin - 1)));
    TESSERA_ASSIGN_OR_RETURN(cli::HttpsClient http,
                             cli::HttpsClient::Connect({o.server, o.ca_file, std::nullopt, 60}));
    w.http.emplace(std::move(http));
    out.push_back(std::move(w));
  }
  return out;
}

// Where one step's time went: on the token, in HTTPS round trips (seconds).
struct Split {
  double token = 0, http = 0;
  template <typename F>
  auto Token(F&& f) {
    return Timed(token, f);
  }
  template <typename F>
  auto Http(F&& f) {
    return Timed(http, f);
  }

 private:
  template <typename F>
  static auto Timed(double& into, F& f) {
    const auto start = Clock::now();
    auto result = f();
    into += std::chrono::duration<double>(Clock::now() - start).count();
    return result;
  }
};

struct Figure {
  explicit Figure(std::string n) : name(std::move(n)) {}

  std::string name;
  std::size_t threads = 0;
  long ops = 0, failures = 0;
  double seconds = 0;
  Split split;
  std::string error;  // the first

  double rate() const { return seconds > 0 ? static_cast<double>(ops) / seconds : 0; }
  Figure& Failed(const Status& s) {
    ++failures;
    if (error.empty()) error = s.ToString();
    return *this;
  }
};

// Calls step(worker, split) on one thread per worker until `seconds` pass
// or the step answers false (nothing left to do); fills `figure`.
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
      while (Clock::now() < deadline) {
        Result<bool> more = step(w, mine);
        if (more.ok() && !*more) break;
        std::lock_guard<std::mutex> lock(mutex);
        if (more.ok()) {
          ++ops;
        } else {
          figure.Failed(more.status());
        }
      }
      std::lock_guard<std::mutex> lock(mutex);
      figure.split.token += mine.token;
      figure.split.http += mine.http;
    });
  }
  for (auto& t : threads) t.join();
  figure.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  figure.ops = ops.load();
  return figure;
}

inline const Figure* Find(const std::vector<Figure>& figures, const std::string& name) {
  for (const Figure& f : figures) {
    if (f.name == name && f.ops > 0) return &f;
  }
  return nullptr;
}

// One line per figure, then the ratios whose both sides were measured.
// Exit status 0 when nothing failed.
inline int Report(const std::vector<Figure>& figures, std::size_t threads) {
  bool failed = false;
  for (const Figure& f : figures) {
    std::printf("reg-bench %s threads=%zu ops=%ld failures=%ld seconds=%.2f ops/s=%.1f",
                f.name.c_str(), f.threads, f.ops, f.failures, f.seconds, f.rate());
    if (f.ops > 0 && f.split.token + f.split.http > 0) {
      std::printf(" per_op_ms: token=%.2f http=%.2f", 1000 * f.split.token / f.ops,
                  1000 * f.split.http / f.ops);
    }
    std::printf("\n");
    if (f.failures > 0 || f.ops == 0) {
      failed = true;
      std::fprintf(stderr, "reg_bench: %s: %ld failed; first error: %s\n", f.name.c_str(),
                   f.failures, f.error.empty() ? "(none, nothing done)" : f.error.c_str());
    }
  }
  const Figure* hsm = Find(figures, "hsm-ecdh");
  const Figure* token = Find(figures, "token-ecdh");
  const Figure* healthz = Find(figures, "https-healthz");
  auto ratio = [&](const char* name, const char* base, double bound) {
    if (const Figure* f = Find(figures, name); f && bound > 0) {
      std::printf("reg-bench ratio %s/%s=%.3f\n", name, base, f->rate() / bound);
    }
  };
  if (hsm && token) {
    const double bound = std::min(hsm->rate(), token->rate());
    ratio("login", "min(hsm-ecdh,token-ecdh)", bound);
    ratio("register", "min(hsm-ecdh,token-ecdh)", bound);
  }
  if (healthz) {
    ratio("session-entitlements", "https-healthz", healthz->rate());
    ratio("session-app-echo", "https-healthz", healthz->rate());
  }
  std::printf("reg-bench threads=%zu\n", threads);
  return failed ? 1 : 0;
}

}  // namespace tessera::bench
