// The tessera CLI's subcommands (docs/cli.md). Each Add* registers one group
// on the CLI11 app; its callback runs the command and reports the outcome
// through the Context. Commands print results on stdout and errors on stderr.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "common/status.hpp"

namespace tessera::cli {

// Exit codes: 0 success, 1 the operation failed, 2 bad usage.
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

struct Context {
  int exit_code = 0;
  // Prints "tessera: <what>: <status>" and sets exit code 1 unless ok.
  bool Check(const std::string& what, const Status& status);
};

void AddHsmCommands(CLI::App& app, Context& ctx);
void AddTokenCommands(CLI::App& app, Context& ctx);
void AddKeyCommands(CLI::App& app, Context& ctx);
void AddDirectoryCommands(CLI::App& app, Context& ctx);
void AddCaCommands(CLI::App& app, Context& ctx);
void AddAuditCommands(CLI::App& app, Context& ctx);
// Seed 000: `cms ...` (administrative, on the CMS host), `cms token
// register` (the station), `officer bind`, and `token activate`.
void AddCmsCommands(CLI::App& app, Context& ctx);
void AddCmsStationCommands(CLI::App& cms_token, Context& ctx);
void AddOfficerCommands(CLI::App& app, Context& ctx);
void AddTokenActivate(CLI::App& token, Context& ctx);
// Seed 001: `reg ...`, the registration gateway's administrative commands
// (on the gateway host) and the user's (register, login, sync, call).
void AddRegCommands(CLI::App& app, Context& ctx);
// Seed 002: `softtoken ...`, the soft-token service's device (request) and
// computer (confirm) sides.
void AddSoftTokenCommands(CLI::App& app, Context& ctx);

}  // namespace tessera::cli
