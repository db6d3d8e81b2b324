// tessera token list | probe.
#include <cstdio>

#include "common/bytes.hpp"
#include "common/card_manager_constants.hpp"
#include "services/keyman/replace.hpp"
#include "services/keyman/token_access.hpp"
#include "services/runtime/home.hpp"
#include "services/runtime/hsm_access.hpp"
#include "tools/tessera/commands.hpp"
#include "tools/tessera/common_options.hpp"

namespace tessera::cli {
namespace {

void ListTokens(Context& ctx) {
  auto env = LoadEnvironment(ctx);
  if (!env) return;
  std::vector<std::string> problems;
  const auto tokens = keyman::FindTokens(env->settings, &problems);
  std::printf("%-10s %-32s %-9s %-13s %s\n", "SERIAL", "UID", "TRANSPORT", "LIFECYCLE", "MK");
  for (const auto& t : tokens) {
    const std::string mk = t.mk_version ? std::to_string(*t.mk_version) : "-";
    std::printf("%-10u %-32s %-9s %-13s %s\n", t.serial, ToHex(t.uid).c_str(),
                t.transport().c_str(), cm::LifecycleName(t.lifecycle), mk.c_str());
  }
  for (const auto& p : problems) (void)std::fprintf(stderr, "tessera: token list: %s\n", p.c_str());
  if (!problems.empty()) ctx.exit_code = kExitFailed;
}

struct ProbeOptions {
  std::string hsm;
  int version = 0;
  std::uint32_t serial = 0;
};

void Probe(Context& ctx, const ProbeOptions& o) {
  auto env = LoadEnvironment(ctx);
  if (!env) return;
  auto access = runtime::HsmAccess::Load(env->home, env->settings);
  if (!ctx.Check("loading the HSM module", access.status())) return;
  auto hsm = access->Open(o.hsm);
  if (!ctx.Check("opening HSM '" + o.hsm + "'", hsm.status())) return;
  auto token = FindBySerial(ctx, env->settings, o.serial);
  if (!token) return;
  const Status status =
      keyman::ProbeToken(*hsm, token->reader, static_cast<std::uint8_t>(o.version));
  if (!ctx.Check("token " + std::to_string(o.serial) + ": no secure channel with MK version " +
                     std::to_string(o.version),
                 status)) {
    return;
  }
  std::printf("token %u: secure channel with MK version %d works\n", o.serial, o.version);
}

void AddProbeCommand(CLI::App& token, Context& ctx) {
  auto options = std::make_shared<ProbeOptions>();
  CLI::App* probe = token.add_subcommand(
      "probe", "Open a secure channel under MK version V; exit 0 only if it works");
  probe->add_option("--hsm", options->hsm, "Access-server HSM name")->required();
  AddVersionOption(*probe, "--mk-version", options->version);
  probe->add_option("SERIAL", options->serial, "Token serial")->required();
  probe->callback([&ctx, options] { Probe(ctx, *options); });
}

}  // namespace

void AddTokenCommands(CLI::App& app, Context& ctx) {
  CLI::App* token = app.add_subcommand("token", "Inspect tokens");
  token->require_subcommand(1);
  CLI::App* list = token->add_subcommand(
      "list", "One line per token: serial, UID, transport, lifecycle, MK version");
  list->callback([&ctx] { ListTokens(ctx); });
  AddProbeCommand(*token, ctx);
  AddTokenActivate(*token, ctx);
}

}  // namespace tessera::cli
