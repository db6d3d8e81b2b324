// tessera cms token register (--token SERIAL | --all): the registration
// station (seed 000 claims 1, 11; docs/cli.md "The CMS"). Reads each token
// through the PKCS#11 module (serial, F0, its attestation, the F9
// certificate, the CHUID, which key slots are used) and posts it to the CMS,
// which checks the attestation before it records anything.
#include <iostream>

#include "services/jose/jws.hpp"
#include "tools/tessera/client/https_client.hpp"
#include "tools/tessera/client/token_p11.hpp"
#include "tools/tessera/cms_cli.hpp"
#include "tools/tessera/common_options.hpp"

namespace tessera::cli {
namespace {

struct RegisterArgs {
  ServerOptions server;
  std::uint32_t token = 0;
  bool all = false;
  bool json = false;
  std::string progress = "auto";
};

Status RegisterOne(HttpsClient& client, const std::string& module, std::uint32_t serial,
                   bool json) {
  TESSERA_ASSIGN_OR_RETURN(TokenP11 token, TokenP11::Open(module, serial));
  TESSERA_ASSIGN_OR_RETURN(TokenFacts facts, token.ReadFacts());
  const nlohmann::json body = {{"serial", facts.serial},
                               {"token_key", jose::Base64UrlEncode(facts.token_key)},
                               {"attestation", jose::Base64UrlEncode(facts.attestation)},
                               {"attestation_ca", jose::Base64UrlEncode(facts.attestation_ca)},
                               {"chuid", jose::Base64UrlEncode(facts.chuid)},
                               {"transport", facts.transport},
                               {"used_key_slots", facts.used_key_slots}};
  TESSERA_ASSIGN_OR_RETURN(nlohmann::json answer, client.Json("POST", "/cms/tokens", body));
  if (json) {
    PrintJson(answer);
  } else {
    std::cout << "token " << serial << " registered (" << facts.transport << ", registration "
              << answer.value("registrations", 1) << ")\n";
  }
  return Status::Ok();
}

}  // namespace

void AddCmsStationCommands(CLI::App& token, Context& ctx) {
  auto args = std::make_shared<RegisterArgs>();
  CLI::App* reg = token.add_subcommand(
      "register", "Read tokens through PKCS#11 and register them with the CMS");
  AddServerOptions(*reg, args->server);
  auto* one = reg->add_option("--token", args->token, "the token's serial")->default_str("none");
  auto* all = reg->add_flag("--all", args->all, "every token the module shows");
  one->excludes(all);
  reg->add_flag("--json", args->json, "print each answer as JSON");
  AddProgressOption(*reg, args->progress);
  reg->callback([&ctx, args] {
    if (!args->all && args->token == 0) {
      ctx.exit_code = kExitUsage;
      std::cerr << "tessera: cms token register: give --token SERIAL or --all\n";
      return;
    }
    const std::string module = Pkcs11ModulePath(args->server.module);
    auto client = HttpsClient::Connect({args->server.server, args->server.ca_file, {}, 30});
    if (!ctx.Check("connecting to " + args->server.server, client.status())) return;
    std::vector<std::uint32_t> serials;
    if (args->all) {
      auto tokens = TokenP11::List(module);
      if (!ctx.Check("listing tokens", tokens.status())) return;
      for (const auto& [serial, description] : *tokens) serials.push_back(serial);
    } else {
      serials.push_back(args->token);
    }
    ProgressRenderer progress =
        MakeProgressRenderer(args->progress, args->all, "tessera: cms token register");
    ProgressCount count{0, 0, serials.size()};
    for (std::uint32_t serial : serials) {
      // One refusal does not stop the others; the exit code says some failed.
      if (!ctx.Check("registering token " + std::to_string(serial),
                     RegisterOne(*client, module, serial, args->json))) {
        ++count.failed;
      }
      ++count.done;
      progress.Update(count);
    }
    progress.Finish(count);
  });
}

}  // namespace tessera::cli
