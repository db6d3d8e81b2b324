// What most tessera subcommands share: TESSERA_HOME and its settings, the
// --directory option, the key-version option, and finding a token by serial.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>

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

// The token with `serial` among those reachable; prints the error.
std::optional<keyman::TokenSummary> FindBySerial(Context& ctx, const runtime::Settings& settings,
                                                 std::uint32_t serial);

}  // namespace tessera::cli
