#include "firmware-sim/sim/control_server.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <charconv>
#include <chrono>
#include <sstream>

#include "firmware-sim/sim/log.hpp"
#include "firmware-sim/sim/socket_util.hpp"

namespace tessera::sim {
namespace {

constexpr std::size_t kMaxRequest = 256;
// A control client that does not send or read within this time is dropped,
// so a stuck client cannot freeze the simulator's main thread for long.
constexpr std::chrono::milliseconds kIoTimeout{2000};

std::vector<std::string> Words(std::string_view line) {
  std::vector<std::string> words;
  std::istringstream in{std::string(line)};
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

template <typename T>
std::optional<T> ParseNumber(const std::string& s) {
  T v{};
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string Ok(const std::string& body = {}) { return body + "OK\n"; }
std::string Err(const std::string& message) { return "ERR " + message + "\n"; }

std::string ListTokens(const std::vector<TokenServer*>& tokens) {
  std::string body;
  for (TokenServer* token : tokens) {
    TokenServer::Info info = token->Describe();
    body += std::to_string(info.serial) + " " + ToHex(info.uid) + " " +
            (info.present ? "present" : "removed") + " " +
            (info.powered ? "powered" : "unpowered") + " " + info.socket_path.string();
    if (!info.vpcd.empty()) body += " vpcd " + info.vpcd;
    body += "\n";
  }
  return Ok(body);
}

std::string Reply(const Status& status) { return status.ok() ? Ok() : Err(status.message()); }

std::string RunOnToken(const std::vector<std::string>& words, TokenServer& token) {
  const std::string& verb = words[0];
  if (verb == "insert" && words.size() == 2) return Reply(token.Insert());
  if (verb == "remove" && words.size() == 2) return Reply(token.Remove());
  if (verb == "power-cycle" && words.size() == 2) return Reply(token.PowerCycle());
  if (verb == "tear" && words.size() == 3) {
    std::optional<std::size_t> writes = ParseNumber<std::size_t>(words[2]);
    if (!writes) return Err("bad write count: " + words[2]);
    token.ArmTear(*writes);
    return Ok();
  }
  return Err(
      "bad request: usage: list | insert SERIAL | remove SERIAL | power-cycle SERIAL | "
      "tear SERIAL N");
}

}  // namespace

std::string ExecuteControlRequest(std::string_view line, const std::vector<TokenServer*>& tokens) {
  std::vector<std::string> words = Words(line);
  if (words.empty()) return Err("empty request");
  if (words[0] == "list" && words.size() == 1) return ListTokens(tokens);
  if (words.size() < 2) return Err("bad request: " + std::string(line));
  std::optional<std::uint32_t> serial = ParseNumber<std::uint32_t>(words[1]);
  if (!serial) return Err("bad serial: " + words[1]);
  for (TokenServer* token : tokens) {
    if (token->serial() == *serial) return RunOnToken(words, *token);
  }
  return Err("no token with serial " + words[1]);
}

Result<std::unique_ptr<ControlServer>> ControlServer::Listen(std::filesystem::path socket_path,
                                                             std::vector<TokenServer*> tokens) {
  TESSERA_ASSIGN_OR_RETURN(UniqueFd listener, ListenUnix(socket_path));
  return std::unique_ptr<ControlServer>(
      new ControlServer(std::move(listener), std::move(socket_path), std::move(tokens)));
}

ControlServer::~ControlServer() {
  listener_.Reset();
  ::unlink(socket_path_.c_str());
}

void ControlServer::HandleOne() {
  UniqueFd conn(::accept4(listener_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
  if (!conn.valid()) return;  // the client gave up already
  Result<std::string> line = ReadLine(conn.get(), kMaxRequest, kIoTimeout);
  std::string reply = line.ok() ? ExecuteControlRequest(*line, tokens_)
                                : Err("cannot read request: " + line.status().message());
  Status sent = SendAll(conn.get(), AsBytes(reply), kIoTimeout);
  if (!sent.ok()) LogLine("control reply not delivered: " + sent.message());
}

}  // namespace tessera::sim
