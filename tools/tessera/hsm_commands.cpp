// tessera hsm init-softhsm | keygen | transfer: HSM setup and the key
// ceremony (docs/hsm-adapter.md "Ceremony").
#include <cstdio>

#include "common/bytes.hpp"
#include "hsm/ceremony.hpp"
#include "services/keyman/softhsm_setup.hpp"
#include "services/runtime/hsm_access.hpp"
#include "tools/tessera/commands.hpp"
#include "tools/tessera/common_options.hpp"

namespace tessera::cli {
namespace {

struct HsmOptions {
  std::string name;
  std::string from;
  std::string to;
  int version = 0;
};

void InitSoftHsm(Context& ctx, const HsmOptions& o) {
  auto env = LoadEnvironment(ctx);
  if (!env) return;
  if (!ctx.Check("hsm init-softhsm", keyman::InitSoftHsmToken(env->home, env->settings, o.name))) {
    return;
  }
  std::printf("created SoftHSM2 token '%s'; PIN in %s (mode 0600)\n", o.name.c_str(),
              env->home.pin_file(o.name).c_str());
}

void Keygen(Context& ctx, const HsmOptions& o) {
  auto env = LoadEnvironment(ctx);
  if (!env) return;
  auto access = runtime::HsmAccess::Load(env->home, env->settings);
  if (!ctx.Check("loading the HSM module", access.status())) return;
  auto token = access->Open(o.name);
  if (!ctx.Check("opening HSM '" + o.name + "'", token.status())) return;
  auto record = hsm::GenerateVersion(*token, static_cast<std::uint8_t>(o.version));
  if (!ctx.Check("hsm keygen", record.status())) return;
  std::printf("HSM '%s': key version %d generated (MK block KCV %s, KRK block KCV %s, RSA-3072)\n",
              o.name.c_str(), o.version, ToHex(record->mk_block_check).c_str(),
              ToHex(record->krk_block_check).c_str());
}

void Transfer(Context& ctx, const HsmOptions& o) {
  auto env = LoadEnvironment(ctx);
  if (!env) return;
  if (o.from == o.to) {
    ctx.exit_code = kExitUsage;
    (void)std::fprintf(stderr, "tessera: hsm transfer: --from and --to name the same HSM\n");
    return;
  }
  auto access = runtime::HsmAccess::Load(env->home, env->settings);
  if (!ctx.Check("loading the HSM module", access.status())) return;
  auto from = access->Open(o.from);
  if (!ctx.Check("opening HSM '" + o.from + "'", from.status())) return;
  auto to = access->Open(o.to);
  if (!ctx.Check("opening HSM '" + o.to + "'", to.status())) return;
  auto result = hsm::Transfer(*from, *to, static_cast<std::uint8_t>(o.version));
  if (!ctx.Check("hsm transfer", result.status())) return;
  std::printf("key version %d %s '%s' (MK block KCV %s, KRK block KCV %s)\n", o.version,
              result->already_present ? "was already on" : "transferred to", o.to.c_str(),
              ToHex(result->record.mk_block_check).c_str(),
              ToHex(result->record.krk_block_check).c_str());
}

}  // namespace

void AddHsmCommands(CLI::App& app, Context& ctx) {
  auto options = std::make_shared<HsmOptions>();
  CLI::App* hsm = app.add_subcommand("hsm", "HSM setup and the key ceremony");
  hsm->require_subcommand(1);

  CLI::App* init = hsm->add_subcommand(
      "init-softhsm", "Create a SoftHSM2 token in TESSERA_HOME; its PIN goes to a 0600 file");
  init->add_option("--name", options->name, "HSM name (also the token label)")->required();
  init->callback([&ctx, options] { InitSoftHsm(ctx, *options); });

  CLI::App* keygen = hsm->add_subcommand(
      "keygen", "Generate key version V (MK block, KRK block, RSA-3072 pair) inside an HSM");
  keygen->add_option("--hsm", options->name, "HSM name")->required();
  AddVersionOption(*keygen, "--mk-version", options->version);
  keygen->callback([&ctx, options] { Keygen(ctx, *options); });

  CLI::App* transfer = hsm->add_subcommand(
      "transfer", "Move key version V from the key-management HSM to the access-server HSM");
  transfer->add_option("--from", options->from, "Source HSM (key management)")->required();
  transfer->add_option("--to", options->to, "Destination HSM (access server)")->required();
  AddVersionOption(*transfer, "--mk-version", options->version);
  transfer->callback([&ctx, options] { Transfer(ctx, *options); });
}

}  // namespace tessera::cli
