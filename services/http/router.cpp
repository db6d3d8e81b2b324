#include "services/http/router.hpp"

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

// Matches the raw (still percent-encoded) segments of a path: a {name}
// segment takes its value decoded, so an encoded '/' inside it stays one
// segment.
bool Matches(const std::vector<std::string>& pattern, const std::vector<std::string>& raw,
             std::map<std::string, std::string>* params) {
  if (pattern.size() != raw.size()) return false;
  std::map<std::string, std::string> found;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (IsParam(pattern[i])) {
      if (raw[i].empty()) return false;
      auto decoded = PercentDecode(raw[i]);
      if (!decoded.ok()) return false;
      found[pattern[i].substr(1, pattern[i].size() - 2)] = std::move(decoded).value();
    } else {
      auto decoded = PercentDecode(raw[i]);
      if (!decoded.ok() || *decoded != pattern[i]) return false;
    }
  }
  *params = std::move(found);
  return true;
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
  routes_.push_back(Route{std::move(method), std::move(pattern), std::move(segments),
                          std::move(handler), options});
}

Result<Router::Match> Router::Find(std::string_view method, std::string_view path) const {
  if (path.empty() || path.front() != '/') {
    return Status::NotFound("no route for a path that does not start with '/'");
  }
  const std::vector<std::string> raw = SplitPath(path);
  bool path_known = false;
  std::string allowed;
  // Literal routes are preferred over patterns with parameters: the first
  // exact-literal match wins, then the first parameterized one.
  const Route* best = nullptr;
  std::map<std::string, std::string> best_params;
  for (const auto& route : routes_) {
    std::map<std::string, std::string> params;
    if (!Matches(route.segments, raw, &params)) continue;
    path_known = true;
    if (route.method != method) {
      if (allowed.find(route.method) == std::string::npos) {
        allowed += allowed.empty() ? route.method : ", " + route.method;
      }
      continue;
    }
    if (best == nullptr || (params.empty() && !best_params.empty())) {
      best = &route;
      best_params = std::move(params);
    }
  }
  if (best != nullptr) {
    return Match{&best->handler, best->options, best->pattern, std::move(best_params)};
  }
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
    if (!Matches(route.segments, raw, &params)) continue;
    if (allowed.find(route.method) != std::string::npos) continue;
    allowed += allowed.empty() ? route.method : ", " + route.method;
  }
  return allowed;
}

}  // namespace tessera::http
