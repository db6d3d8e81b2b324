// tessera reg register | login | sync | call | logout: the user's commands
// for the registration gateway (seed 001; docs/cli.md "The registration
// gateway"). Each reaches the token through host/transport (the sim
// socket, PC/SC, USB) with host::PivClient, and tesserad with HttpsClient.
#include <ctime>
#include <fstream>
#include <iostream>
#include <iterator>

#include "host/card/apdu_channel.hpp"
#include "host/card/piv_client.hpp"
#include "services/jose/jws.hpp"
#include "tools/tessera/cms_cli.hpp"
#include "tools/tessera/common_options.hpp"
#include "tools/tessera/reg_cli.hpp"
#include "tools/tessera/reg_client.hpp"

namespace tessera::cli {
namespace {

using nlohmann::json;

struct ClientArgs {
  std::string server, ca_file, user, code, pin_file, app, path, method = "GET", data, query;
  std::uint32_t token = 0;
  int slot = -1;
  bool json = false;
  bool cms = false;
};

// The token's PIV application on its route, with the PIN verified.
class PivOnToken {
 public:
  static std::unique_ptr<PivOnToken> Open(Context& ctx, std::uint32_t serial,
                                          const std::string& pin_file) {
    auto env = LoadEnvironment(ctx);
    if (!env) return nullptr;
    auto summary = FindBySerial(ctx, env->settings, serial);
    if (!summary) return nullptr;
    auto out = std::unique_ptr<PivOnToken>(new PivOnToken());
    auto transport = summary->reader->Connect();
    if (!ctx.Check("connecting to token " + std::to_string(serial), transport.status())) {
      return nullptr;
    }
    out->transport_ = std::move(*transport);
    host::ApduChannel::Options options;
    options.extended_length = out->transport_->SupportsExtendedLength();
    out->channel_ = std::make_unique<host::ApduChannel>(*out->transport_, options);
    out->piv_ = std::make_unique<host::PivClient>(*out->channel_);
    if (!ctx.Check("selecting PIV", out->piv_->Select().status())) return nullptr;
    auto pin = ReadPin(pin_file, "PIN of token " + std::to_string(serial));
    if (!ctx.Check("reading the PIN", pin.status())) return nullptr;
    if (!ctx.Check("verifying the PIN", out->piv_->VerifyPin(pin->view()))) return nullptr;
    out->pin_ = std::move(*pin);
    return out;
  }
  host::PivClient& piv() { return *piv_; }
  const SecureBytes& pin() const { return pin_; }

