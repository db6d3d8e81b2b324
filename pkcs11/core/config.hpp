// ModuleConfig: where the module looks for tokens, read once by C_Initialize.
//
// Sources, first match wins for each setting (the rule every Tessera
// configuration follows: the environment wins):
//   1. the environment: TESSERA_SIM_DIR for the simulator run directory,
//      TESSERA_TRANSPORTS for the routes (as the file's `transports`),
//      TESSERA_USB_TIMEOUT_MS (as the file's `usb.timeout_ms`);
//   2. the configuration file: $TESSERA_CONF, else /etc/tessera/tessera.conf
//      (a missing default file is fine; a missing $TESSERA_CONF is an error);
//   3. the simulator's default run directory ($XDG_RUNTIME_DIR/tessera or
//      /tmp/tessera-$UID).
// File syntax: common/config_lines.hpp. Known keys: sim.run_dir, transports
// (a comma-separated list of pcsc, usb and sim; all three by default) and
// usb.timeout_ms. Unknown keys are an error, so typos do not pass silently.
//
// Load() never fails: the module must not take down the application that
// loaded it over a typo. A file with an error (or one $TESSERA_CONF names
// that cannot be read) is ignored as a whole, and a bad variable alone; each
// such problem is returned, naming the file and line or the variable, for
// C_Initialize to report on stderr and in the log. The rest runs on the
// defaults. A value type, immutable once loaded.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "common/status.hpp"

namespace tessera::p11 {

struct ModuleConfig {
  std::filesystem::path sim_run_dir;
  bool use_pcsc = true;
  bool use_usb = true;
  bool use_sim = true;
  // Longest wait for one answer from a USB token (its time extensions
  // aside); the transport's default is 60 s.
  std::chrono::milliseconds usb_timeout{60000};

  // The configuration to run on, and what was ignored on the way ("FILE:LINE:
  // unknown key 'x'; the file is ignored").
  static ModuleConfig Load(std::vector<std::string>& problems);
  // Parses `text` (the file's contents) over `base`; `origin` names it in errors.
  static Result<ModuleConfig> Parse(const std::string& text, const std::string& origin,
                                    ModuleConfig base);
};

}  // namespace tessera::p11
