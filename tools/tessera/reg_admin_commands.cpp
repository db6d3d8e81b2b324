// tessera reg init | code issue | app add|list|remove | entitlement
// grant|revoke: the registration gateway's administrative commands (seed
// 001; docs/cli.md "The registration gateway"), run on the gateway host
// against the directory and the HSM directly, as the CMS's are.
#include <charconv>
#include <iostream>

#include "services/ca/csr.hpp"
#include "services/registration/registration_service.hpp"
#include "tools/tessera/cms_cli.hpp"
#include "tools/tessera/commands.hpp"
#include "tools/tessera/common_options.hpp"
#include "tools/tessera/reg_cli.hpp"

namespace tessera::cli {
namespace {

struct AdminArgs {
  std::string directory;
  std::string hsm;
  std::string ca;
  std::string url;
  std::string name = "default";
  std::string subject;
  std::string user, app, expires = "7d";
  std::vector<std::string> paths, settings;
  bool json = false;
};

registration::Caller RegCaller() {
  const cms::Caller c = CliCaller();
  return registration::Caller{c.name, c.request_id};
}

std::shared_ptr<registration::RegistrationService> OpenReg(Context& ctx, const AdminArgs& a) {
  auto env = LoadEnvironment(ctx);
  if (!env) return nullptr;
  auto db = directory::OpenDatabase(DirectoryUrl(*env, a.directory));
  if (!ctx.Check("opening the directory", db.status())) return nullptr;
  ca::HsmOpener opener = LazyHsmOpener(*env);
  std::shared_ptr<directory::Database> database(std::move(db).value());
  ca::CaOptions ca_options;
  ca_options.base_url = a.url;
  auto ca_service = std::make_shared<ca::CaService>(database, opener, ca_options);
  registration::RegistrationOptions options;
  options.server = a.name;
  return std::make_shared<registration::RegistrationService>(database, ca_service, opener, options);
}

// "7d", "12h", "30m", "90s" or plain seconds.
Result<std::int64_t> ParseLifetime(const std::string& text) {
  std::string_view v = text;
  std::int64_t scale = 1;
  if (!v.empty()) {
    switch (v.back()) {
      case 'd': scale = 86400; break;
      case 'h': scale = 3600; break;
      case 'm': scale = 60; break;
      case 's': scale = 1; break;
      default: scale = 0; break;
    }
    if (scale != 0) v.remove_suffix(1);
    if (scale == 0) scale = 1;
  }
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || ec != std::errc() || end != v.data() + v.size() || n <= 0) {
    return Status::InvalidArgument("--expires: expected 7d, 12h, 30m, 90s or seconds, got '" +
                                   text + "'");
  }
  return n * scale;
}

// "k=v" settings into a JSON object (values that parse as JSON keep their
// type: timeout_ms=5000 is a number).
Result<std::string> SettingsJson(const std::vector<std::string>& settings) {
  nlohmann::json out = nlohmann::json::object();
  for (const std::string& s : settings) {
    const std::size_t eq = s.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Status::InvalidArgument("--setting: expected KEY=VALUE, got '" + s + "'");
    }
    const std::string value = s.substr(eq + 1);
    nlohmann::json parsed = nlohmann::json::parse(value, nullptr, false);
    out[s.substr(0, eq)] = parsed.is_discarded() ? nlohmann::json(value) : parsed;
  }
  return out.dump();
}

