// The one `key = value` configuration syntax Tessera's files share (the
// module's tessera.conf, the CLI's TESSERA_HOME/tessera.conf): one setting
// per line, `#` starts a comment, blank lines are ignored, spaces around key
// and value are not part of them. A line without `=`, an empty key or an
// empty value is an error that names the file and line.
//
// Precedence is the callers' one rule: the environment wins over the file,
// and the file over the defaults. Stateless; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.hpp"

namespace tessera {

struct ConfigLine {
  std::string key;
  std::string value;
  std::string where;  // "<origin>:<line>: ", for messages
};

// kInvalidArgument naming `origin` and the line for a malformed line.
Result<std::vector<ConfigLine>> ParseConfigLines(std::string_view text, std::string_view origin);

}  // namespace tessera
