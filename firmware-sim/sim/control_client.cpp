#include "firmware-sim/sim/control_client.hpp"

#include <chrono>
#include <filesystem>
#include <iostream>
#include <string>

#include "common/sim_socket_protocol.hpp"
#include "firmware-sim/sim/socket_util.hpp"
#include "firmware-sim/sim/token_listing.hpp"

namespace tessera::sim {
namespace {

constexpr std::size_t kMaxReply = 1 << 20;
// Power-cycling reloads a state file; generous, but a hung simulator still
// gives the ctl user an answer.
constexpr std::chrono::milliseconds kTimeout{30000};

constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

int Fail(const std::string& message, int code = kExitFailed) {
  std::cerr << "tessera-sim ctl: " << message << "\n";
  return code;
}

// The body of a `list` reply, as a table under a header or as JSON.
int PrintList(const std::string& body, bool json) {
  Result<std::vector<ListedToken>> tokens = ParseTokenList(body);
  if (!tokens.ok()) return Fail(tokens.status().message());
  std::cout << (json ? FormatTokenJson(*tokens) : FormatTokenTable(*tokens)) << std::flush;
  return 0;
}

}  // namespace

int RunControlCommand(const CtlOptions& options) {
  // A directory that is not there is a mistake in the command or the
  // environment, not a simulator that is down: name it and where it came from.
  std::error_code ec;
  if (!std::filesystem::is_directory(options.run_dir, ec)) {
    const std::string origin =
        options.run_dir_origin.empty() ? "" : " (from " + options.run_dir_origin + ")";
    return Fail("run directory " + options.run_dir.string() + origin + " does not exist",
                kExitUsage);
  }
  Result<UniqueFd> conn = ConnectUnix(options.run_dir / simsock::kControlSocketName);
  if (!conn.ok()) {
    return Fail("no simulator is running on " + options.run_dir.string() + " (" +
                conn.status().message() + ")");
  }
  std::string request = options.request + "\n";
  Status sent = SendAll(conn->get(), AsBytes(request), kTimeout);
  if (!sent.ok()) return Fail(sent.message());
  Result<std::string> reply = ReadToEnd(conn->get(), kMaxReply, kTimeout);
  if (!reply.ok()) return Fail(reply.status().message());

  // The last line is the verdict; everything before it is the body.
  std::string text = *reply;
  if (!text.empty() && text.back() == '\n') text.pop_back();
  std::size_t cut = text.rfind('\n');
  std::string verdict = cut == std::string::npos ? text : text.substr(cut + 1);
  const std::string body = cut == std::string::npos ? "" : text.substr(0, cut + 1);
  if (verdict == "OK" && options.request == "list") return PrintList(body, options.json);
  std::cout << body << std::flush;
  if (verdict == "OK") return 0;
  if (verdict.rfind("ERR ", 0) == 0) return Fail(verdict.substr(4));
  return Fail("unexpected reply from the simulator: " + verdict);
}

}  // namespace tessera::sim
