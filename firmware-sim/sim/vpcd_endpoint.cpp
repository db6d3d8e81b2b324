#include "firmware-sim/sim/vpcd_endpoint.hpp"

#include <netdb.h>
#include <netinet/in.h>

#include <charconv>
#include <cstring>
#include <limits>

namespace tessera::sim {
namespace {

constexpr std::uint32_t kMaxPort = std::numeric_limits<std::uint16_t>::max();

Status Malformed(std::string_view text, const std::string& why) {
  return Status::InvalidArgument("bad vpcd endpoint '" + std::string(text) + "': " + why +
                                 " (expected HOST:PORT, e.g. 127.0.0.1:35963)");
}

}  // namespace

std::string VpcdEndpoint::ToString() const {
  bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Result<VpcdEndpoint> ParseVpcdEndpoint(std::string_view text) {
  std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return Malformed(text, "no port");
  std::string_view host = text.substr(0, colon);
  std::string_view port_text = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return Malformed(text, "an IPv6 address needs brackets");
  }
  if (host.empty()) return Malformed(text, "no host");
  for (char c : host) {
    if (c == '[' || c == ']' || c == '/' || c <= ' ') return Malformed(text, "bad host");
  }
  std::uint32_t port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size()) {
    return Malformed(text, "the port is not a number");
  }
  if (port == 0 || port > kMaxPort) return Malformed(text, "the port must be 1 to 65535");
  return VpcdEndpoint{std::string(host), static_cast<std::uint16_t>(port)};
}

Result<VpcdEndpoint> VpcdEndpointForToken(const VpcdEndpoint& base, std::size_t index) {
  if (index > kMaxPort - base.port) {
    return Status::InvalidArgument("vpcd port " + std::to_string(base.port) + " + token " +
                                   std::to_string(index) + " passes 65535: choose a lower --vpcd " +
                                   "port or fewer tokens");
  }
  return VpcdEndpoint{base.host, static_cast<std::uint16_t>(base.port + index)};
}

Result<std::vector<TcpAddress>> ResolveVpcdEndpoints(const VpcdEndpoint& base, std::size_t count) {
  if (count > 0) TESSERA_RETURN_IF_ERROR(VpcdEndpointForToken(base, count - 1).status());
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  int rc = ::getaddrinfo(base.host.c_str(), std::to_string(base.port).c_str(), &hints, &found);
  if (rc != 0 || found == nullptr) {
    return Status::NotFound("cannot resolve vpcd host '" + base.host + "': " + ::gai_strerror(rc));
  }
  TcpAddress first;
  std::memcpy(&first.addr, found->ai_addr, found->ai_addrlen);
  first.length = found->ai_addrlen;
  ::freeaddrinfo(found);

  std::vector<TcpAddress> out;
  for (std::size_t i = 0; i < count; ++i) {
    TESSERA_ASSIGN_OR_RETURN(VpcdEndpoint endpoint, VpcdEndpointForToken(base, i));
    TcpAddress address = first;
    address.text = endpoint.ToString();
    std::uint16_t port = htons(endpoint.port);
    if (address.addr.ss_family == AF_INET6) {
      reinterpret_cast<sockaddr_in6*>(&address.addr)->sin6_port = port;
    } else {
      reinterpret_cast<sockaddr_in*>(&address.addr)->sin_port = port;
    }
    out.push_back(std::move(address));
  }
  return out;
}

}  // namespace tessera::sim
