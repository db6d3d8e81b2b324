// tessera softtoken confirm: the user's computer (issue 15 design "Channel
// 2"; docs/cli.md "The soft-token service (seed 002)"). TLS client auth
// with the ID token's 9A key and certificate through the PKCS#11 module
// (as `officer bind` does), the one-time password the device shows, the
// comparison code both must show, then approve (or reject).
#include <unistd.h>

#include <iostream>
#include <optional>

#include "tools/tessera/client/https_client.hpp"
#include "tools/tessera/client/https_problem.hpp"
#include "tools/tessera/client/token_p11.hpp"
#include "tools/tessera/cms_cli.hpp"
#include "tools/tessera/softtoken_cli.hpp"
#include "tools/tessera/softtoken_messages.hpp"

namespace tessera::cli::softtoken {
namespace {

using nlohmann::json;

struct ConfirmArgs {
  ServerOptions server;
  std::uint32_t id_token = 0;
  std::string otp, comparison, out, pin_file;
  bool yes = false;
  bool json = false;
};

// POST `body`; a 2xx's JSON, else the problem as a Status. A wrong
// one-time password says how many tries are left (problem member
// tries_left, docs/softtoken-api.md).
Result<json> Post(HttpsClient& http, const std::string& target, const json& body) {
  TESSERA_ASSIGN_OR_RETURN(HttpResponse r,
                           http.Send("POST", target, "application/json", body.dump()));
  const json parsed = json::parse(r.body, nullptr, false);
  if (r.status >= 200 && r.status < 300) {
    if (!parsed.is_object()) return Status::Internal("POST " + target + ": the answer is not JSON");
    return parsed;
  }
  if (r.status < 400) {
    return Status::Internal("HTTP " + std::to_string(r.status) + " from POST " + target);
  }
  Status problem = ProblemStatus(r.status, r.body);
  if (!parsed.is_object() || !parsed.contains("tries_left") ||
      !parsed["tries_left"].is_number_integer()) {
    return problem;
  }
  const int left = parsed["tries_left"].get<int>();
  if (left <= 0) {
    return Status::ConditionsNotSatisfied(
        "wrong one-time password, no tries left: the request is burned; start again on the "
        "device (" +
        problem.message() + ")");
  }
  return Status::SecurityStatus("wrong one-time password: " + std::to_string(left) +
                                (left == 1 ? " try" : " tries") + " left (" + problem.message() +
                                ")");
}

// --comparison, --yes, or the user's answer on the terminal.
Status Decide(const ConfirmArgs& a, const std::string& shown) {
  if (!a.comparison.empty()) {
    TESSERA_ASSIGN_OR_RETURN(std::string expected,
                             NormaliseCode(a.comparison, kComparisonLength, "comparison code"));
    TESSERA_ASSIGN_OR_RETURN(std::string got,
                             NormaliseCode(shown, kComparisonLength, "service's comparison code"));
    if (expected != got) {
      return Status::ConditionsNotSatisfied("the device shows " + DisplayCode(expected) +
                                            ", the service " + DisplayCode(got) +
                                            ": another request; refused");
    }
    return Status::Ok();
  }
  if (a.yes) return Status::Ok();
  std::cerr << "Does the device show " << shown << "? [y/N] " << std::flush;
  std::string answer;
  if (!std::getline(std::cin, answer) || (answer != "y" && answer != "Y" && answer != "yes")) {
    return Status::ConditionsNotSatisfied("not confirmed: refused");
  }
  return Status::Ok();
}

void PrintMatch(const ConfirmArgs& a, const std::string& id, const std::string& comparison,
                const json& attributes) {
  if (a.json) return;
  std::cout << "request: " << id << "\n"
            << "comparison: " << comparison << "\n";
  if (attributes.is_object()) {
    for (const auto& [name, value] : attributes.items()) {
      std::cout << "attribute " << name << ": "
                << (value.is_string() ? value.get<std::string>() : value.dump()) << "\n";
    }
  }
  std::cout << std::flush;
}

Status Run(const ConfirmArgs& a, const std::string& otp) {
  const std::string module = Pkcs11ModulePath(a.server.module);
  TESSERA_ASSIGN_OR_RETURN(TokenP11 token, TokenP11::Open(module, a.id_token));
  TESSERA_ASSIGN_OR_RETURN(SecureBytes pin,
                           ReadPin(a.pin_file, "PIN of ID token " + std::to_string(a.id_token)));
  TESSERA_RETURN_IF_ERROR(token.LoginUser(pin));
  TESSERA_ASSIGN_OR_RETURN(ClientCertificate certificate, ClientCertificateFromSlot(token, "9a"));
  TESSERA_ASSIGN_OR_RETURN(
      HttpsClient http,
      HttpsClient::Connect({a.server.server, a.server.ca_file, std::move(certificate), 30}));

  Result<json> matched = Post(http, "/softtoken/v1/confirm", {{"otp", otp}});
  if (!matched.ok()) return matched.status();
  TESSERA_ASSIGN_OR_RETURN(std::string id, StringMember(*matched, "request", "the match"));
  TESSERA_ASSIGN_OR_RETURN(std::string comparison,
                           StringMember(*matched, "comparison", "the match"));
  TESSERA_ASSIGN_OR_RETURN(std::string confirmation,
                           StringMember(*matched, "confirmation", "the match"));
  if (!IsRequestId(id)) return Status::InvalidArgument("the service answered a bad request ID");
  const json attributes = matched->value("attributes", json::object());
  PrintMatch(a, id, comparison, attributes);

  const std::string base = "/softtoken/v1/requests/" + id;
  if (Status decided = Decide(a, comparison); !decided.ok()) {
    Result<json> rejected = Post(http, base + "/reject", {{"confirmation", confirmation}});
    if (!rejected.ok()) {
      return decided.Prefixed("(rejecting failed too: " + rejected.status().message() + ") ");
    }
    if (a.json) PrintJson({{"request", id}, {"comparison", comparison}, {"state", "refused"}});
    return decided;
  }
  Result<json> issued =
      Post(http, base + "/approve", {{"confirmation", confirmation}, {"comparison", comparison}});
  if (!issued.ok()) return issued.status().Prefixed("approving: ");
  const std::string format = issued->value("format", "");
  json report = {{"request", id},
                 {"comparison", comparison},
                 {"attributes", attributes},
                 {"state", issued->value("state", "issued")},
                 {"format", format},
                 {"expires_at", issued->value("expires_at", std::int64_t{0})}};
  if (issued->contains("status")) report["status"] = (*issued)["status"];
  const bool delivered = issued->contains("soft_token") && (*issued)["soft_token"].is_string();
  if (a.json) {
    if (delivered && a.out.empty()) report["soft_token"] = (*issued)["soft_token"];
    if (delivered && !a.out.empty()) {
      TESSERA_RETURN_IF_ERROR(HandOver(a.out, (*issued)["soft_token"].get<std::string>()));
      report["out"] = a.out;
    }
    PrintJson(report);
    return Status::Ok();
  }
  std::cout << "state: " << report["state"].get<std::string>() << "\n";
  if (!delivered) {
    std::cout << "soft token: delivered to the device\n";
    return Status::Ok();
  }
  if (!a.out.empty()) {
    TESSERA_RETURN_IF_ERROR(HandOver(a.out, (*issued)["soft_token"].get<std::string>()));
    std::cout << "soft token: " << a.out << " (" << format << ")\n";
    return Status::Ok();
  }
  return HandOver("", (*issued)["soft_token"].get<std::string>());
}

}  // namespace

void AddConfirmCommand(CLI::App& softtoken, Context& ctx) {
  auto a = std::make_shared<ConfirmArgs>();
  CLI::App* cmd = softtoken.add_subcommand(
      "confirm", "On the computer: confirm a device's request with the ID token (slot 9A)");
  AddServerOptions(*cmd, a->server);
  cmd->add_option("--id-token", a->id_token, "the ID token's serial")->required();
  cmd->add_option("--otp", a->otp, "the one-time password the device shows")->required();
  auto* comparison =
      cmd->add_option("--comparison", a->comparison, "the comparison code the device shows");
  cmd->add_flag("--yes", a->yes, "approve without asking (no comparison by a person)")
      ->excludes(comparison);
  cmd->add_option("--out", a->out, "write the soft token to FILE (mode 0600); default stdout");
  cmd->add_option("--pin-file", a->pin_file, "the ID token's PIN (mode 0600)")
      ->default_str("ask on the terminal");
  cmd->add_flag("--json", a->json, "print the result as JSON");
  cmd->callback([&ctx, a] {
    // Checked before the token or the service is touched: no try is spent.
    Result<std::string> otp = NormaliseCode(a->otp, kOtpLength, "one-time password");
    if (!otp.ok()) return UsageError(ctx, "softtoken confirm", otp.status().message());
    if (!a->comparison.empty()) {
      Result<std::string> c = NormaliseCode(a->comparison, kComparisonLength, "comparison code");
      if (!c.ok()) return UsageError(ctx, "softtoken confirm", c.status().message());
    }
    if (!a->yes && a->comparison.empty() && isatty(STDIN_FILENO) == 0) {
      return UsageError(ctx, "softtoken confirm",
                        "no terminal to ask on: give --comparison CODE (what the device shows) "
                        "or --yes");
    }
    ctx.Check("softtoken confirm", Run(*a, *otp));
  });
}

}  // namespace tessera::cli::softtoken
