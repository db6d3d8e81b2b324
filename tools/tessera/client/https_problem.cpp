#include "tools/tessera/client/https_problem.hpp"

#include <arpa/inet.h>

#include <nlohmann/json.hpp>

namespace tessera::cli {
namespace {

std::string Member(const nlohmann::json& problem, const char* name) {
  if (!problem.is_object()) return "";
  auto it = problem.find(name);
  return it != problem.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

Result<BaseUrl> ParseBaseUrl(const std::string& url) {
  BaseUrl out;
  std::string rest;
  if (url.rfind("https://", 0) == 0) {
    rest = url.substr(8);
  } else if (url.rfind("http://", 0) == 0) {
    out.tls = false;
    rest = url.substr(7);
  } else {
    return Status::InvalidArgument("URL '" + url + "' is neither https:// nor http://");
  }
  const std::size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  if (slash != std::string::npos) out.prefix = rest.substr(slash);
  while (!out.prefix.empty() && out.prefix.back() == '/') out.prefix.pop_back();
  if (authority.empty() || authority.find('@') != std::string::npos) {
    return Status::InvalidArgument("URL '" + url + "' has no usable host");
  }
  out.host_header = authority;
  std::size_t port_at = std::string::npos;
  if (authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string::npos) return Status::InvalidArgument("URL '" + url + "': no ']'");
    out.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':')
        return Status::InvalidArgument("URL '" + url + "': bad port");
      port_at = close + 1;
    }
  } else {
    port_at = authority.find(':');
    out.host = authority.substr(0, port_at);
  }
  out.port = out.tls ? "443" : "80";
  if (port_at != std::string::npos) {
    out.port = authority.substr(port_at + 1);
    if (out.port.empty() || out.port.size() > 5 ||
        out.port.find_first_not_of("0123456789") != std::string::npos) {
      return Status::InvalidArgument("URL '" + url + "': bad port");
    }
  }
  if (out.host.empty()) return Status::InvalidArgument("URL '" + url + "' has no host");
  return out;
}

bool IsIpLiteral(const std::string& host) {
  unsigned char buf[16];
  return ::inet_pton(AF_INET, host.c_str(), buf) == 1 ||
         ::inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

Status ProblemStatus(int status, const std::string& body) {
  const nlohmann::json problem = nlohmann::json::parse(body, nullptr, false);
  std::string title = Member(problem, "title");
  const std::string detail = Member(problem, "detail");
  const std::string type = Member(problem, "type");
  if (title.empty()) title = problem.is_discarded() ? "(no problem details)" : "(no title)";
  std::string message = "HTTP " + std::to_string(status) + ": " + title;
  if (!detail.empty()) message += ": " + detail;
  // The reverse of docs/http.md's table.
  switch (status) {
    case 404: return Status::NotFound(message);
    case 409:
      return type == "urn:tessera:problem:already-exists" ? Status::AlreadyExists(message)
                                                          : Status::ConditionsNotSatisfied(message);
    case 401:
    case 403: return Status::SecurityStatus(message);
    case 422: return Status::SignatureInvalid(message);
    case 503: return Status::Unavailable(message);
    default: break;
  }
  if (status >= 400 && status < 500) return Status::InvalidArgument(message);
  return Status::Internal(message);
}

}  // namespace tessera::cli
