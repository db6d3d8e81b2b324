#include "services/http/uri.hpp"

namespace tessera::http {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Result<std::string> PercentDecode(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '%') {
      out.push_back(raw[i]);
      continue;
    }
    if (i + 2 >= raw.size()) {
      return Status::InvalidArgument("a '%' in the path is not followed by two hex digits");
    }
    const int hi = HexValue(raw[i + 1]);
    const int lo = HexValue(raw[i + 2]);
    if (hi < 0 || lo < 0) {
      return Status::InvalidArgument("a '%' in the path is not followed by two hex digits");
    }
    const char c = static_cast<char>(hi * 16 + lo);
    if (c == '\0') return Status::InvalidArgument("the path holds an encoded NUL (%00)");
    out.push_back(c);
    i += 2;
  }
  return out;
}

Result<TargetParts> SplitTarget(std::string_view target) {
  if (target.empty() || target.front() != '/') {
    return Status::InvalidArgument("the request target must be a path starting with '/'");
  }
  TargetParts parts;
  const std::size_t q = target.find('?');
  parts.path = target.substr(0, q);
  if (q != std::string_view::npos) parts.query = target.substr(q + 1);
  // A fragment is never sent (RFC 9110 §4.2.4); one here is a malformed target.
  if (target.find('#') != std::string_view::npos) {
    return Status::InvalidArgument("the request target holds a fragment ('#')");
  }
  return parts;
}

}  // namespace tessera::http
