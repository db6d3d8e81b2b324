// tessera softtoken present: the device's presentation of its SD-JWT VC
// (RFC 9901 §7.2; docs/cli.md "The soft-token service (seed 002)"): the
// Disclosures asked for, and a Key Binding JWT for the verifier's audience
// and nonce, signed by the device key on the token.
#include <ctime>
#include <iostream>
#include <set>
#include <sstream>

#include "services/jose/sd_jwt.hpp"
#include "tools/tessera/client/private_file.hpp"
#include "tools/tessera/cms_cli.hpp"
#include "tools/tessera/common_options.hpp"
#include "tools/tessera/softtoken_cli.hpp"
#include "tools/tessera/softtoken_device.hpp"

namespace tessera::cli::softtoken {
namespace {

struct PresentArgs {
  std::string file, aud, nonce, disclose, slot = "9e", out, pin_file;
  std::uint32_t device_token = 0;
};

std::set<std::string> Names(const std::string& list) {
  std::set<std::string> out;
  std::stringstream in(list);
  for (std::string name; std::getline(in, name, ',');) {
    if (!name.empty()) out.insert(name);
  }
  return out;
}

Status Run(Context& ctx, const PresentArgs& a) {
  TESSERA_ASSIGN_OR_RETURN(std::string token, ReadPrivateFile(a.file));
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  auto env = LoadEnvironment(ctx);
  if (!env) return Status::Ok();  // reported
  TESSERA_ASSIGN_OR_RETURN(std::unique_ptr<DeviceToken> device,
                           DeviceToken::Open(env->settings, a.device_token));
  TESSERA_ASSIGN_OR_RETURN(DeviceKey key, device->EnsureKey(a.slot, {}));
  if (key.needs_pin) {
    TESSERA_ASSIGN_OR_RETURN(SecureBytes pin,
                             ReadPin(a.pin_file, "PIN of token " + std::to_string(a.device_token)));
    TESSERA_RETURN_IF_ERROR(device->UsePin(std::move(pin)));
  }
  jose::KeyBinding binding;
  binding.aud = a.aud;
  binding.nonce = a.nonce;
  binding.iat = static_cast<std::int64_t>(std::time(nullptr));
  binding.signer = [&](const std::string& input) {
    return device->SignEs256(a.slot, AsBytes(input));
  };
  TESSERA_ASSIGN_OR_RETURN(std::string presentation,
                           jose::PresentSdJwt(token, Names(a.disclose), binding));
  if (a.out.empty()) {
    std::cout << presentation << "\n";
    return Status::Ok();
  }
  return WritePrivateFile(a.out, presentation);
}

}  // namespace

void AddPresentCommand(CLI::App& softtoken, Context& ctx) {
  auto a = std::make_shared<PresentArgs>();
  CLI::App* cmd = softtoken.add_subcommand(
      "present", "On the device: a presentation of the SD-JWT VC with a Key Binding JWT");
  cmd->add_option("FILE", a->file, "the SD-JWT VC (mode 0600)")->required();
  cmd->add_option("--device-token", a->device_token, "the device token's serial")->required();
  cmd->add_option("--aud", a->aud, "the verifier (the KB-JWT's aud)")->required();
  cmd->add_option("--nonce", a->nonce, "the verifier's nonce")->required();
  cmd->add_option("--disclose", a->disclose, "claims to disclose, comma-separated (default none)");
  cmd->add_option("--slot", a->slot, "the PIV slot of the device key (9e)")
      ->check(CLI::IsMember({"9a", "9c", "9d", "9e"}, CLI::ignore_case));
  cmd->add_option("--pin-file", a->pin_file, "the device token's PIN, for a key that asks for it")
      ->default_str("ask on the terminal");
  cmd->add_option("--out", a->out, "write the presentation to FILE (mode 0600); default stdout");
  cmd->callback([&ctx, a] { ctx.Check("softtoken present", Run(ctx, *a)); });
}

}  // namespace tessera::cli::softtoken
