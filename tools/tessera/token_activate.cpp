// tessera token activate: the user's step (seed 000 claim 8; docs/cli.md
// "The CMS"). With the user's PIN the token unwraps the stored key package
// with F0 into slot 9C (C_UnwrapKey; the token deletes the package in the
// same step), signs an activation receipt with the new key, and the CMS
// checks it against the certificate it issued. The CMS answers with the
// card's PIV Authentication key (issue 15), wrapped to F0 for slot 9A: the
// token unwraps it into 9A and the certificate goes to 9A's container
// (5FC105), where TLS clients find it.
#include <ctime>
#include <iostream>

#include "common/ossl.hpp"
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

constexpr std::uint8_t kSlot9A = 0x9A;  // PIV Authentication (SP 800-73-4 Part 1 Table 4b)

// The 9A delivery of the activation answer: a package for this token, slot
// 9A and this binding's request, unwrapped into 9A; its certificate, for the
// key that arrived there, written to 9A's container.
Status StoreAuthenticationKey(TokenP11& token, const nlohmann::json& answer,
                              const piv::wrap::Binding& binding) {
  TESSERA_ASSIGN_OR_RETURN(
      Bytes encoded,
      jose::Base64UrlDecode(answer.at("authentication_key_package").get<std::string>()));
  TESSERA_ASSIGN_OR_RETURN(
      Bytes certificate,
      jose::Base64UrlDecode(answer.at("authentication_certificate").get<std::string>()));
  TESSERA_ASSIGN_OR_RETURN(piv::KeyPackage package, piv::ParseKeyPackage(encoded));
  TESSERA_ASSIGN_OR_RETURN(piv::wrap::Binding names, piv::wrap::ParseSharedData(package.shared));
  if (names.serial != binding.serial || names.target != kSlot9A ||
      names.context != binding.context) {
    return Status::ConditionsNotSatisfied(
        "the CMS's 9A key package is not for this token's slot 9a and binding");
  }
  TESSERA_ASSIGN_OR_RETURN(ossl::X509Ptr x509, ossl::CertFromDer(certificate));
  TESSERA_ASSIGN_OR_RETURN(Bytes certified, ossl::PublicKeyToDer(X509_get0_pubkey(x509.get())));
  TESSERA_RETURN_IF_ERROR(token.UnwrapKeyPackage(encoded));
  TESSERA_ASSIGN_OR_RETURN(Bytes stored, token.PublicKey("9a"));
  if (stored != certified) {
    return Status::ConditionsNotSatisfied(
        "the key unwrapped into 9a is not the one the 9A certificate names");
  }
  return token.WriteCertificate("9a", certificate);
}

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
  // A CMS from before issue 15 answers with the binding only: 9C is active
  // all the same.
  if (!binding_json.contains("authentication_key_package")) {
    std::cerr << "the CMS delivered no PIV Authentication key: slot 9a left as it was\n";
    return Status::Ok();
  }
  TESSERA_RETURN_IF_ERROR(StoreAuthenticationKey(token, binding_json, binding));
  std::cout << "slot 9a: PIV Authentication key and certificate stored\n";
  return Status::Ok();
}

}  // namespace

void AddTokenActivate(CLI::App& token, Context& ctx) {
  auto args = std::make_shared<ActivateArgs>();
  CLI::App* activate = token.add_subcommand(
      "activate",
      "Unwrap the key the CMS delivered into slot 9C, confirm it to the CMS, and store the PIV "
      "Authentication key it answers with in slot 9A");
  AddServerOptions(*activate, args->server);
  activate->add_option("--token", args->token, "the token's serial")->required();
  activate->add_option("--pin-file", args->pin_file, "the token's PIN (mode 0600)")
      ->default_str("ask on the terminal");
  activate->callback([&ctx, args] { ctx.Check("token activate", Activate(*args)); });
}

}  // namespace tessera::cli
