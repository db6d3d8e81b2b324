#include "services/runtime/home.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/config_lines.hpp"
#include "common/sim_socket_protocol.hpp"
#include "services/runtime/tessera_home.hpp"

namespace tessera::runtime {
namespace {

const char* Env(const char* name) {
  const char* v = ::secure_getenv(name);  // NOLINT(concurrency-mt-unsafe): read at start
  return v != nullptr && *v != '\0' ? v : nullptr;
}

}  // namespace

Result<Home> OpenHome() {
  TESSERA_ASSIGN_OR_RETURN(std::filesystem::path root, TesseraHome());
  std::error_code ec;
  const bool created = std::filesystem::create_directories(root, ec);
  if (ec)
    return Status::IoError("cannot create TESSERA_HOME " + root.string() + ": " + ec.message());
  if (!std::filesystem::is_directory(root)) {
    return Status::InvalidArgument("TESSERA_HOME " + root.string() + " is not a directory");
  }
  // Only a directory made here: an existing one (even $HOME) keeps its mode.
  if (created) ::chmod(root.c_str(), 0700);
  return Home{root};
}

Result<HomeLock> HomeLock::Acquire(const Home& home) {
  const std::filesystem::path path = home.root / "keyman.lock";
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!fd.valid()) {
    return Status::IoError("cannot open " + path.string() + ": " + std::strerror(errno));
  }
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) {
      return Status::ConditionsNotSatisfied(
          "another tessera personalize or mk-replace is "
          "running on " +
          home.root.string() + " (" + path.string() + " is locked)");
    }
    return Status::IoError("cannot lock " + path.string() + ": " + std::strerror(errno));
  }
  return HomeLock(std::move(fd));
}

Result<Settings> ParseSettings(const std::string& text, const std::string& origin, Settings base) {
  TESSERA_ASSIGN_OR_RETURN(std::vector<ConfigLine> lines, ParseConfigLines(text, origin));
  for (const ConfigLine& line : lines) {
    if (line.key == "hsm.module") {
      base.hsm_module = line.value;
    } else if (line.key == "transports") {
      TESSERA_ASSIGN_OR_RETURN(base.transports,
                               host::ParseTransportSelection(line.value, line.where));
    } else if (line.key == "sim.run_dir") {
      base.sim_run_dir = line.value;
      base.sim_run_dir_origin = line.where.substr(0, line.where.rfind(':'));  // "FILE:LINE"
    } else if (line.key == "directory") {
      if (line.value.empty()) return Status::InvalidArgument(line.where + "directory is empty");
      base.directory = line.value;
    } else {
      return Status::InvalidArgument(line.where + "unknown key '" + line.key +
                                     "' (known: hsm.module, transports, sim.run_dir, directory)");
    }
  }
  return base;
}

Result<Settings> LoadSettings(const Home& home) {
  Settings settings;
  settings.sim_run_dir = simsock::DefaultRunDir();
  settings.directory = "sqlite:" + home.directory_db().string();
  if (std::filesystem::exists(home.config_file())) {
    std::ifstream file(home.config_file());
    if (!file) return Status::IoError("cannot read " + home.config_file().string());
    std::stringstream text;
    text << file.rdbuf();
    TESSERA_ASSIGN_OR_RETURN(settings,
                             ParseSettings(text.str(), home.config_file().string(), settings));
  }
  if (const char* module = Env("TESSERA_HSM_MODULE")) settings.hsm_module = module;
  if (const char* transports = Env("TESSERA_TRANSPORTS")) {
    TESSERA_ASSIGN_OR_RETURN(settings.transports,
                             host::ParseTransportSelection(transports, "TESSERA_TRANSPORTS: "));
  }
  if (const char* dir = Env("TESSERA_SIM_DIR")) {
    settings.sim_run_dir = dir;
    settings.sim_run_dir_origin = "TESSERA_SIM_DIR";
  }
  if (const char* url = Env("TESSERA_DIRECTORY")) settings.directory = url;
  return settings;
}

Status CheckHsmName(const std::string& name) {
  if (name.empty() || name.size() > 32) {
    return Status::InvalidArgument("HSM name '" + name + "' must be 1 to 32 characters");
  }
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) {
      return Status::InvalidArgument("HSM name '" + name +
                                     "' may hold only letters, digits, '.', '_' and '-'");
    }
  }
  return Status::Ok();
}

}  // namespace tessera::runtime
