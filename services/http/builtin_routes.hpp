// The server's own endpoints, added to a Router by tesserad:
//   GET /healthz  runs every probe: 200 {"status":"ok","probes":{"directory":"ok",...}},
//                 or 503 problem+json naming the first failing probe
//   GET /metrics  the Prometheus text of `metrics`
// The probes are passed in (the directory's Ping, an HSM session check) so
// that services/http knows neither. Probes must be thread-safe; the
// referenced Metrics must outlive the router.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/status.hpp"
#include "services/http/metrics.hpp"
#include "services/http/router.hpp"

namespace tessera::http {

struct HealthProbe {
  std::string name;  // "directory", "hsm"
  std::function<Status()> check;
};

void AddBuiltinRoutes(Router& router, const Metrics& metrics, std::vector<HealthProbe> probes);

}  // namespace tessera::http
