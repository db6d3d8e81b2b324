#include "services/http/builtin_routes.hpp"

#include <memory>
#include <nlohmann/json.hpp>

#include "services/http/json_body.hpp"

namespace tessera::http {

void AddBuiltinRoutes(Router& router, const Metrics& metrics, std::vector<HealthProbe> probes) {
  auto shared = std::make_shared<const std::vector<HealthProbe>>(std::move(probes));
  router.Add("GET", "/healthz", [shared](const Request&) -> Result<Response> {
    nlohmann::json results = nlohmann::json::object();
    for (const HealthProbe& probe : *shared) {
      Status status = probe.check();
      if (!status.ok()) {
        // Whatever the probe's own code, an unhealthy dependency is 503.
        return Status::Unavailable("health probe " + probe.name + " failed: " + status.ToString());
      }
      results[probe.name] = "ok";
    }
    Response response = JsonResponse({{"status", "ok"}, {"probes", results}});
    response.headers.emplace_back("Cache-Control", "no-store");
    return response;
  });
  router.Add("GET", "/metrics", [&metrics](const Request&) -> Result<Response> {
    Response response;
    response.content_type = "text/plain; version=0.0.4; charset=utf-8";
    response.body = metrics.Render();
    response.headers.emplace_back("Cache-Control", "no-store");
    return response;
  });
}

}  // namespace tessera::http
