// The tessera-sim command line (CLI11), parsed into plain option structs:
//
//   tessera-sim [--state DIR] [--run-dir DIR] [--tokens N] [--seed N]
//               [--latency none|realistic] [--trace FILE] [--vpcd HOST:PORT]
//   tessera-sim [--run-dir DIR] ctl [--run-dir DIR] list [--json] |
//               insert SERIAL | remove SERIAL | power-cycle SERIAL |
//               tear SERIAL --after-writes N
//   tessera-sim --version
//
// The run directory is --run-dir (ctl's own, else the one before `ctl`),
// else TESSERA_SIM_DIR (as the module and tessera read it), else
// simsock::DefaultRunDir().
//
// CLI11 reports errors by exception; they are caught here and become an exit
// code, so nothing else in the simulator sees an exception. --help prints to
// `out` and exits 0; a bad flag or value prints the message and the usage to
// `err` and exits 2. Reads the environment for defaults; call from main only.
#pragma once

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>

#include "firmware-sim/sim/vpcd_endpoint.hpp"

namespace tessera::sim {

struct ServeOptions {
  std::filesystem::path state_dir;  // default: $XDG_DATA_HOME/tessera/sim
  std::filesystem::path run_dir;    // default: simsock::DefaultRunDir()
  std::size_t tokens = 1;
  std::optional<std::uint64_t> seed;
  std::string latency = "none";
  std::optional<std::filesystem::path> trace;
  // Token i also connects to vpcd at HOST:PORT+i (docs/pcsc.md).
  std::optional<VpcdEndpoint> vpcd;
};

struct CtlOptions {
  std::filesystem::path run_dir;
  std::string run_dir_origin;  // "--run-dir", "TESSERA_SIM_DIR" or "the default"
  std::string request;         // one control-protocol line, e.g. "tear 12345678 3"
  bool json = false;           // list --json
};

struct CommandLine {
  enum class Mode { kServe, kCtl, kExit };
  Mode mode = Mode::kExit;
  int exit_code = 0;  // for kExit
  ServeOptions serve;
  CtlOptions ctl;
};

CommandLine ParseCommandLine(int argc, const char* const* argv, std::ostream& out,
                             std::ostream& err);

// $XDG_DATA_HOME/tessera/sim, else $HOME/.local/share/tessera/sim.
std::filesystem::path DefaultStateDir();

// TESSERA_SIM_DIR when set and not empty, else simsock::DefaultRunDir().
std::filesystem::path DefaultRunDirFromEnvironment();

}  // namespace tessera::sim
