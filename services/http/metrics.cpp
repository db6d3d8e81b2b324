#include "services/http/metrics.hpp"

#include <cstdio>
#include <mutex>

namespace tessera::http {
namespace {

// A label value, escaped as the text format asks ('\\', '"', '\n').
std::string Label(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

// Methods are client-chosen tokens: only the standard ones become label
// values, so a client cannot grow the number of series (RFC 9110 §9).
std::string_view MethodLabel(std::string_view method) {
  static constexpr std::string_view kKnown[] = {"GET",     "HEAD",    "POST",  "PUT",  "DELETE",
                                                "CONNECT", "OPTIONS", "TRACE", "PATCH"};
  for (std::string_view known : kKnown) {
    if (method == known) return known;
  }
  return "other";
}

std::string Number(double value) {
  char buffer[32];
  (void)std::snprintf(buffer, sizeof buffer, "%g", value);
  return buffer;
}

}  // namespace

template <typename Series>
Series& Metrics::Family<Series>::Get(const std::string& labels) {
  {
    std::shared_lock lock(mutex_);
    const auto it = series_.find(labels);
    if (it != series_.end()) return *it->second;
  }
  std::unique_lock lock(mutex_);
  auto& slot = series_[labels];
  if (!slot) slot = std::make_unique<Series>();
  return *slot;
}

template <typename Series>
template <typename Fn>
void Metrics::Family<Series>::ForEach(Fn fn) const {
  std::shared_lock lock(mutex_);
  for (const auto& [labels, series] : series_) fn(labels, *series);
}

void Metrics::ObserveRequest(std::string_view route, std::string_view method, int status,
                             std::chrono::steady_clock::duration duration) {
  const std::string route_label = "route=\"" + Label(route) + "\"";
  requests_
      .Get(route_label + ",method=\"" + std::string(MethodLabel(method)) + "\",status=\"" +
           std::to_string(status) + "\"")
      .fetch_add(1, std::memory_order_relaxed);
  Histogram& histogram = durations_.Get(route_label);
  const double seconds = std::chrono::duration<double>(duration).count();
  std::size_t bucket = 0;
  while (bucket < kBuckets.size() && seconds > kBuckets[bucket]) ++bucket;
  histogram.buckets[bucket].fetch_add(1, std::memory_order_relaxed);
  histogram.count.fetch_add(1, std::memory_order_relaxed);
  histogram.sum_micros.fetch_add(
      static_cast<std::uint64_t>(
          std::chrono::duration_cast<std::chrono::microseconds>(duration).count()),
      std::memory_order_relaxed);
}

void Metrics::ConnectionOpened() {
  open_connections_.fetch_add(1, std::memory_order_relaxed);
  connections_total_.fetch_add(1, std::memory_order_relaxed);
}

void Metrics::ConnectionClosed() { open_connections_.fetch_sub(1, std::memory_order_relaxed); }

void Metrics::CountHsmOperation(std::string_view operation, bool ok) {
  hsm_operations_
      .Get("operation=\"" + Label(operation) + "\",result=\"" + (ok ? "ok" : "error") + "\"")
      .fetch_add(1, std::memory_order_relaxed);
}

std::string Metrics::Render() const {
  std::string out;
  out +=
      "# HELP tessera_http_requests_total HTTP requests answered, by route pattern, method and "
      "status.\n# TYPE tessera_http_requests_total counter\n";
  requests_.ForEach([&](const std::string& labels, const std::atomic<std::uint64_t>& n) {
    out += "tessera_http_requests_total{" + labels + "} " + std::to_string(n.load()) + "\n";
  });
  out +=
      "# HELP tessera_http_request_duration_seconds Time from a request's last byte read to its "
      "answer written, by route pattern.\n"
      "# TYPE tessera_http_request_duration_seconds histogram\n";
  durations_.ForEach([&](const std::string& labels, const Histogram& h) {
    std::uint64_t cumulative = 0;
    const std::string name = "tessera_http_request_duration_seconds";
    for (std::size_t i = 0; i <= kBuckets.size(); ++i) {
      cumulative += h.buckets[i].load();
      const std::string le = i < kBuckets.size() ? Number(kBuckets[i]) : "+Inf";
      out +=
          name + "_bucket{" + labels + ",le=\"" + le + "\"} " + std::to_string(cumulative) + "\n";
    }
    out += name + "_sum{" + labels + "} " + Number(static_cast<double>(h.sum_micros.load()) / 1e6) +
           "\n";
    out += name + "_count{" + labels + "} " + std::to_string(h.count.load()) + "\n";
  });
  out +=
      "# HELP tessera_http_open_connections Connections open now.\n"
      "# TYPE tessera_http_open_connections gauge\n"
      "tessera_http_open_connections " +
      std::to_string(open_connections_.load()) + "\n";
  out +=
      "# HELP tessera_http_connections_total Connections accepted.\n"
      "# TYPE tessera_http_connections_total counter\n"
      "tessera_http_connections_total " +
      std::to_string(connections_total_.load()) + "\n";
  out +=
      "# HELP tessera_hsm_operations_total HSM operations, by operation and result.\n"
      "# TYPE tessera_hsm_operations_total counter\n";
  hsm_operations_.ForEach([&](const std::string& labels, const std::atomic<std::uint64_t>& n) {
    out += "tessera_hsm_operations_total{" + labels + "} " + std::to_string(n.load()) + "\n";
  });
  return out;
}

}  // namespace tessera::http
