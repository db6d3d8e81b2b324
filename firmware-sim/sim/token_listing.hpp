// `tessera-sim ctl list` as a user reads it: the control channel's `list`
// body (one line per token, control_server.cpp) parsed into records and
// printed as a table with a header, or as JSON with stable keys
// (docs/tessera-sim.md "ctl list"). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.hpp"

namespace tessera::sim {

struct ListedToken {
  std::uint32_t serial = 0;
  std::string uid;  // hex
  bool present = false;
  bool powered = false;
  std::string socket;
  std::string vpcd_endpoint;  // "HOST:PORT"; empty without --vpcd
  std::string vpcd_state;     // "connected", "connecting", "off", ...
};

// Lines "SERIAL UID present|removed powered|unpowered SOCKET [vpcd HOST:PORT STATE]".
Result<std::vector<ListedToken>> ParseTokenList(std::string_view body);

// A header line (SERIAL UID CARD POWER SOCKET, and VPCD when a token has a
// vpcd link) and one aligned line per token. The header is printed even when
// there are no tokens.
std::string FormatTokenTable(const std::vector<ListedToken>& tokens);

// {"tokens": [{"serial", "uid", "present", "powered", "socket", "vpcd"}]},
// "vpcd" null or {"endpoint", "state"}; two-space indented, newline-ended.
std::string FormatTokenJson(const std::vector<ListedToken>& tokens);

}  // namespace tessera::sim
