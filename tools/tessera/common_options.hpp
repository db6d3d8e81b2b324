// What most tessera subcommands share: TESSERA_HOME and its settings, the
// --directory option, the key-version option, and finding a token by serial.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "common/cli/progress.hpp"
#include "services/ca/hsm_pool.hpp"
#include "services/keyman/token_access.hpp"
#include "services/runtime/home.hpp"
#include "tools/tessera/commands.hpp"

namespace tessera::cli {

struct Environment {
  runtime::Home home;
  runtime::Settings settings;
};

// TESSERA_HOME and its settings; prints the error and returns nullopt.
std::optional<Environment> LoadEnvironment(Context& ctx);

// --directory URL: the directory a command uses instead of the settings'
// one (TESSERA_DIRECTORY, else `directory` in tessera.conf, else
// sqlite:TESSERA_HOME/directory.db).
void AddDirectoryOption(CLI::App& command, std::string& url);
// The directory URL a command uses: `flag` when given, else the settings'.
std::string DirectoryUrl(const Environment& env, const std::string& flag);

// Opens HSMs by name with TESSERA_HOME's module and PINs; the module is
// loaded on the first call, so commands that need no HSM never load it.
ca::HsmOpener LazyHsmOpener(const Environment& env);

// A required key version option, 1 to 127 (docs/card-manager.md "Keys").
void AddVersionOption(CLI::App& command, const std::string& name, int& version);

// --progress auto|bar|plain|none (default auto) for a command that works on
// many tokens.
void AddProgressOption(CLI::App& command, std::string& mode);
// The renderer --progress asks for, writing to stderr: auto is a bar on a
// terminal and a line every 5 s elsewhere when `bulk`, and none for a single
// token.
ProgressRenderer MakeProgressRenderer(const std::string& mode, bool bulk, const std::string& label);

// A simulator run directory that was set (TESSERA_SIM_DIR or sim.run_dir in
// tessera.conf) but does not exist, while the simulator transport is on, is
// bad usage: prints it naming the directory and its origin, sets exit 2 and
// returns false. The default directory may be missing (no simulator runs).
bool CheckSimRunDir(Context& ctx, const runtime::Settings& settings);

// The token with `serial` among those reachable; prints the error.
std::optional<keyman::TokenSummary> FindBySerial(Context& ctx, const runtime::Settings& settings,
                                                 std::uint32_t serial);

}  // namespace tessera::cli
