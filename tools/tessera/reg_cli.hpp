// The `tessera reg` commands (seed 001; docs/cli.md "The registration
// gateway"): the administrative ones on the gateway host
// (reg_admin_commands.cpp) and the user's (reg_client_commands.cpp).
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "tools/tessera/commands.hpp"

namespace tessera::cli {

void AddRegAdminCommands(CLI::App& reg, Context& ctx);
void AddRegClientCommands(CLI::App& reg, Context& ctx);

void PrintEntitlementChange(bool json, const std::string& what, const std::string& user,
                            const std::string& app, const std::optional<std::int64_t>& version);

}  // namespace tessera::cli
