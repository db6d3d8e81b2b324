// Small text helpers for configuration parsing. Stateless; thread-safe.
#pragma once

#include <string_view>

namespace tessera {

// `s` without leading and trailing spaces, tabs and carriage returns.
constexpr std::string_view TrimBlanks(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r");
  return s.substr(first, last - first + 1);
}

}  // namespace tessera
