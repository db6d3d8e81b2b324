#include "pkcs11/core/log/log_spec.hpp"

#include <array>
#include <cctype>
#include <utility>

namespace tessera::p11::log {
namespace {

struct LevelWord {
  std::string_view word;
  std::optional<Level> level;
};

// `warn` is an alias for `info`: the module has no separate warning level, and
// what other libraries log as warnings (a wrong PIN, a token removed) is info here.
constexpr std::array<LevelWord, 6> kLevelWords = {{
    {"off", std::nullopt},
    {"error", Level::kError},
    {"warn", Level::kInfo},
    {"warning", Level::kInfo},
    {"info", Level::kInfo},
    {"debug", Level::kDebug},
}};

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != b[i]) return false;
  }
  return true;
}

}  // namespace

Result<LogSpec> ParseLogSpec(std::string_view value) {
  if (value.empty()) return LogSpec{};
  const auto colon = value.find(':');
  const std::string_view word = value.substr(0, colon);
  LogSpec spec;
  if (colon != std::string_view::npos) {
    spec.path = std::string(value.substr(colon + 1));
    if (spec.path.empty()) return Status::InvalidArgument("no file name after ':'");
  }
  for (const LevelWord& candidate : kLevelWords) {
    if (EqualsIgnoreCase(word, candidate.word)) {
      spec.level = candidate.level;
      if (!spec.level) spec.path.clear();  // `off:FILE` opens nothing
      return spec;
    }
  }
  return Status::InvalidArgument("unknown level '" + std::string(word) +
                                 "' (expected off, error, info or debug)");
}

}  // namespace tessera::p11::log
