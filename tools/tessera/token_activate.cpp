// tessera token activate: the user's step (seed 000 claim 8; docs/cli.md
// "The CMS"). With the user's PIN the token unwraps the stored key package
// with F0 into slot 9C (C_UnwrapKey; the token deletes the package in the
// same step), signs an activation receipt with the new key, and the CMS
// checks it against the certificate it issued.
#include <ctime>
#include <iostream>

#include "common/piv/key_package.hpp"
#include "common/piv/wrapped_key.hpp"
#include "services/cms/receipt.hpp"
#include "services/jose/jws.hpp"
#include "tools/tessera/client/https_client.hpp"
#include "tools/tessera/client/token_p11.hpp"
#include "tools/tessera/cms_cli.hpp"

namespace tessera::cli {
namespace {

struct ActivateArgs {
  ServerOptions server;
  std::uint32_t token = 0;
  std::string pin_file;
};

Status Activate(const ActivateArgs& a) {
  const std::string module = Pkcs11ModulePath(a.server.module);
  TESSERA_ASSIGN_OR_RETURN(TokenP11 token, TokenP11::Open(module, a.token));
  TESSERA_ASSIGN_OR_RETURN(std::optional<Bytes> stored, token.ReadKeyPackage());
  if (!stored) {
    return Status::NotFound("token " + std::to_string(a.token) +
                            " holds no key package (not bound, or activated already)");
  }
  TESSERA_ASSIGN_OR_RETURN(piv::KeyPackage package, piv::ParseKeyPackage(*stored));
  TESSERA_ASSIGN_OR_RETURN(piv::wrap::Binding binding, piv::wrap::ParseSharedData(package.shared));
  if (binding.serial != a.token) {
    return Status::ConditionsNotSatisfied("the key package is for token " +
                                          std::to_string(binding.serial));
  }
  TESSERA_ASSIGN_OR_RETURN(SecureBytes pin,
                           ReadPin(a.pin_file, "PIN of token " + std::to_string(a.token)));
  TESSERA_RETURN_IF_ERROR(token.LoginUser(pin));
  TESSERA_RETURN_IF_ERROR(token.UnwrapKeyPackage(*stored));
  cms::ActivationReceipt receipt{ToHex(binding.context), a.token, std::time(nullptr)};
  TESSERA_ASSIGN_OR_RETURN(std::string payload, cms::EncodeReceipt(receipt));
  TESSERA_ASSIGN_OR_RETURN(
      std::string jws,
      jose::SignCompact(
          jose::JwsAlg::kEs256, cms::kReceiptType, std::nullopt, payload,
          [&](const std::string& input) {
            return token.SignEs256(
                "9c", ByteView(reinterpret_cast<const std::uint8_t*>(input.data()), input.size()),
                &pin);
          }));
  TESSERA_ASSIGN_OR_RETURN(HttpsClient client,
                           HttpsClient::Connect({a.server.server, a.server.ca_file, {}, 30}));
  TESSERA_ASSIGN_OR_RETURN(nlohmann::json binding_json,
                           client.Json("POST", "/cms/activations", {{"receipt", jws}}));
  std::cout << "token " << a.token << " active for user "
            << binding_json.at("user_id").get<std::string>() << "\n";
  return Status::Ok();
}

}  // namespace

void AddTokenActivate(CLI::App& token, Context& ctx) {
  auto args = std::make_shared<ActivateArgs>();
  CLI::App* activate = token.add_subcommand(
      "activate", "Unwrap the key the CMS delivered into slot 9C and confirm it to the CMS");
  AddServerOptions(*activate, args->server);
  activate->add_option("--token", args->token, "the token's serial")->required();
  activate->add_option("--pin-file", args->pin_file, "the token's PIN (mode 0600)");
  activate->callback([&ctx, args] { ctx.Check("token activate", Activate(*args)); });
}

}  // namespace tessera::cli
