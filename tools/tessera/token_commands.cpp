// tessera token list | probe | set-issuer.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "common/bytes.hpp"
#include "common/card_manager_constants.hpp"
#include "services/directory/directory.hpp"
#include "services/keyman/issuer_key_file.hpp"
#include "services/keyman/replace.hpp"
#include "services/keyman/set_issuer.hpp"
#include "services/keyman/token_access.hpp"
#include "services/runtime/home.hpp"
#include "services/runtime/hsm_access.hpp"
#include "tools/tessera/commands.hpp"
#include "tools/tessera/common_options.hpp"

namespace tessera::cli {
namespace {

// --json: {"tokens": [{"serial", "uid", "transport", "lifecycle",
// "mk_version"}], "problems": [...]} (docs/cli.md "token list").
void PrintTokensJson(const std::vector<keyman::TokenSummary>& tokens,
                     const std::vector<std::string>& problems) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& t : tokens) {
    list.push_back({{"serial", t.serial},
                    {"uid", ToHex(t.uid)},
                    {"transport", t.transport()},
                    {"lifecycle", cm::LifecycleName(t.lifecycle)},
                    {"mk_version", t.mk_version ? nlohmann::json(*t.mk_version) : nullptr}});
  }
  std::cout << nlohmann::json{{"tokens", std::move(list)}, {"problems", problems}}.dump(2) << "\n";
}

void ListTokens(Context& ctx, bool json) {
  auto env = LoadEnvironment(ctx);
  if (!env) return;
  if (!CheckSimRunDir(ctx, env->settings)) return;
  std::vector<std::string> problems;
  const auto tokens = keyman::FindTokens(env->settings, &problems);
  for (const auto& p : problems) (void)std::fprintf(stderr, "tessera: token list: %s\n", p.c_str());
  if (!problems.empty()) ctx.exit_code = kExitFailed;
  if (json) return PrintTokensJson(tokens, problems);
  std::printf("%-10s %-32s %-9s %-13s %s\n", "SERIAL", "UID", "TRANSPORT", "LIFECYCLE", "MK");
  for (const auto& t : tokens) {
    const std::string mk = t.mk_version ? std::to_string(*t.mk_version) : "-";
    std::printf("%-10u %-32s %-9s %-13s %s\n", t.serial, ToHex(t.uid).c_str(),
                t.transport().c_str(), cm::LifecycleName(t.lifecycle), mk.c_str());
  }
}

struct ProbeOptions {
  std::string hsm;
  int version = 0;
  std::uint32_t serial = 0;
};

void Probe(Context& ctx, const ProbeOptions& o) {
  auto env = LoadEnvironment(ctx);
  if (!env || !CheckSimRunDir(ctx, env->settings)) return;
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

struct SetIssuerOptions {
  std::string hsm;
  std::uint32_t serial = 0;
  std::string issuer_key_file;
  std::string directory;
  bool json = false;
};

void SetIssuer(Context& ctx, const SetIssuerOptions& o) {
  // A bad file is bad usage, found before any token or HSM is touched.
  auto point = keyman::ReadIssuerKeyFile(o.issuer_key_file);
  if (!point.ok()) {
    (void)std::fprintf(stderr, "tessera: token set-issuer: --issuer-key: %s\n",
                       point.status().message().c_str());
    ctx.exit_code = kExitUsage;
    return;
  }
  auto env = LoadEnvironment(ctx);
  if (!env || !CheckSimRunDir(ctx, env->settings)) return;
  const std::string url = DirectoryUrl(*env, o.directory);
  auto directory = directory::OpenDirectory(url);
  if (!ctx.Check("opening the directory " + directory::RedactUrl(url), directory.status())) return;
  auto access = runtime::HsmAccess::Load(env->home, env->settings);
  if (!ctx.Check("loading the HSM module", access.status())) return;
  auto hsm = access->Open(o.hsm);
  if (!ctx.Check("opening HSM '" + o.hsm + "'", hsm.status())) return;
  auto token = FindBySerial(ctx, env->settings, o.serial);
  if (!token) return;
  auto change = keyman::SetIssuerKey(*hsm, **directory, token->reader, *point);
  if (!ctx.Check("token set-issuer: token " + std::to_string(o.serial), change.status())) return;
  if (o.json) {
    nlohmann::json out{{"serial", o.serial},
                       {"mk_version", change->mk_version},
                       {"issuer_key_version", change->version},
                       {"previous_issuer_key_version", nullptr},
                       {"issuer_key", ToHex(*point)}};
    if (change->previous_version) out["previous_issuer_key_version"] = *change->previous_version;
    std::cout << out.dump(2) << "\n";
    return;
  }
  const std::string previous = change->previous_version
                                   ? "replaced version " + std::to_string(*change->previous_version)
                                   : "the token had none";
  std::printf("token %u: issuer key version %d set (%s), under MK version %d\n", o.serial,
              change->version, previous.c_str(), change->mk_version);
}

void AddSetIssuerCommand(CLI::App& token, Context& ctx) {
  auto options = std::make_shared<SetIssuerOptions>();
  CLI::App* set = token.add_subcommand(
      "set-issuer", "Replace the registration issuer key of a personalized token, under its MK");
  set->add_option("--hsm", options->hsm, "Access-server HSM name")->required();
  set->add_option("--token", options->serial, "Token serial")->required();
  set->add_option("--issuer-key", options->issuer_key_file,
                  "The issuer key: a PEM certificate, as `tessera ca cert` prints, or a PEM "
                  "public key; P-256")
      ->required();
  AddDirectoryOption(*set, options->directory);
  set->add_flag("--json", options->json, "print the result as JSON");
  set->callback([&ctx, options] { SetIssuer(ctx, *options); });
}

}  // namespace

void AddTokenCommands(CLI::App& app, Context& ctx) {
  CLI::App* token = app.add_subcommand("token", "Inspect tokens");
  token->require_subcommand(1);
  CLI::App* list = token->add_subcommand(
      "list", "One line per token: serial, UID, transport, lifecycle, MK version");
  auto json = std::make_shared<bool>(false);
  list->add_flag("--json", *json, "print the tokens as JSON (docs/cli.md)");
  list->callback([&ctx, json] { ListTokens(ctx, *json); });
  AddProbeCommand(*token, ctx);
  AddSetIssuerCommand(*token, ctx);
  AddTokenActivate(*token, ctx);
}

}  // namespace tessera::cli
