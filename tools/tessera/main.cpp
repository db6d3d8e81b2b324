// tessera: the operator's command-line tool for seed 003 (docs/cli.md): HSM
// setup and key ceremony, token personalization, master-key replacement and
// token inspection. Settings and state live in TESSERA_HOME.
#include <cstdio>
#include <iostream>

#include "common/cli/completion.hpp"
#include "common/version/build_info.hpp"
#include "tools/tessera/commands.hpp"

namespace tessera::cli {

bool Context::Check(const std::string& what, const Status& status) {
  if (status.ok()) return true;
  (void)std::fprintf(stderr, "tessera: %s: %s\n", what.c_str(), status.ToString().c_str());
  exit_code = kExitFailed;
  return false;
}

}  // namespace tessera::cli

namespace {

int Main(int argc, char** argv) {
  using tessera::cli::Context;
  CLI::App app{"tessera: HSM key ceremony, token personalization and master-key replacement"};
  app.require_subcommand(1);
  app.set_version_flag("--version", [] { return tessera::VersionLine("tessera"); });
  app.footer("Settings: TESSERA_HOME (default ~/.local/share/tessera). See docs/cli.md.");
  Context ctx;
  tessera::cli::AddHsmCommands(app, ctx);
  tessera::cli::AddTokenCommands(app, ctx);
  tessera::cli::AddKeyCommands(app, ctx);
  tessera::cli::AddDirectoryCommands(app, ctx);
  tessera::cli::AddCaCommands(app, ctx);
  tessera::cli::AddAuditCommands(app, ctx);
  tessera::cli::AddCmsCommands(app, ctx);
  tessera::cli::AddOfficerCommands(app, ctx);
  tessera::cli::AddRegCommands(app, ctx);
  tessera::cli::AddSoftTokenCommands(app, ctx);
  tessera::cli::ShowDefaults(app);
  if (tessera::cli::MaybeComplete(app, argc, argv, std::cout)) return 0;
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    (void)app.exit(e);
    return tessera::cli::kExitUsage;
  } catch (const std::exception& e) {
    (void)std::fprintf(stderr, "tessera: unexpected failure: %s\n", e.what());
    return tessera::cli::kExitFailed;
  }
  return ctx.exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Main(argc, argv);
  } catch (...) {
    (void)std::fputs("tessera: unexpected failure\n", stderr);
    return tessera::cli::kExitFailed;
  }
}
