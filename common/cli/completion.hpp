// Shell completion from the CLI11 app tree itself, so it cannot drift from
// the commands: `PROGRAM __complete WORD...` (a hidden entry point the
// executables check before parsing) prints one candidate per line for the
// word after WORD...: the subcommands and options of the subcommand those
// words reach, or, after an option that takes a value, that option's choices
// (its IsMember set) or nothing (the shell then completes file names).
// tools/completion/{tessera,tessera-sim} are the bash side. Thread-compatible.
#pragma once

#include <CLI/CLI.hpp>
#include <iosfwd>
#include <string>
#include <vector>

namespace tessera::cli {

inline constexpr const char* kCompleteCommand = "__complete";

std::vector<std::string> CompletionCandidates(CLI::App& app, const std::vector<std::string>& words);

// When argv[1] is kCompleteCommand: prints the candidates for argv[2...] to
// `out` and returns true (the caller exits 0). False otherwise.
bool MaybeComplete(CLI::App& app, int argc, const char* const* argv, std::ostream& out);

// For help: every option that takes a value and is not required shows its
// default. Options that have no default_str yet get the value they were
// bound to; one whose value is empty shows "none" unless its description
// says "default" (then the description tells it). A sentinel (0 for "the
// highest") needs its own default_str. Recurses into subcommands; call after
// the tree is built.
void ShowDefaults(CLI::App& app);

}  // namespace tessera::cli
