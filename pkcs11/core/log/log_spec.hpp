// LogSpec: what the TESSERA_LOG environment variable asks for.
//
// Syntax (docs/pkcs11-logging-and-install.md): `LEVEL[:FILE]`, LEVEL one of
// `off`, `error`, `info` (alias `warn`), `debug`, in any letter case. Without
// FILE the log goes to stderr. FILE is everything after the first colon, so a
// path may itself contain colons. An unset or empty variable means `off`.
// ParseLogSpec is a pure function; LogSpec is a plain value type.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/status.hpp"
#include "pkcs11/core/log/log_level.hpp"

namespace tessera::p11::log {

struct LogSpec {
  std::optional<Level> level;  // absent: logging off
  std::string path;            // empty: stderr
};

// kInvalidArgument for an unknown level or an empty FILE after the colon.
Result<LogSpec> ParseLogSpec(std::string_view value);

}  // namespace tessera::p11::log
