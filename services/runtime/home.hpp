// Home: what lives in TESSERA_HOME for the tessera CLI (docs/cli.md), and the
// CLI's configuration file there.
//
//   TESSERA_HOME/tessera.conf      optional: hsm.module, transports, sim.run_dir,
//                                  directory
//   TESSERA_HOME/directory.db      the directory (SQLite), unless `directory`
//                                  names another
//   TESSERA_HOME/softhsm2.conf     SoftHSM2 configuration of the embedded default
//   TESSERA_HOME/softhsm/          its token files
//   TESSERA_HOME/hsm/NAME.pin      user PIN of HSM token NAME, mode 0600
//   TESSERA_HOME/hsm/NAME.so-pin   its security officer PIN, mode 0600
//
// Settings, first match wins: the environment (TESSERA_HSM_MODULE,
// TESSERA_TRANSPORTS, TESSERA_SIM_DIR, TESSERA_DIRECTORY), then tessera.conf,
// then defaults (SoftHSM2, all three transports, the simulator's default run
// directory, sqlite:TESSERA_HOME/directory.db). A command's --directory flag
// wins over all of them (tools/tessera/common_options.hpp).
// Value types.
#pragma once

#include <filesystem>
#include <string>

#include "common/status.hpp"
#include "common/unique_fd.hpp"
#include "host/transport/transport_selection.hpp"
#include "services/runtime/tessera_home.hpp"

namespace tessera::runtime {

inline constexpr const char* kDefaultHsmModule = "/usr/lib/softhsm/libsofthsm2.so";

struct Home {
  std::filesystem::path root;

  std::filesystem::path config_file() const { return root / "tessera.conf"; }
  std::filesystem::path directory_db() const { return DefaultDirectoryPath(root); }
  std::filesystem::path softhsm_conf() const { return root / "softhsm2.conf"; }
  std::filesystem::path softhsm_tokens() const { return root / "softhsm"; }
  std::filesystem::path hsm_dir() const { return root / "hsm"; }
  std::filesystem::path pin_file(const std::string& hsm) const {
    return hsm_dir() / (hsm + ".pin");
  }
  std::filesystem::path so_pin_file(const std::string& hsm) const {
    return hsm_dir() / (hsm + ".so-pin");
  }
};

struct Settings {
  std::string hsm_module = kDefaultHsmModule;
  host::TransportSelection transports;
  std::filesystem::path sim_run_dir;
  // Where sim_run_dir was set: "TESSERA_SIM_DIR", "FILE:LINE" of
  // tessera.conf, or empty for the default (which may be missing).
  std::string sim_run_dir_origin;
  // The directory's URL (services/directory/database.hpp): "sqlite:PATH" or
  // "postgresql://...".
  std::string directory;
  // True when the module is the embedded SoftHSM2: its SOFTHSM2_CONF is then
  // the one in TESSERA_HOME.
  bool embedded_softhsm() const { return hsm_module == kDefaultHsmModule; }
};

// An exclusive lock on TESSERA_HOME (flock of TESSERA_HOME/keyman.lock) for
// the commands that write keys to tokens: two runs on one directory could
// otherwise both personalize a token and confirm the wrong cryptogram.
// Released by the destructor (or when the process dies). Move-only.
class HomeLock {
 public:
  // kConditionsNotSatisfied when another process holds it.
  static Result<HomeLock> Acquire(const Home& home);
  HomeLock(HomeLock&&) noexcept = default;
  HomeLock& operator=(HomeLock&&) noexcept = default;

 private:
  explicit HomeLock(UniqueFd fd) : fd_(std::move(fd)) {}
  UniqueFd fd_;
};

// TESSERA_HOME (TesseraHome); created (0700) when missing.
Result<Home> OpenHome();
Result<Settings> LoadSettings(const Home& home);
// Parses tessera.conf text over `base`; `origin` names the file in errors.
Result<Settings> ParseSettings(const std::string& text, const std::string& origin, Settings base);

// An HSM name is also its token label: 1 to 32 characters of [A-Za-z0-9._-].
Status CheckHsmName(const std::string& name);

}  // namespace tessera::runtime
