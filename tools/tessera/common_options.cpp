#include "tools/tessera/common_options.hpp"

#include <cstdio>
#include <memory>

#include "services/runtime/hsm_access.hpp"

namespace tessera::cli {

std::optional<Environment> LoadEnvironment(Context& ctx) {
  auto home = runtime::OpenHome();
  if (!ctx.Check("TESSERA_HOME", home.status())) return std::nullopt;
  auto settings = runtime::LoadSettings(*home);
  if (!ctx.Check("settings", settings.status())) return std::nullopt;
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

std::optional<keyman::TokenSummary> FindBySerial(Context& ctx, const runtime::Settings& settings,
                                                 std::uint32_t serial) {
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
