// tessera officer bind: the tokenizing officer's terminal (seed 000 claims
// 2, 4, 5, 7; docs/cli.md "The CMS"). With the officer's token (its key and
// certificate in slot 9a) it signs E-form v1, shows the CMS's v2 beside what
// the officer typed, countersigns v2 once every field is confirmed, and
// writes the key package and the user's certificate to the user's token.
#include <iostream>

#include "services/cms/eform.hpp"
#include "services/jose/jws.hpp"
#include "tools/tessera/client/https_client.hpp"
#include "tools/tessera/client/token_p11.hpp"
#include "tools/tessera/cms_cli.hpp"

namespace tessera::cli {
namespace {

// The factory PIV management key (docs/tessera-sim.md): a new user token
// still has it when the officer writes to it.
constexpr char kFactoryManagementKey[] = "010203040506070801020304050607080102030405060708";

struct BindArgs {
  ServerOptions server;
  std::string user, document, document_type = "id-card", officer, pin_file, management_key_file;
  std::uint32_t token = 0, officer_token = 0;
  bool yes = false;
};

// Shows v2 beside what was typed and asks for each field, unless --yes;
// refuses on any difference either way (claim 5).
Status Confirm(const cms::EformV2& v2, const cms::EformV1& typed, bool yes) {
  std::cout << "E-form v2 (request " << v2.request_id << ")\n"
            << "  user          " << v2.user.id << "   typed " << typed.user_id << "\n"
            << "  name          " << v2.user.name << "\n"
            << "  organization  " << v2.user.organization << "\n"
            << "  e-mail        " << v2.user.email << "\n"
            << "  document      " << v2.user.document << "   reviewed "
            << typed.reviewed.document_type << " " << typed.reviewed.document_number << "\n"
            << "  token         " << v2.token_serial << "   typed " << typed.token_serial << "\n";
  std::vector<std::string> differences = cms::CompareWithTyped(v2, typed);
  if (!v2.user.document.empty() && v2.user.document != typed.reviewed.document_number) {
    differences.push_back("document: the directory says " + v2.user.document +
                          ", the reviewed document is " + typed.reviewed.document_number);
  }
  if (!differences.empty()) {
    std::string all;
    for (const std::string& d : differences) all += "\n  " + d;
    return Status::ConditionsNotSatisfied("v2 does not match what the officer typed:" + all);
  }
  if (yes) return Status::Ok();
  for (const char* field : {"user", "name", "document", "token"}) {
    std::cout << "confirm " << field << " [y/N]: " << std::flush;
    std::string answer;
    if (!std::getline(std::cin, answer) || (answer != "y" && answer != "Y")) {
      return Status::ConditionsNotSatisfied(std::string("the officer did not confirm ") + field);
    }
  }
  return Status::Ok();
}

Status Bind(const BindArgs& a) {
  const std::string module = Pkcs11ModulePath(a.server.module);
  TESSERA_ASSIGN_OR_RETURN(TokenP11 officer, TokenP11::Open(module, a.officer_token));
  TESSERA_ASSIGN_OR_RETURN(
      SecureBytes pin,
      ReadPin(a.pin_file, "PIN of officer token " + std::to_string(a.officer_token)));
  TESSERA_RETURN_IF_ERROR(officer.LoginUser(pin));
  TESSERA_ASSIGN_OR_RETURN(ClientCertificate client_cert, ClientCertificateFromSlot(officer, "9a"));
  TESSERA_ASSIGN_OR_RETURN(
      HttpsClient client,
      HttpsClient::Connect({a.server.server, a.server.ca_file, client_cert, 30}));
  TESSERA_ASSIGN_OR_RETURN(nlohmann::json nonce, client.Json("POST", "/cms/nonces"));
  cms::EformV1 v1;
  v1.user_id = a.user;
  v1.token_serial = a.token;
  v1.reviewed = {a.document_type, a.document};
  TESSERA_ASSIGN_OR_RETURN(v1.nonce, jose::Base64UrlDecode(nonce.at("nonce").get<std::string>()));
  v1.time = std::time(nullptr);
  v1.officer = a.officer;
  TESSERA_ASSIGN_OR_RETURN(std::string v1_payload, cms::EncodeV1(v1));
  auto signer = [&officer](const std::string& input) {
    return officer.SignEs256(
        "9a", ByteView(reinterpret_cast<const std::uint8_t*>(input.data()), input.size()));
  };
  TESSERA_ASSIGN_OR_RETURN(
      std::string v1_jws,
      jose::SignCompact(jose::JwsAlg::kEs256, cms::kEformV1Type, a.officer, v1_payload, signer));
  TESSERA_ASSIGN_OR_RETURN(nlohmann::json v2_answer,
                           client.Json("POST", "/cms/eforms", {{"v1", v1_jws}}));
  const std::string v2_payload = v2_answer.at("v2").get<std::string>();
  TESSERA_ASSIGN_OR_RETURN(cms::EformV2 v2, cms::DecodeV2(v2_payload));
  TESSERA_RETURN_IF_ERROR(Confirm(v2, v1, a.yes));
  TESSERA_ASSIGN_OR_RETURN(
      std::string v2_jws,
      jose::SignCompact(jose::JwsAlg::kEs256, cms::kEformV2Type, a.officer, v2_payload, signer));
  TESSERA_ASSIGN_OR_RETURN(
      nlohmann::json bound,
      client.Json("POST", "/cms/requests/" + v2.request_id + "/bind", {{"v2", v2_jws}}));
  TESSERA_ASSIGN_OR_RETURN(Bytes package,
                           jose::Base64UrlDecode(bound.at("key_package").get<std::string>()));
  TESSERA_ASSIGN_OR_RETURN(Bytes certificate,
                           jose::Base64UrlDecode(bound.at("certificate").get<std::string>()));

  // Claim 7: the officer stores the package and the certificate on the token.
  TESSERA_ASSIGN_OR_RETURN(TokenP11 user_token, TokenP11::Open(module, a.token));
  SecureBytes management_key(Bytes(kFactoryManagementKey, kFactoryManagementKey + 48));
  if (!a.management_key_file.empty()) {
    TESSERA_ASSIGN_OR_RETURN(management_key, ReadPin(a.management_key_file, "management key"));
  }
  TESSERA_RETURN_IF_ERROR(user_token.LoginSo(management_key));
  TESSERA_RETURN_IF_ERROR(user_token.WriteKeyPackage(package));
  TESSERA_RETURN_IF_ERROR(user_token.WriteCertificate("9c", certificate));
  std::cout << "user " << a.user << " bound to token " << a.token << " (request " << v2.request_id
            << ")";
  for (const auto& superseded : bound.at("superseded_tokens")) {
    std::cout << "; token " << superseded << " revoked (superseded)";
  }
  std::cout << "\nthe user activates it with: tessera token activate --token " << a.token << "\n";
  return Status::Ok();
}

}  // namespace

void AddOfficerCommands(CLI::App& app, Context& ctx) {
  CLI::App* officer = app.add_subcommand("officer", "The tokenizing officer's terminal");
  officer->require_subcommand(1);
  auto args = std::make_shared<BindArgs>();
  CLI::App* bind = officer->add_subcommand(
      "bind", "Bind a user to a token: E-forms signed on the officer's token, key delivered");
  AddServerOptions(*bind, args->server);
  bind->add_option("--user", args->user, "user ID")->required();
  bind->add_option("--token", args->token, "the user's token serial")->required();
  bind->add_option("--document", args->document, "number of the document reviewed")->required();
  bind->add_option("--document-type", args->document_type, "passport, id-card, ... (id-card)");
  bind->add_option("--officer", args->officer, "the officer's ID")->required();
  bind->add_option("--officer-token", args->officer_token, "the officer's token serial")
      ->required();
  bind->add_option("--pin-file", args->pin_file, "the officer token's PIN (mode 0600)")
      ->default_str("ask on the terminal");
  bind->add_option("--management-key-file", args->management_key_file,
                   "the user token's management key in hex (mode 0600; default: factory key)");
  bind->add_flag("--yes", args->yes, "confirm every field that matches (still refuses a mismatch)");
  bind->callback([&ctx, args] { ctx.Check("officer bind", Bind(*args)); });
}

}  // namespace tessera::cli
