// tesserad: the issuance platform's daemon (docs/tesserad.md), the
// composition root. It reads the configuration (file, then flags), opens the
// directory and the HSM, adds the configured services' routes and the
// built-in /healthz and /metrics, and serves until SIGTERM.
//
// Exit codes: 0 stopped by SIGTERM/SIGINT after draining; 1 a startup
// failure (a file that cannot be read, an address in use, the directory or
// HSM unreachable); 2 a usage or configuration error (naming the key and the
// line or flag).
#include <CLI/CLI.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <memory>
#include <sstream>

#include "common/version/build_info.hpp"
#include "services/audit/checkpoint_key.hpp"
#include "services/audit/checkpointer.hpp"
#include "services/directory/database.hpp"
#include "services/http/access_log.hpp"
#include "services/http/builtin_routes.hpp"
#include "services/http/metrics.hpp"
#include "services/http/server.hpp"
#include "services/runtime/home.hpp"
#include "services/runtime/hsm_access.hpp"
#include "tools/tesserad/config.hpp"
#include "tools/tesserad/maintenance.hpp"
#include "tools/tesserad/services.hpp"

namespace tessera::tesserad {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

int Fail(int code, const std::string& what, const Status& status) {
  (void)std::fprintf(stderr, "tesserad: %s%s\n", what.c_str(),
                     status.ok() ? "" : status.message().c_str());
  return code;
}

// The configuration from --config FILE and the flags; exit code on failure.
Result<DaemonConfig> LoadConfig(const std::string& config_file, const Settings& flags) {
  Settings file;
  if (!config_file.empty()) {
    std::ifstream in(config_file, std::ios::binary);
    if (!in) return Status::InvalidArgument("cannot read the config file " + config_file);
    std::stringstream text;
    text << in.rdbuf();
    TESSERA_ASSIGN_OR_RETURN(file, ParseConfigFile(text.str(), config_file));
  }
  return BuildConfig(Merge(std::move(file), flags), ServiceNames());
}

// The directory (migrate=false: tesserad refuses a schema older than its
// build; `tessera directory migrate` upgrades it).
Result<std::shared_ptr<directory::Database>> OpenDirectoryDatabase(const DaemonConfig& config,
                                                                   const runtime::Home* home) {
  // The same order as the tessera CLI, so the daemon and the operator's
  // commands find the same directory: the key or flag, then
  // TESSERA_DIRECTORY or tessera.conf's `directory` (runtime::LoadSettings),
  // then TESSERA_HOME's SQLite file.
  std::string url = config.directory;
  if (url.empty()) {
    if (home == nullptr) return Status::InvalidArgument("no directory URL and no home");
    TESSERA_ASSIGN_OR_RETURN(runtime::Settings settings, runtime::LoadSettings(*home));
    url =
        settings.directory.empty() ? "sqlite:" + home->directory_db().string() : settings.directory;
  }
  directory::DatabaseOptions options;
  options.migrate = false;
  TESSERA_ASSIGN_OR_RETURN(std::unique_ptr<directory::Database> database,
                           directory::OpenDatabase(url, options));
  return std::shared_ptr<directory::Database>(std::move(database));
}

int Serve(const DaemonConfig& config) {
  if (!config.home.empty() && ::setenv("TESSERA_HOME", config.home.c_str(), 1) != 0) {
    return Fail(kExitFailed, "cannot set TESSERA_HOME", Status::Ok());
  }
  std::unique_ptr<runtime::Home> home;
  const bool needs_hsm = !config.hsm.empty() || !config.services.empty();
  if (config.directory.empty() || needs_hsm) {
    Result<runtime::Home> opened = runtime::OpenHome();
    if (!opened.ok()) return Fail(kExitFailed, "TESSERA_HOME: ", opened.status());
    home = std::make_unique<runtime::Home>(std::move(opened).value());
  }
  Result<std::shared_ptr<directory::Database>> database = OpenDirectoryDatabase(config, home.get());
  if (!database.ok()) return Fail(kExitFailed, "directory: ", database.status());

  std::unique_ptr<runtime::HsmAccess> hsm;
  if (!config.hsm.empty()) {
    if (Status name = runtime::CheckHsmName(config.hsm); !name.ok()) {
      return Fail(kExitUsage, "hsm: ", name);
    }
  }
  if (needs_hsm) {
    Result<runtime::Settings> settings = runtime::LoadSettings(*home);
    if (!settings.ok()) return Fail(kExitFailed, "settings: ", settings.status());
    Result<runtime::HsmAccess> access = runtime::HsmAccess::Load(*home, *settings);
    if (!access.ok()) return Fail(kExitFailed, "hsm: ", access.status());
    hsm = std::make_unique<runtime::HsmAccess>(std::move(access).value());
  }
  if (!config.hsm.empty()) {
    // A wrong PIN or a missing token stops the start, not the first request.
    if (auto token = hsm->Open(config.hsm); !token.ok()) {
      return Fail(kExitFailed, "hsm " + config.hsm + ": ", token.status());
    }
  }

  Result<std::unique_ptr<http::AccessLog>> access_log = http::AccessLog::Open(config.access_log);
  if (!access_log.ok()) return Fail(kExitFailed, "access_log: ", access_log.status());

  http::Metrics metrics;
  http::Router router;
  Maintenance maintenance;
  ServiceContext context{*database, metrics, hsm.get(), config, &maintenance, nullptr};
  for (const std::string& name : config.services) {
    if (Status added = ServiceTable().at(name)(router, context); !added.ok()) {
      return Fail(kExitFailed, "service " + name + ": ", added);
    }
  }
  std::vector<http::HealthProbe> probes;
  directory::Database* db = database->get();
  probes.push_back({"directory", [db] { return db->Ping(); }});
  if (!config.hsm.empty()) {
    probes.push_back({"hsm", [access = hsm.get(), name = config.hsm]() -> Status {
                        auto token = access->Open(name);
                        return token.ok() ? Status::Ok() : token.status();
                      }});
  }
  http::AddBuiltinRoutes(router, metrics, std::move(probes));

  Result<std::unique_ptr<http::Server>> server =
      http::Server::Create(config.server, router, metrics, access_log->get());
  if (!server.ok()) return Fail(kExitFailed, "", server.status());
  http::Server* running = server->get();
  http::AccessLog* log = access_log->get();
  running->OnSignals({SIGTERM, SIGINT, SIGHUP}, [running, log](int signal) {
    if (signal == SIGHUP) {
      if (Status reopened = log->Reopen(); !reopened.ok()) {
        (void)std::fprintf(stderr, "tesserad: SIGHUP: %s\n", reopened.message().c_str());
      }
      return;
    }
    (void)std::fprintf(stderr, "tesserad: stopping: draining requests in flight\n");
    running->Stop();
  });
  for (const std::string& address : running->BoundAddresses()) {
    (void)std::fprintf(stderr, "tesserad: listening on %s\n", address.c_str());
  }
  if (!running->BoundAddresses().empty()) context.bound_url->Set(running->BoundAddresses().front());
  (void)std::fprintf(stderr, "tesserad: directory %s\n", (*database)->Describe().c_str());
  (void)std::fflush(stderr);
  // Audit checkpoints (docs/audit.md): the HSM signs the head every 1000
  // records or 300 s, checked every 30 s. Off, with a notice, until the
  // checkpoint key exists (`tessera audit init --hsm NAME`): tesserad never
  // makes an unpinned key of its own.
  std::unique_ptr<audit::Checkpointer> checkpointer;
  if (hsm && !config.hsm.empty()) {
    auto token = hsm->Open(config.hsm);
    if (token.ok() && audit::FindCheckpointKey(token->session(), audit::kDefaultKeyLabel).ok()) {
      checkpointer = std::make_unique<audit::Checkpointer>(
          **database, *hsm, audit::CheckpointerOptions{config.hsm, audit::kDefaultKeyLabel, {}});
      maintenance.Add("audit", std::chrono::seconds(30), [cp = checkpointer.get()]() -> Status {
        return cp->MaybeCheckpoint(static_cast<std::int64_t>(std::time(nullptr))).status();
      });
    } else {
      (void)std::fprintf(
          stderr,
          "tesserad: audit checkpoints off: no key '%s' on HSM %s (tessera audit init "
          "--hsm %s)\n",
          audit::kDefaultKeyLabel, config.hsm.c_str(), config.hsm.c_str());
    }
  }
  maintenance.Start();
  running->Run();
  maintenance.Stop();
  (void)std::fprintf(stderr, "tesserad: stopped\n");
  return kExitOk;
}

int Main(int argc, char** argv) {
  CLI::App app{"tesserad: the Tessera issuance daemon (docs/tesserad.md)"};
  app.set_version_flag("--version", [] { return VersionLine("tesserad"); });
  std::string config_file;
  app.add_option("--config", config_file, "configuration file (key = value, [sections])");
  // One flag per key; the value is kept raw and checked with the file's values.
  std::map<std::string, std::vector<std::string>> raw;
  for (const KeySpec& spec : ConfigKeys()) {
    auto* option = app.add_option(FlagFor(spec.key), raw[spec.key], spec.help);
    if (spec.list)
      option->delimiter(',');
    else
      option->expected(1);
  }
  app.footer("Exit codes: 0 stopped cleanly, 1 startup failure, 2 usage or configuration error.");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int shown = app.exit(e);
    return shown == 0 ? kExitOk : kExitUsage;
  }
  Settings flags;
  for (const auto& [key, values] : raw) {
    for (const std::string& value : values) flags[key].push_back({value, "flag " + FlagFor(key)});
  }
  Result<DaemonConfig> config = LoadConfig(config_file, flags);
  if (!config.ok()) return Fail(kExitUsage, "configuration: ", config.status());
  return Serve(*config);
}

}  // namespace
}  // namespace tessera::tesserad

int main(int argc, char** argv) {
  try {
    return tessera::tesserad::Main(argc, argv);
  } catch (const std::exception& e) {
    (void)std::fprintf(stderr, "tesserad: unexpected failure: %s\n", e.what());
    return 1;
  }
}
