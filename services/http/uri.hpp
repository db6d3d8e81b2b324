// Request-target helpers (RFC 9112 §3.2, RFC 3986 §2.1): splitting a target
// into path and query, and percent-decoding. Stateless; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/status.hpp"

namespace tessera::http {

// "%41" -> "A". kInvalidArgument for a '%' not followed by two hex digits,
// and for an encoded NUL (no path or name in Tessera holds one).
Result<std::string> PercentDecode(std::string_view raw);

struct TargetParts {
  std::string_view path;   // as sent, still encoded
  std::string_view query;  // after the first '?', without it
};
// Origin form only ("/a/b?c"): kInvalidArgument for absolute or authority
// form and for "*", which no Tessera route serves.
Result<TargetParts> SplitTarget(std::string_view target);

}  // namespace tessera::http
