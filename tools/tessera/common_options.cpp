#include "tools/tessera/common_options.hpp"

#include <unistd.h>

#include <cstdio>
#include <memory>

#include "services/runtime/hsm_access.hpp"

namespace tessera::cli {

std::optional<Environment> LoadEnvironment(Context& ctx) {
  auto home = runtime::OpenHome();
  if (!ctx.Check("TESSERA_HOME", home.status())) return std::nullopt;
  auto settings = runtime::LoadSettings(*home);
  if (!ctx.Check("settings", settings.status())) {
    // A broken tessera.conf (the message names its file and line) is the
    // caller's to fix, like a bad flag: exit 2.
    ctx.exit_code = kExitUsage;
    return std::nullopt;
  }
  return Environment{*home, *settings};
}

void AddDirectoryOption(CLI::App& command, std::string& url) {
  command.add_option("--directory", url,
                     "Directory URL: sqlite:PATH or postgresql://... (default: TESSERA_DIRECTORY, "
                     "else `directory` in tessera.conf, else sqlite:TESSERA_HOME/directory.db)");
}

std::string DirectoryUrl(const Environment& env, const std::string& flag) {
  return flag.empty() ? env.settings.directory : flag;
}

ca::HsmOpener LazyHsmOpener(const Environment& env) {
  auto access = std::make_shared<std::optional<runtime::HsmAccess>>();
  return [env, access](const std::string& name) -> Result<hsm::HsmToken> {
    if (!access->has_value()) {
      TESSERA_ASSIGN_OR_RETURN(runtime::HsmAccess loaded,
                               runtime::HsmAccess::Load(env.home, env.settings));
      access->emplace(std::move(loaded));
    }
    return (*access)->Open(name);
  };
}

void AddVersionOption(CLI::App& command, const std::string& name, int& version) {
  command.add_option(name, version, "Key version, 1 to 127")->required()->check(CLI::Range(1, 127));
}

void AddProgressOption(CLI::App& command, std::string& mode) {
  command
      .add_option("--progress", mode,
                  "Progress on stderr: bar (redrawn, with rate and ETA), plain (a line every 5 s) "
                  "or none; auto: bar on a terminal, else plain")
      ->check(CLI::IsMember({"auto", "bar", "plain", "none"}))
      ->capture_default_str();
}

ProgressRenderer MakeProgressRenderer(const std::string& mode, bool bulk,
                                      const std::string& label) {
  const bool terminal = ::isatty(STDERR_FILENO) == 1;
  std::optional<ProgressMode> requested = ParseProgressMode(mode);
  if (!requested && !bulk) requested = ProgressMode::kNone;
  return {ChooseProgressMode(requested, terminal), label, "tokens", [](std::string_view text) {
            (void)std::fwrite(text.data(), 1, text.size(), stderr);
            (void)std::fflush(stderr);
          }};
}

bool CheckSimRunDir(Context& ctx, const runtime::Settings& settings) {
  if (!settings.transports.sim || settings.sim_run_dir_origin.empty()) return true;
  std::error_code ec;
  if (std::filesystem::is_directory(settings.sim_run_dir, ec)) return true;
  (void)std::fprintf(stderr, "tessera: the simulator run directory %s (from %s) does not exist\n",
                     settings.sim_run_dir.c_str(), settings.sim_run_dir_origin.c_str());
  ctx.exit_code = kExitUsage;
  return false;
}

std::optional<keyman::TokenSummary> FindBySerial(Context& ctx, const runtime::Settings& settings,
                                                 std::uint32_t serial) {
  if (!CheckSimRunDir(ctx, settings)) return std::nullopt;
  std::vector<std::string> problems;
  for (auto& token : keyman::FindTokens(settings, &problems)) {
    if (token.serial == serial) return std::move(token);
  }
  std::string detail;
  for (const auto& p : problems) detail += "; " + p;
  (void)std::fprintf(stderr, "tessera: no reachable token with serial %u%s\n", serial,
                     detail.c_str());
  ctx.exit_code = kExitFailed;
  return std::nullopt;
}

}  // namespace tessera::cli