void AddInit(CLI::App& reg, Context& ctx, const std::shared_ptr<AdminArgs>& args) {
  CLI::App* init = reg.add_subcommand(
      "init", "Make the gateway's keys in the HSM and its certificate from the issuer CA");
  AddDirectoryOption(*init, args->directory);
  init->add_option("--hsm", args->hsm, "the HSM (token label) for the gateway's keys")->required();
  init->add_option("--ca", args->ca, "the issuer CA (P-256) that certifies the gateway")
      ->required();
  init->add_option("--name", args->name, "the gateway's name (default: default)");
  init->add_option("--subject", args->subject, "the certificate's CN");
  init->add_option("--url", args->url, "the CA's base URL (CRL and OCSP pointers)");
  init->add_flag("--json", args->json, "print the result as JSON");
  init->callback([&ctx, args] {
    auto service = OpenReg(ctx, *args);
    if (!service) return;
    auto answer = service->Init({args->name, args->hsm, args->ca, args->subject}, RegCaller());
    if (!ctx.Check("reg init", answer.status())) return;
    auto certificate = ca::CertificatePem(answer->server.certificate);
    auto issuer = ca::CertificatePem(answer->issuer_certificate);
    if (!ctx.Check("reg init", certificate.ok() ? issuer.status() : certificate.status())) return;
    if (args->json) {
      return PrintJson({{"name", answer->server.name},
                        {"hsm", answer->server.hsm},
                        {"ca", answer->server.ca},
                        {"key_label", answer->server.key_label},
                        {"certificate_serial", ToHex(answer->server.cert_serial)},
                        {"certificate", *certificate},
                        {"issuer_certificate", *issuer}});
    }
    std::cout << "registration gateway " << answer->server.name << ": key "
              << answer->server.key_label << " in " << answer->server.hsm << ", certificate "
              << ToHex(answer->server.cert_serial) << " from CA " << answer->server.ca << "\n"
              << "the issuer key tokens embed (tessera personalize ... --issuer-key FILE):\n"
              << *issuer;
  });
}

void AddCode(CLI::App& reg, Context& ctx, const std::shared_ptr<AdminArgs>& args) {
  CLI::App* code = reg.add_subcommand("code", "One-time enrolment codes");
  code->require_subcommand(1);
  CLI::App* issue = code->add_subcommand("issue", "Issue a code for a directory user");
  AddDirectoryOption(*issue, args->directory);
  issue->add_option("--user", args->user, "the user ID")->required();
  issue->add_option("--expires", args->expires, "lifetime: 7d (default), 12h, 30m, 90s");
  issue->add_option("--name", args->name, "the gateway's name (default: default)");
  issue->add_flag("--json", args->json, "print the code as JSON");
  issue->callback([&ctx, args] {
    auto lifetime = ParseLifetime(args->expires);
    if (!lifetime.ok()) {
      ctx.exit_code = kExitUsage;
      std::cerr << "tessera: " << lifetime.status().message() << "\n";
      return;
    }
    auto service = OpenReg(ctx, *args);
    if (!service) return;
    auto code_answer = service->IssueCode(args->user, *lifetime, RegCaller());
    if (!ctx.Check("reg code issue", code_answer.status())) return;
    if (args->json) {
      return PrintJson({{"user", code_answer->user_id},
                        {"code", code_answer->code},
                        {"expires_at", code_answer->expires_at}});
    }
    std::cout << code_answer->code << "\n";
  });
}

void AddApps(CLI::App& reg, Context& ctx, const std::shared_ptr<AdminArgs>& args) {
  CLI::App* app = reg.add_subcommand("app", "Application servers behind the gateway");
  app->require_subcommand(1);
  CLI::App* add = app->add_subcommand("add", "Add an application server");
  AddDirectoryOption(*add, args->directory);
  add->add_option("name", args->app, "the application's name")->required();
  add->add_option("--url", args->url, "its base URL, http:// or https://")->required();
  add->add_option("--setting", args->settings, "KEY=VALUE for clients' configuration");
  add->callback([&ctx, args] {
    auto settings = SettingsJson(args->settings);
    if (!settings.ok()) {
      ctx.exit_code = kExitUsage;
      std::cerr << "tessera: " << settings.status().message() << "\n";
      return;
    }
    auto service = OpenReg(ctx, *args);
    if (!service) return;
    directory::RegAppRecord record;
    record.name = args->app;
    record.base_url = args->url;
    record.settings = *settings;
    if (ctx.Check("reg app add", service->AddApp(record, RegCaller()))) {
      std::cout << "application " << args->app << " -> " << args->url << "\n";
    }
  });
  CLI::App* list = app->add_subcommand("list", "The application servers");
  AddDirectoryOption(*list, args->directory);
  list->add_flag("--json", args->json, "print JSON");
  list->callback([&ctx, args] {
    auto service = OpenReg(ctx, *args);
    if (!service) return;
    auto apps = service->ListApps();
    if (!ctx.Check("reg app list", apps.status())) return;
    nlohmann::json out = nlohmann::json::array();
    for (const auto& a : *apps) {
      out.push_back({{"name", a.name},
                     {"url", a.base_url},
                     {"settings", nlohmann::json::parse(a.settings, nullptr, false)}});
      if (!args->json) std::cout << a.name << "  " << a.base_url << "  " << a.settings << "\n";
    }
    if (args->json) PrintJson(out);
  });
  CLI::App* remove = app->add_subcommand("remove", "Remove an application and its entitlements");
  AddDirectoryOption(*remove, args->directory);
  remove->add_option("name", args->app, "the application's name")->required();
  remove->callback([&ctx, args] {
    auto service = OpenReg(ctx, *args);
    if (service && ctx.Check("reg app remove", service->RemoveApp(args->app, RegCaller()))) {
      std::cout << "application " << args->app << " removed\n";
    }
  });
}

