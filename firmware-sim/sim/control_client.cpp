#include "firmware-sim/sim/control_client.hpp"

#include <chrono>
#include <iostream>
#include <string>

#include "common/sim_socket_protocol.hpp"
#include "firmware-sim/sim/socket_util.hpp"

namespace tessera::sim {
namespace {

constexpr std::size_t kMaxReply = 1 << 20;
// Power-cycling reloads a state file; generous, but a hung simulator still
// gives the ctl user an answer.
constexpr std::chrono::milliseconds kTimeout{30000};

int Fail(const std::string& message) {
  std::cerr << "tessera-sim ctl: " << message << "\n";
  return 1;
}

}  // namespace

int RunControlCommand(const CtlOptions& options) {
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
  std::cout << (cut == std::string::npos ? "" : text.substr(0, cut + 1)) << std::flush;
  if (verdict == "OK") return 0;
  if (verdict.rfind("ERR ", 0) == 0) return Fail(verdict.substr(4));
  return Fail("unexpected reply from the simulator: " + verdict);
}

}  // namespace tessera::sim
