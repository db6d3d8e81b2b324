// `tessera softtoken`: the group and what its commands share (softtoken_cli.hpp).
#include <iostream>

#include "services/jose/jws.hpp"
#include "tools/tessera/client/private_file.hpp"
#include "tools/tessera/commands.hpp"
#include "tools/tessera/softtoken_cli.hpp"

namespace tessera::cli {
namespace softtoken {

Result<std::string> StringMember(const nlohmann::json& answer, const char* name,
                                 const std::string& what) {
  if (!answer.is_object() || !answer.contains(name) || !answer[name].is_string()) {
    return Status::InvalidArgument(what + ": the service's answer has no " + name);
  }
  return answer[name].get<std::string>();
}

Result<Bytes> Base64UrlMember(const nlohmann::json& answer, const char* name,
                              const std::string& what) {
  TESSERA_ASSIGN_OR_RETURN(std::string text, StringMember(answer, name, what));
  Result<Bytes> bytes = jose::Base64UrlDecode(text);
  if (!bytes.ok()) return Status::InvalidArgument(what + ": " + name + " is not base64url");
  return bytes;
}

Status HandOver(const std::string& out, const std::string& soft_token) {
  if (!out.empty()) return WritePrivateFile(out, soft_token);
  std::cout << soft_token << "\n" << std::flush;
  return Status::Ok();
}

void UsageError(Context& ctx, const std::string& what, const std::string& message) {
  std::cerr << "tessera: " << what << ": " << message << "\n";
  ctx.exit_code = kExitUsage;
}

}  // namespace softtoken

void AddSoftTokenCommands(CLI::App& app, Context& ctx) {
  CLI::App* group = app.add_subcommand(
      "softtoken", "The soft-token service: a device's soft token from an ID token");
  group->require_subcommand(1);
  softtoken::AddInitCommand(*group, ctx);
  softtoken::AddRequestCommand(*group, ctx);
  softtoken::AddConfirmCommand(*group, ctx);
  softtoken::AddPresentCommand(*group, ctx);
  softtoken::AddVerifyCommand(*group, ctx);
}

}  // namespace tessera::cli
