// tessera cms user add | import | show, cms officer add, cms token show |
// list | revoke: the CMS's administrative commands, run on the CMS host
// against the directory and the HSM directly (docs/cli.md "The CMS").
// `cms token register` talks to tesserad instead (cms_station_commands.cpp).
#include <fstream>
#include <iostream>
#include <iterator>

#include "services/ca/revocation_reason.hpp"
#include "services/cms/cms_json.hpp"
#include "services/cms/users_csv.hpp"
#include "tools/tessera/client/token_p11.hpp"
#include "tools/tessera/cms_cli.hpp"
#include "tools/tessera/commands.hpp"

namespace tessera::cli {
namespace {

struct UserArgs {
  CmsAdminOptions admin;
  directory::UserRecord user;
  std::string file;
  std::string id;
  bool json = false;
};

struct OfficerArgs {
  CmsAdminOptions admin;
  std::uint32_t token = 0;
  std::string id, name, role = "officer", pin_file, module;
  bool json = false;
};

struct TokenArgs {
  CmsAdminOptions admin;
  std::uint32_t serial = 0;
  std::string state, reason;
  bool json = false;
};

void AddUserCommands(CLI::App& group, Context& ctx) {
  CLI::App* user = group.add_subcommand("user", "Users the CMS binds tokens to");
  user->require_subcommand(1);
  auto args = std::make_shared<UserArgs>();

  CLI::App* add = user->add_subcommand("add", "Add one user");
  AddCmsAdminOptions(*add, args->admin, false);
  add->add_option("--id", args->user.id, "user ID")->required();
  add->add_option("--name", args->user.display_name, "full name")->required();
  add->add_option("--org", args->user.organization, "organization");
  add->add_option("--email", args->user.email, "e-mail address");
  add->add_option("--document", args->user.document, "identity document number");
  add->callback([&ctx, args] {
    auto service = OpenCms(ctx, args->admin);
    if (service && ctx.Check("cms user add", service->AddUser(args->user, CliCaller()))) {
      std::cout << "user " << args->user.id << " added\n";
    }
  });

  CLI::App* import = user->add_subcommand("import", "Add users from a CSV file, all or none");
  AddCmsAdminOptions(*import, args->admin, false);
  import->add_option("file", args->file, "CSV: id,name[,organization,email,document,photo_sha256]")
      ->required();
  import->callback([&ctx, args] {
    std::ifstream in(args->file, std::ios::binary);
  if (!in) {
    ctx.Check("cms user import", Status::NotFound("cannot read " + args->file));
    return;
  }
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto users = cms::ParseUsersCsv(text);
  if (!ctx.Check("cms user import: " + args->file, users.status())) return;
  auto service = OpenCms(ctx, args->admin);
  if (!service) return;
  auto count = service->ImportUsers(*users, CliCaller());
  if (ctx.Check("cms user import", count.status())) {
    std::cout << *count << " users imported\n";
  }
});

CLI::App* show = user->add_subcommand("show", "One user and its bindings");
AddCmsAdminOptions(*show, args->admin, false);
show->add_option("id", args->id, "user ID")->required();
show->add_flag("--json", args->json, "the REST API's JSON");
show->callback([&ctx, args] {
  auto service = OpenCms(ctx, args->admin);
  if (!service) return;
  auto json = cms::ShowUser(service->database(), args->id);
  if (!ctx.Check("cms user show", json.status())) return;
  if (args->json) return PrintJson(*json);
  std::cout << (*json)["id"].get<std::string>() << "  " << (*json)["name"].get<std::string>()
            << "  " << (*json)["organization"].get<std::string>() << "  "
            << (*json)["email"].get<std::string>() << "\n";
  for (const auto& b : (*json)["bindings"]) {
    std::cout << "  token " << b["token_serial"] << "  " << b["state"].get<std::string>()
              << "  request " << b["request_id"].get<std::string>() << "\n";
  }
});
}  // namespace

void AddOfficerCommand(CLI::App& group, Context& ctx) {
  CLI::App* officer = group.add_subcommand("officer", "Tokenizing officers");
  officer->require_subcommand(1);
  auto args = std::make_shared<OfficerArgs>();
  CLI::App* add = officer->add_subcommand(
      "add", "Enroll an officer: a key made on the officer's token, its certificate from the CA");
  AddCmsAdminOptions(*add, args->admin, true);
  add->add_option("--token", args->token, "the officer's token serial")->required();
  add->add_option("--id", args->id, "officer ID")->required();
  add->add_option("--name", args->name, "officer's full name")->required();
  add->add_option("--role", args->role, "officer, administrator or auditor")
      ->check(CLI::IsMember({"officer", "administrator", "auditor"}));
  add->add_option("--pin-file", args->pin_file, "the officer token's PIN (mode 0600)")
      ->default_str("ask on the terminal");
  add->add_option("--module", args->module,
                  "the Tessera PKCS#11 module (default: $TESSERA_PKCS11_MODULE, else the "
                  "installed one)");
  add->add_flag("--json", args->json, "print the officer as JSON");
  add->callback([&ctx, args] {
    auto token = TokenP11::Open(Pkcs11ModulePath(args->module), args->token);
    if (!ctx.Check("opening officer token " + std::to_string(args->token), token.status())) return;
    auto pin = ReadPin(args->pin_file, "PIN of token " + std::to_string(args->token));
    if (!ctx.Check("reading the PIN", pin.status())) return;
    if (!ctx.Check("logging in to the officer token", token->LoginUser(*pin))) return;
    auto public_key = token->GenerateP256("9a");
    if (!ctx.Check("generating the officer key in slot 9a", public_key.status())) return;
    auto service = OpenCms(ctx, args->admin);
    if (!service) return;
    cms::EnrollOfficerRequest request{args->id, args->name, args->role, args->token, *public_key};
    auto officer_record = service->EnrollOfficer(request, CliCaller());
    if (!ctx.Check("cms officer add", officer_record.status())) return;
    if (!ctx.Check("writing the officer certificate to slot 9a",
                   token->WriteCertificate("9a", officer_record->certificate))) {
      return;
    }
    if (args->json) return PrintJson(cms::OfficerJson(*officer_record));
    std::cout << "officer " << args->id << " (" << args->role << ") on token " << args->token
              << ", certificate " << ToHex(officer_record->cert_serial) << "\n";
  });
}

void PrintTokenLine(const nlohmann::json& t) {
  std::cout << t["serial"] << "  " << t["state"].get<std::string>() << "  "
            << (t["user_id"].is_null() ? std::string("-") : t["user_id"].get<std::string>()) << "  "
            << t["transport"].get<std::string>() << "\n";
}

void AddTokenAdminCommands(CLI::App& token, Context& ctx) {
  auto args = std::make_shared<TokenArgs>();
  CLI::App* show = token.add_subcommand("show", "One token of the inventory and its bindings");
  AddCmsAdminOptions(*show, args->admin, false);
  show->add_option("serial", args->serial, "token serial")->required();
  show->add_flag("--json", args->json, "the REST API's JSON");
  show->callback([&ctx, args] {
    auto service = OpenCms(ctx, args->admin);
    if (!service) return;
    auto json = cms::ShowToken(service->database(), args->serial);
    if (!ctx.Check("cms token show", json.status())) return;
    if (args->json) return PrintJson(*json);
    PrintTokenLine(*json);
    for (const auto& b : (*json)["bindings"]) {
      std::cout << "  user " << b["user_id"].get<std::string>() << "  "
                << b["state"].get<std::string>() << "  request "
                << b["request_id"].get<std::string>() << "\n";
    }
  });
  CLI::App* list = token.add_subcommand("list", "The token inventory");
  AddCmsAdminOptions(*list, args->admin, false);
  list->add_option("--state", args->state, "only tokens in this state")
      ->check(CLI::IsMember({"inventory", "bound", "active", "revoked"}));
  list->add_flag("--json", args->json, "the REST API's JSON");
  list->callback([&ctx, args] {
    auto service = OpenCms(ctx, args->admin);
    if (!service) return;
    auto json = cms::ListTokensJson(service->database(), args->state);
    if (!ctx.Check("cms token list", json.status())) return;
    if (args->json) return PrintJson(*json);
    for (const auto& t : (*json)["tokens"]) PrintTokenLine(t);
  });
  CLI::App* revoke =
      token.add_subcommand("revoke", "Revoke a token: its binding and every certificate on it");
  AddCmsAdminOptions(*revoke, args->admin, true);
  revoke->add_option("serial", args->serial, "token serial")->required();
  revoke
      ->add_option("--reason", args->reason,
                   "lost (keyCompromise), stolen (keyCompromise), damaged (cessationOfOperation), "
                   "or an RFC 5280 reason name")
      ->required();
  revoke->callback([&ctx, args] {
    std::string reason = args->reason;
    if (reason == "lost" || reason == "stolen") reason = "keyCompromise";
    if (reason == "damaged") reason = "cessationOfOperation";
    auto code = ca::RevocationReasonFromName(reason);
    if (!ctx.Check("--reason", code.status())) return;
    auto service = OpenCms(ctx, args->admin);
    if (!service) return;
    auto token_record = service->RevokeToken(args->serial, *code, CliCaller());
    if (ctx.Check("cms token revoke", token_record.status())) {
      std::cout << "token " << args->serial << " revoked (" << reason << ")\n";
    }
  });
}

}  // namespace tessera::cli

void AddCmsCommands(CLI::App& app, Context& ctx) {
  CLI::App* group = app.add_subcommand(
      "cms", "The certificate management system: users, officers and the token inventory");
  group->require_subcommand(1);
  AddUserCommands(*group, ctx);
  AddOfficerCommand(*group, ctx);
  CLI::App* token = group->add_subcommand("token", "The token inventory");
  token->require_subcommand(1);
  AddTokenAdminCommands(*token, ctx);
  AddCmsStationCommands(*token, ctx);
}

}  // namespace tessera::cli
