// Metrics: the counters tesserad serves at GET /metrics in the Prometheus
// text format 0.0.4 (docs/http.md lists the names):
//
//   tessera_http_requests_total{route,method,status}      counter
//   tessera_http_request_duration_seconds{route}          histogram
//   tessera_http_open_connections                         gauge
//   tessera_http_connections_total                        counter
//   tessera_hsm_operations_total{operation,result}        counter
//
// `route` is the router's pattern ("/ca/{name}/ocsp"), never the path, so
// the number of series is bounded; requests that match no route count under
// route="unmatched", and methods outside RFC 9110's as method="other".
// Thread-safe; the hot path is atomic increments (a
// shared lock only to find an existing series).
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>

namespace tessera::http {

class Metrics {
 public:
  Metrics() = default;
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  void ObserveRequest(std::string_view route, std::string_view method, int status,
                      std::chrono::steady_clock::duration duration);
  void ConnectionOpened();
  void ConnectionClosed();
  // An HSM operation's outcome ("sign", "generate", "login"...).
  void CountHsmOperation(std::string_view operation, bool ok);

  std::int64_t open_connections() const { return open_connections_.load(); }
  // The exposition text, "text/plain; version=0.0.4".
  std::string Render() const;

  // Upper bounds of the latency buckets, seconds (+Inf is implicit).
  static constexpr std::array<double, 12> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                      0.1,   0.25,   0.5,   1,    2.5,   10};

 private:
  struct Histogram {
    std::array<std::atomic<std::uint64_t>, kBuckets.size() + 1> buckets{};  // last: +Inf
    std::atomic<std::uint64_t> count{0};
    std::atomic<std::uint64_t> sum_micros{0};
  };
  // A family of series keyed by their label text; series are never removed.
  template <typename Series>
  class Family {
   public:
    Series& Get(const std::string& labels);
    template <typename Fn>
    void ForEach(Fn fn) const;

   private:
    mutable std::shared_mutex mutex_;
    std::map<std::string, std::unique_ptr<Series>> series_;
  };

  Family<std::atomic<std::uint64_t>> requests_;
  Family<Histogram> durations_;
  Family<std::atomic<std::uint64_t>> hsm_operations_;
  std::atomic<std::int64_t> open_connections_{0};
  std::atomic<std::uint64_t> connections_total_{0};
};

}  // namespace tessera::http
