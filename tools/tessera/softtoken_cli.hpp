// The `tessera softtoken` commands (issue 15, seed 002; docs/cli.md "The
// soft-token service (seed 002)"): `init` on the service host, `request` on
// the device (channel 1), `confirm` on the user's computer with the ID
// token (channel 2), and what
// they share: reading the service's JSON answers and handing over the soft
// token. Each command prints stable "name: value" lines on stdout (or JSON
// with --json) and its errors on stderr; exit 0 done, 1 failed or refused,
// 2 bad usage. Not thread-safe.
#pragma once

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "common/bytes.hpp"
#include "common/status.hpp"
#include "tools/tessera/commands.hpp"

namespace tessera::cli::softtoken {

void AddRequestCommand(CLI::App& softtoken, Context& ctx);
void AddConfirmCommand(CLI::App& softtoken, Context& ctx);
void AddInitCommand(CLI::App& softtoken, Context& ctx);
void AddPresentCommand(CLI::App& softtoken, Context& ctx);
void AddVerifyCommand(CLI::App& softtoken, Context& ctx);

// A member of the service's answer; kInvalidArgument naming `what` (the
// step) when it is missing or of another type.
Result<std::string> StringMember(const nlohmann::json& answer, const char* name,
                                 const std::string& what);
Result<Bytes> Base64UrlMember(const nlohmann::json& answer, const char* name,
                              const std::string& what);

// The soft token into `out` (mode 0600, written whole) or, with no file,
// on stdout on its own line.
Status HandOver(const std::string& out, const std::string& soft_token);

// Prints "tessera: <what>: <message>" and sets exit code 2.
void UsageError(Context& ctx, const std::string& what, const std::string& message);

}  // namespace tessera::cli::softtoken
