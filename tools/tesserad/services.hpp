// The services tesserad can run, by the name `services =` / --services uses,
// each a function that adds its routes to the router. The table is the one
// place a service is wired in (services.cpp); an unknown name is a config
// error (exit 2).
//
// A registration runs once, before the server starts, on the main thread;
// the handlers it adds run on server threads and must be thread-safe. What
// the context points to outlives the server.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "common/status.hpp"
#include "services/ca/ca_service.hpp"
#include "services/directory/database.hpp"
#include "services/http/metrics.hpp"
#include "services/http/router.hpp"
#include "services/runtime/hsm_access.hpp"
#include "tools/tesserad/config.hpp"
#include "tools/tesserad/maintenance.hpp"

namespace tessera::tesserad {

class BoundUrl {
 public:
  void Set(std::string url) {
    std::lock_guard<std::mutex> lock(mutex_);
    url_ = std::move(url);
  }
  std::string Get() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return url_;
  }

 private:
  mutable std::mutex mutex_;
  std::string url_;
};

struct ServiceContext {
  std::shared_ptr<directory::Database> database;
  http::Metrics& metrics;  // CountHsmOperation for HSM calls
  // The process's way to its HSMs (loaded when `hsm` or `services` is
  // configured; null otherwise). Open(name) is thread-safe.
  const runtime::HsmAccess* hsm;
  const DaemonConfig& config;
  // Periodic work (CRL refresh); null in tests that only build routes.
  Maintenance* maintenance = nullptr;
  // The one CaService of the process, made by the first service that needs
  // it (ca, cms): they share its caches and HSM sessions.
  std::shared_ptr<ca::CaService> ca_service;
  // The first listener's URL as bound ("https://127.0.0.1:41234"), set by
  // main once the server has bound its sockets; services that name their own
  // URL in what they sign (softtoken) read it when they are not configured
  // with one.
  std::shared_ptr<BoundUrl> bound_url = std::make_shared<BoundUrl>();
};

using RegisterService = std::function<Status(http::Router&, ServiceContext&)>;

const std::map<std::string, RegisterService>& ServiceTable();
std::set<std::string> ServiceNames();

}  // namespace tessera::tesserad
