#include "firmware-sim/sim/token_listing.hpp"

#include <charconv>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

namespace tessera::sim {
namespace {

struct ListWord {
  std::string text;
  std::size_t at = 0;  // where it starts in the line
};

std::vector<ListWord> SplitListWords(const std::string& line) {
  std::vector<ListWord> words;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') ++i;
    const std::size_t start = i;
    while (i < line.size() && line[i] != ' ') ++i;
    if (i > start) words.push_back({line.substr(start, i - start), start});
  }
  return words;
}

Result<ListedToken> ParseListLine(const std::string& line) {
  const Status bad = Status::InvalidArgument("unexpected list line from the simulator: " + line);
  std::vector<ListWord> w = SplitListWords(line);
  if (w.size() < 5) return bad;
  ListedToken t;
  const std::string& serial = w[0].text;
  auto [end, ec] = std::from_chars(serial.data(), serial.data() + serial.size(), t.serial);
  if (ec != std::errc() || end != serial.data() + serial.size()) return bad;
  t.uid = w[1].text;
  if (w[2].text != "present" && w[2].text != "removed") return bad;
  t.present = w[2].text == "present";
  if (w[3].text != "powered" && w[3].text != "unpowered") return bad;
  t.powered = w[3].text == "powered";
  // The socket runs to the end, or to a trailing "vpcd HOST:PORT STATE";
  // it is a path and may hold spaces.
  std::size_t socket_end = line.size();
  const std::size_t n = w.size();
  if (n >= 8 && w[n - 3].text == "vpcd") {
    t.vpcd_endpoint = w[n - 2].text;
    t.vpcd_state = w[n - 1].text;
    socket_end = w[n - 3].at;
  }
  t.socket = line.substr(w[4].at, socket_end - w[4].at);
  while (!t.socket.empty() && t.socket.back() == ' ') t.socket.pop_back();
  return t;
}

}  // namespace

Result<std::vector<ListedToken>> ParseTokenList(std::string_view body) {
  std::vector<ListedToken> tokens;
  std::istringstream in{std::string(body)};
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    TESSERA_ASSIGN_OR_RETURN(ListedToken token, ParseListLine(line));
    tokens.push_back(std::move(token));
  }
  return tokens;
}

std::string FormatTokenTable(const std::vector<ListedToken>& tokens) {
  // "present"/"removed" and "powered"/"unpowered" fit their columns exactly.
  constexpr const char* kRow = "%-10s %-32s %-7s %-9s %s%s\n";
  bool any_vpcd = false;
  for (const ListedToken& t : tokens) any_vpcd = any_vpcd || !t.vpcd_endpoint.empty();
  std::string out;
  char line[4096];
  (void)std::snprintf(line, sizeof line, kRow, "SERIAL", "UID", "CARD", "POWER", "SOCKET",
                      any_vpcd ? "  VPCD" : "");
  out += line;
  for (const ListedToken& t : tokens) {
    const std::string vpcd =
        t.vpcd_endpoint.empty() ? "" : "  " + t.vpcd_endpoint + " " + t.vpcd_state;
    (void)std::snprintf(line, sizeof line, kRow, std::to_string(t.serial).c_str(), t.uid.c_str(),
                        t.present ? "present" : "removed", t.powered ? "powered" : "unpowered",
                        t.socket.c_str(), vpcd.c_str());
    out += line;
  }
  return out;
}

std::string FormatTokenJson(const std::vector<ListedToken>& tokens) {
  nlohmann::json list = nlohmann::json::array();
  for (const ListedToken& t : tokens) {
    nlohmann::json vpcd = nullptr;
    if (!t.vpcd_endpoint.empty()) vpcd = {{"endpoint", t.vpcd_endpoint}, {"state", t.vpcd_state}};
    list.push_back({{"serial", t.serial},
                    {"uid", t.uid},
                    {"present", t.present},
                    {"powered", t.powered},
                    {"socket", t.socket},
                    {"vpcd", std::move(vpcd)}});
  }
  return nlohmann::json{{"tokens", std::move(list)}}.dump(2) + "\n";
}

}  // namespace tessera::sim