 private:
  PivOnToken() = default;
  std::unique_ptr<host::Transport> transport_;
  std::unique_ptr<host::ApduChannel> channel_;
  std::unique_ptr<host::PivClient> piv_;
  SecureBytes pin_;
};

std::optional<HttpsClient> Connect(Context& ctx, const std::string& server,
                                   const std::string& ca_file) {
  HttpsClientOptions options;
  options.base_url = server;
  options.ca_file = ca_file;
  auto client = HttpsClient::Connect(options);
  if (!ctx.Check("connecting to " + server, client.status())) return std::nullopt;
  return std::move(*client);
}

std::uint64_t Now() { return static_cast<std::uint64_t>(std::time(nullptr)); }

void AddRegister(CLI::App& reg, Context& ctx, const std::shared_ptr<ClientArgs>& a) {
  CLI::App* cmd =
      reg.add_subcommand("register", "Register this token's user with a gateway: K into the token");
  cmd->add_option("--server", a->server, "the gateway's URL (https://host:port)")->required();
  cmd->add_option("--ca-file", a->ca_file, "PEM CA that verifies the gateway's TLS certificate")
      ->default_str("the system's CAs");
  cmd->add_option("--token", a->token, "the token's serial")->required();
  cmd->add_option("--user", a->user, "the user ID")->required();
  cmd->add_option("--code", a->code, "the enrolment code (tessera reg code issue)");
  cmd->add_flag("--cms", a->cms, "no code: prove the token's CMS binding with its slot 9C key");
  cmd->add_option("--pin-file", a->pin_file, "the token's PIN (mode 0600)")
      ->default_str("ask on the terminal");
  cmd->add_flag("--json", a->json, "print the result as JSON");
  cmd->callback([&ctx, a] {
    auto token = PivOnToken::Open(ctx, a->token, a->pin_file);
    if (!token) return;
    auto http = Connect(ctx, a->server, a->ca_file);
    if (!http) return;
    if (a->cms && !a->code.empty()) {
      ctx.exit_code = kExitUsage;
      std::cerr << "tessera: reg register: give --code or --cms, not both\n";
      return;
    }
    auto out = RegisterToken(*http, token->piv(), a->user, a->code,
                             a->cms ? &token->pin() : nullptr, Now());
    if (!ctx.Check("reg register", out.status())) return;
    if (a->json) {
      return PrintJson({{"registration_id", out->registration_id},
                        {"user_id_code", out->user_id_code},
                        {"slot", ToHex(Bytes{out->slot})},
                        {"registered_at", out->registered_at}});
    }
    std::cout << "registered " << a->user << ": user ID code " << out->user_id_code
              << ", K in slot " << ToHex(Bytes{out->slot}) << "\n";
  });
}

void AddLogin(CLI::App& reg, Context& ctx, const std::shared_ptr<ClientArgs>& a) {
  CLI::App* cmd =
      reg.add_subcommand("login", "Mutual authentication with the gateway; keeps the session");
  cmd->add_option("--server", a->server, "the gateway's URL (https://host:port)")->required();
  cmd->add_option("--ca-file", a->ca_file, "PEM CA that verifies the gateway's TLS certificate")
      ->default_str("the system's CAs");
  cmd->add_option("--token", a->token, "the token's serial")->required();
  cmd->add_option("--slot", a->slot, "the registration key's slot (C0..DF) if there are several")
      ->default_str("the only one")
      ->check(CLI::Range(0xC0, 0xDF));
  cmd->add_option("--pin-file", a->pin_file, "the token's PIN (mode 0600)")
      ->default_str("ask on the terminal");
  cmd->add_flag("--json", a->json, "print the session as JSON");
  cmd->callback([&ctx, a] {
    auto token = PivOnToken::Open(ctx, a->token, a->pin_file);
    if (!token) return;
    auto key = FindRegistrationKey(
        token->piv(), a->slot < 0
                          ? std::nullopt
                          : std::optional<std::uint8_t>(static_cast<std::uint8_t>(a->slot)));
    if (!ctx.Check("reg login", key.status())) return;
    auto http = Connect(ctx, a->server, a->ca_file);
    if (!http) return;
    auto session = Login(*http, token->piv(), *key);
    if (!ctx.Check("reg login", session.status())) return;
    session->server = a->server;
    session->ca_file = a->ca_file;
    session->token = a->token;
    if (!ctx.Check("saving the session", SaveRegSession(*session))) return;
    if (a->json) {
      return PrintJson({{"session_id", session->session_id},
                        {"user_id_code", session->user_id_code},
                        {"expires_at", session->expires_at},
                        {"idle_timeout", session->idle_timeout}});
    }
    std::cout << "logged in as " << session->user_id_code << ": session " << session->session_id
              << " until " << session->expires_at << "\n";
  });
}

std::optional<RegSession> LoadSession(Context& ctx) {
  auto session = LoadRegSession();
  if (!ctx.Check("reg", session.status())) return std::nullopt;
  return std::move(*session);
}

void AddSync(CLI::App& reg, Context& ctx, const std::shared_ptr<ClientArgs>& a) {
  CLI::App* cmd = reg.add_subcommand(
      "sync", "Fetch, verify and apply the entitlements (TESSERA_HOME/reg/client.json)");
  cmd->add_flag("--json", a->json, "print the applied document as JSON");
  cmd->callback([&ctx, a] {
    auto env = LoadEnvironment(ctx);
    if (!env) return;
    auto session = LoadSession(ctx);
    if (!session) return;
    auto http = Connect(ctx, session->server, session->ca_file);
    if (!http) return;
    auto applied = SyncEntitlements(*http, *session, env->home.root, Now());
    // The sequence number moved even if the document was refused.
    (void)SaveRegSession(*session);
    if (!ctx.Check("reg sync", applied.status())) return;
    if (a->json) {
      json apps = json::array();
      for (const auto& app : applied->parsed.applications) {
        apps.push_back({{"name", app.name}, {"paths", app.paths}, {"settings", app.settings}});
      }
      return PrintJson({{"version", applied->parsed.version},
                        {"user_id_code", applied->parsed.user_id_code},
                        {"applications", apps}});
    }
    std::cout << "entitlements version " << applied->parsed.version << ": "
              << applied->parsed.applications.size() << " application(s)\n";
    for (const auto& app : applied->parsed.applications) {
      std::cout << "  " << app.name;
      for (const auto& p : app.paths) std::cout << " " << p;
      std::cout << "\n";
    }
  });
}

// The application and path allowed by the applied document; the reason
// otherwise (nothing is sent then).
Status CheckEntitled(const AppliedConfig& config, const std::string& app, const std::string& path) {
  for (const auto& a : config.parsed.applications) {
    if (a.name != app) continue;
    for (const auto& prefix : a.paths) {
      if (prefix == "/" || path == prefix ||
          (path.starts_with(prefix) && (prefix.back() == '/' || path[prefix.size()] == '/'))) {
        return Status::Ok();
      }
    }
    return Status::SecurityStatus(app + " does not cover " + path +
                                  " (reg sync, or ask for --path)");
  }
  return Status::SecurityStatus("the applied entitlements do not list " + app +
                                " (tessera reg sync first)");
}

void AddCall(CLI::App& reg, Context& ctx, const std::shared_ptr<ClientArgs>& a) {
  CLI::App* cmd = reg.add_subcommand("call", "Send a request through the gateway to APP");
  cmd->add_option("app", a->app, "the application")->required();
  cmd->add_option("path", a->path, "the path on the application, /...")->required();
  cmd->add_option("--method", a->method, "GET (default), POST, PUT, PATCH, DELETE, HEAD")
      ->check(CLI::IsMember({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"}));
  cmd->add_option("--query", a->query, "the query string, without '?'");
  cmd->add_option("--data", a->data, "the body, or @FILE");
  cmd->add_flag("--json", a->json, "print status, headers and body as JSON");
  cmd->callback([&ctx, a] {
    if (a->path.empty() || a->path.front() != '/' || a->path.find("..") != std::string::npos) {
      ctx.exit_code = kExitUsage;
      std::cerr << "tessera: reg call: PATH starts with / and has no ..\n";
      return;
    }
    auto env = LoadEnvironment(ctx);
    if (!env) return;
    auto config = LoadClientConfig(env->home.root);
    if (!ctx.Check("reg call", config.status())) return;
    if (!ctx.Check("reg call", CheckEntitled(*config, a->app, a->path))) return;
    std::string body = a->data;
    if (body.starts_with("@")) {
      std::ifstream in(body.substr(1), std::ios::binary);
      if (!in) {
        ctx.Check("reg call", Status::NotFound("cannot read " + body.substr(1)));
        return;
      }
      body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    auto session = LoadSession(ctx);
    if (!session) return;
    auto http = Connect(ctx, session->server, session->ca_file);
    if (!http) return;
    const json request = {{"method", a->method},
                          {"query", a->query},
                          {"headers", json::array()},
                          {"body", jose::Base64UrlEncode(AsBytes(body))}};
    auto answer = SessionCall(*http, *session, "POST", "/app/" + a->app + a->path, request.dump(),
                              {{"Tessera-Session", session->session_id}});
    (void)SaveRegSession(*session);
    if (!ctx.Check("reg call " + a->app + " " + a->path, answer.status())) return;
    json reply = json::parse(*answer, nullptr, false);
    if (reply.is_discarded() || !reply.contains("status") || !reply.contains("body")) {
      ctx.Check("reg call", Status::InvalidArgument("the gateway's answer is not an app reply"));
      return;
    }
    auto reply_body = jose::Base64UrlDecode(reply["body"].get<std::string>());
    const std::string text =
        reply_body.ok() ? std::string(reply_body->begin(), reply_body->end()) : std::string();
    if (a->json) {
      return PrintJson(
          {{"status", reply["status"]}, {"headers", reply["headers"]}, {"body", text}});
    }
    std::cout << text;
    if (!text.empty() && text.back() != '\n') std::cout << "\n";
    if (reply["status"].get<int>() >= 400) ctx.exit_code = kExitFailed;
  });
}

void AddLogout(CLI::App& reg, Context& ctx) {
  CLI::App* cmd = reg.add_subcommand("logout", "Close the session on the gateway and forget it");
  cmd->callback([&ctx] {
    auto session = LoadSession(ctx);
    if (!session) return;
    auto http = Connect(ctx, session->server, session->ca_file);
    if (!http) return;
    auto closed =
        SessionCall(*http, *session, "DELETE", "/reg/sessions/" + session->session_id, "{}");
    (void)RemoveRegSession();
    if (ctx.Check("reg logout", closed.status())) std::cout << "logged out\n";
  });
}

}  // namespace

void AddRegClientCommands(CLI::App& reg, Context& ctx) {
  auto args = std::make_shared<ClientArgs>();
  AddRegister(reg, ctx, args);
  AddLogin(reg, ctx, args);
  AddSync(reg, ctx, args);
  AddCall(reg, ctx, args);
  AddLogout(reg, ctx);
}

}  // namespace tessera::cli
