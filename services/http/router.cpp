#include "services/http/router.hpp"

#include <cstdint>

#include "services/http/uri.hpp"

namespace tessera::http {
namespace {

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> segments;
  std::size_t start = 1;  // after the leading '/'
  while (start <= path.size()) {
    const std::size_t end = path.find('/', start);
    const std::size_t stop = end == std::string_view::npos ? path.size() : end;
    segments.emplace_back(path.substr(start, stop - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return segments;
}

bool IsParam(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// "{path...}": a {name} whose name ends in "...".
bool IsRest(const std::string& segment) {
  return IsParam(segment) && segment.size() > 5 &&
         segment.compare(segment.size() - 4, 4, "...}") == 0;
}

std::string ParamName(const std::string& segment) {
  return segment.substr(1, segment.size() - (IsRest(segment) ? 5 : 2));
}

enum class Fit : std::uint8_t { kNo, kYes, kRefused };

// The segments a rest parameter covers, decoded and joined by '/'. Dot
// segments and encoded slashes are refused, not matched: the joined path is
// what a service checks (a prefix an entitlement allows, say) and then hands
// on, and "..", "." or a "%2F" would make the receiver see another path than
// the one checked (RFC 3986 §5.2.4 removes dot segments; a server may decode
// %2F into a separator). A refusal is a 400 rather than a 404 so the client
// learns that the request is wrong, not the resource missing, and the
// access log shows the attempt. An empty segment ("a//b", a trailing '/')
// does not match, as an empty {name} does not.
Fit JoinRest(const std::vector<std::string>& raw, std::size_t from, std::string* joined,
             std::string* refusal) {
  std::string path;
  for (std::size_t i = from; i < raw.size(); ++i) {
    if (raw[i].empty()) return Fit::kNo;
    auto decoded = PercentDecode(raw[i]);
    if (!decoded.ok()) return Fit::kNo;
    if (*decoded == "." || *decoded == ".." || decoded->find('/') != std::string::npos) {
      *refusal = "path segment \"" + raw[i] + "\" is a dot segment or holds an encoded '/'";
      return Fit::kRefused;
    }
    if (i > from) path += '/';
    path += *decoded;
  }
  *joined = std::move(path);
  return Fit::kYes;
}

// Matches the raw (still percent-encoded) segments of a path: a {name}
// segment takes its value decoded, so an encoded '/' inside it stays one
// segment.
Fit Matches(const std::vector<std::string>& pattern, const std::vector<std::string>& raw,
            std::map<std::string, std::string>* params, std::string* refusal) {
  const bool rest = !pattern.empty() && IsRest(pattern.back());
  const std::size_t fixed = rest ? pattern.size() - 1 : pattern.size();
  if (rest ? raw.size() <= fixed : raw.size() != fixed) return Fit::kNo;
  std::map<std::string, std::string> found;
  for (std::size_t i = 0; i < fixed; ++i) {
    if (IsParam(pattern[i])) {
      if (raw[i].empty()) return Fit::kNo;
      auto decoded = PercentDecode(raw[i]);
      if (!decoded.ok()) return Fit::kNo;
      found[ParamName(pattern[i])] = std::move(decoded).value();
    } else {
      auto decoded = PercentDecode(raw[i]);
      if (!decoded.ok() || *decoded != pattern[i]) return Fit::kNo;
    }
  }
  if (rest) {
    std::string joined;
    const Fit fit = JoinRest(raw, fixed, &joined, refusal);
    if (fit != Fit::kYes) return fit;
    found[ParamName(pattern.back())] = std::move(joined);
  }
  *params = std::move(found);
  return Fit::kYes;
}

int RankOf(const std::vector<std::string>& segments) {
  if (!segments.empty() && IsRest(segments.back())) return 2;
  for (const auto& segment : segments) {
    if (IsParam(segment)) return 1;
  }
  return 0;
}

}  // namespace

std::optional<std::string_view> Request::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return std::string_view(value);
  }
  return std::nullopt;
}

void Router::Add(std::string method, std::string pattern, Handler handler, RouteOptions options) {
  std::vector<std::string> segments = SplitPath(pattern);
  for (auto& route : routes_) {
    if (route.method == method && route.pattern == pattern) {
      route.handler = std::move(handler);
      route.options = options;
      return;
    }
  }
  const int rank = RankOf(segments);
  routes_.push_back(Route{std::move(method), std::move(pattern), std::move(segments), rank,
                          std::move(handler), options});
}

Result<Router::Match> Router::Find(std::string_view method, std::string_view path) const {
  if (path.empty() || path.front() != '/') {
    return Status::NotFound("no route for a path that does not start with '/'");
  }
  const std::vector<std::string> raw = SplitPath(path);
  bool path_known = false;
  std::string allowed;
  std::string refusal;
  // The most specific route wins (the lowest rank: literal, then {name},
  // then rest); among equals, the first added.
  const Route* best = nullptr;
  std::map<std::string, std::string> best_params;
  for (const auto& route : routes_) {
    std::map<std::string, std::string> params;
    std::string refused;
    const Fit fit = Matches(route.segments, raw, &params, &refused);
    if (fit == Fit::kRefused && refusal.empty()) refusal = std::move(refused);
    if (fit != Fit::kYes) continue;
    path_known = true;
    if (route.method != method) {
      if (allowed.find(route.method) == std::string::npos) {
        allowed += allowed.empty() ? route.method : ", " + route.method;
      }
      continue;
    }
    if (best == nullptr || route.rank < best->rank) {
      best = &route;
      best_params = std::move(params);
    }
  }
  if (best != nullptr) {
    return Match{&best->handler, best->options, best->pattern, std::move(best_params)};
  }
  if (!refusal.empty()) return Status::InvalidArgument(refusal);
  if (path_known) {
    return Status::FunctionNotSupported(std::string(method) +
                                        " is not allowed here (allowed: " + allowed + ")");
  }
  return Status::NotFound("no resource at " + std::string(path));
}

std::vector<std::string> Router::Patterns() const {
  std::vector<std::string> patterns;
  for (const auto& route : routes_) {
    bool seen = false;
    for (const auto& p : patterns) seen = seen || p == route.pattern;
    if (!seen) patterns.push_back(route.pattern);
  }
  return patterns;
}

std::string Router::Allowed(std::string_view path) const {
  const std::vector<std::string> raw = SplitPath(path);
  std::string allowed;
  for (const auto& route : routes_) {
    std::map<std::string, std::string> params;
    std::string refused;
    if (Matches(route.segments, raw, &params, &refused) != Fit::kYes) continue;
    if (allowed.find(route.method) != std::string::npos) continue;
    allowed += allowed.empty() ? route.method : ", " + route.method;
  }
  return allowed;
}

}  // namespace tessera::http
