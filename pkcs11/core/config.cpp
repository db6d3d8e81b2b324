#include "pkcs11/core/config.hpp"

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "common/config_lines.hpp"
#include "common/sim_socket_protocol.hpp"
#include "host/transport/transport_selection.hpp"

namespace tessera::p11 {
namespace {

constexpr const char* kDefaultConfigPath = "/etc/tessera/tessera.conf";

const char* Env(const char* name) {
  // secure_getenv: a setuid host never takes its configuration from the
  // environment. NOLINTNEXTLINE(concurrency-mt-unsafe): read once at C_Initialize
  const char* v = ::secure_getenv(name);
  return v != nullptr && *v != '\0' ? v : nullptr;
}

// "pcsc, usb, sim": each route at most once, at least one.
Status ParseTransports(const std::string& value, const std::string& where, ModuleConfig& config) {
  TESSERA_ASSIGN_OR_RETURN(host::TransportSelection selection,
                           host::ParseTransportSelection(value, where));
  config.use_pcsc = selection.pcsc;
  config.use_usb = selection.usb;
  config.use_sim = selection.sim;
  return Status::Ok();
}

// A positive number of milliseconds, at most an hour.
Status ParseTimeout(const std::string& value, const std::string& where, ModuleConfig& config) {
  long long ms = 0;
  auto [end, err] = std::from_chars(value.data(), value.data() + value.size(), ms);
  if (err != std::errc() || end != value.data() + value.size() || ms <= 0 || ms > 3600000) {
    return Status::InvalidArgument(where + "usb.timeout_ms must be 1 to 3600000, not '" + value +
                                   "'");
  }
  config.usb_timeout = std::chrono::milliseconds(ms);
  return Status::Ok();
}

}  // namespace

Result<ModuleConfig> ModuleConfig::Parse(const std::string& text, const std::string& origin,
                                         ModuleConfig base) {
  TESSERA_ASSIGN_OR_RETURN(std::vector<ConfigLine> lines, ParseConfigLines(text, origin));
  for (const ConfigLine& line : lines) {
    if (line.key == "sim.run_dir") {
      base.sim_run_dir = line.value;
    } else if (line.key == "transports") {
      TESSERA_RETURN_IF_ERROR(ParseTransports(line.value, line.where, base));
    } else if (line.key == "usb.timeout_ms") {
      TESSERA_RETURN_IF_ERROR(ParseTimeout(line.value, line.where, base));
    } else {
      return Status::InvalidArgument(line.where + "unknown key '" + line.key + "'");
    }
  }
  return base;
}

namespace {

// The environment over the file (the environment wins, as for the tessera
// CLI's settings). A bad variable is skipped alone.
void ApplyEnvironment(ModuleConfig& config, std::vector<std::string>& problems) {
  if (const char* dir = Env("TESSERA_SIM_DIR")) config.sim_run_dir = dir;
  // Both parsers change `config` only when the value is good.
  auto keep = [&problems](const Status& status) {
    if (!status.ok()) problems.push_back(status.message() + "; the variable is ignored");
  };
  if (const char* transports = Env("TESSERA_TRANSPORTS")) {
    keep(ParseTransports(transports, "TESSERA_TRANSPORTS: ", config));
  }
  if (const char* timeout = Env("TESSERA_USB_TIMEOUT_MS")) {
    keep(ParseTimeout(timeout, "TESSERA_USB_TIMEOUT_MS: ", config));
  }
}

}  // namespace

ModuleConfig ModuleConfig::Load(std::vector<std::string>& problems) {
  ModuleConfig defaults;
  defaults.sim_run_dir = simsock::DefaultRunDir();
  ModuleConfig config = defaults;
  const char* explicit_path = Env("TESSERA_CONF");
  const std::string path = explicit_path != nullptr ? explicit_path : kDefaultConfigPath;
  std::ifstream file(path);
  if (file) {
    std::stringstream text;
    text << file.rdbuf();
    auto parsed = Parse(text.str(), path, defaults);
    if (parsed.ok()) {
      config = *std::move(parsed);
    } else {
      problems.push_back(parsed.status().message() + "; the file is ignored");
    }
  } else if (explicit_path != nullptr) {
    problems.push_back("TESSERA_CONF: cannot read " + path + "; running on the defaults");
  }
  ApplyEnvironment(config, problems);
  return config;
}

}  // namespace tessera::p11