void AddEntitlements(CLI::App& reg, Context& ctx, const std::shared_ptr<AdminArgs>& args) {
  CLI::App* ent = reg.add_subcommand("entitlement", "Which applications a user may reach");
  ent->require_subcommand(1);
  CLI::App* grant = ent->add_subcommand("grant", "Entitle USER to APP (under --path prefixes)");
  AddDirectoryOption(*grant, args->directory);
  grant->add_option("user", args->user, "the user ID")->required();
  grant->add_option("app", args->app, "the application")->required();
  grant->add_option("--path", args->paths, "a path prefix (default /); repeatable");
  grant->add_flag("--json", args->json, "print JSON");
  grant->callback([&ctx, args] {
    auto service = OpenReg(ctx, *args);
    if (!service) return;
    auto version = service->Grant(args->user, args->app, args->paths, RegCaller());
    if (!ctx.Check("reg entitlement grant", version.status())) return;
    PrintEntitlementChange(args->json, "granted", args->user, args->app, *version);
  });
  CLI::App* revoke = ent->add_subcommand("revoke", "Take APP away from USER");
  AddDirectoryOption(*revoke, args->directory);
  revoke->add_option("user", args->user, "the user ID")->required();
  revoke->add_option("app", args->app, "the application")->required();
  revoke->add_flag("--json", args->json, "print JSON");
  revoke->callback([&ctx, args] {
    auto service = OpenReg(ctx, *args);
    if (!service) return;
    auto version = service->Revoke(args->user, args->app, RegCaller());
    if (!ctx.Check("reg entitlement revoke", version.status())) return;
    PrintEntitlementChange(args->json, "revoked", args->user, args->app, *version);
  });
}

}  // namespace

void PrintEntitlementChange(bool json, const std::string& what, const std::string& user,
                            const std::string& app, const std::optional<std::int64_t>& version) {
  if (json) {
    nlohmann::json out = {{"user", user}, {"app", app}, {"change", what}};
    out["config_version"] = version ? nlohmann::json(*version) : nlohmann::json(nullptr);
    return PrintJson(out);
  }
  std::cout << app << " " << what << " for " << user;
  if (version) std::cout << " (configuration version " << *version << ")";
  std::cout << "\n";
}

void AddRegCommands(CLI::App& app, Context& ctx) {
  CLI::App* reg = app.add_subcommand(
      "reg", "The registration gateway: codes, applications, entitlements, and the user's side");
  reg->require_subcommand(1);
  AddRegAdminCommands(*reg, ctx);
  AddRegClientCommands(*reg, ctx);
}

void AddRegAdminCommands(CLI::App& reg, Context& ctx) {
  auto args = std::make_shared<AdminArgs>();
  AddInit(reg, ctx, args);
  AddCode(reg, ctx, args);
  AddApps(reg, ctx, args);
  AddEntitlements(reg, ctx, args);
}

}  // namespace tessera::cli
