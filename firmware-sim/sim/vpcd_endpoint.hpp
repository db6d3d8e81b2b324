// Where the simulator's tokens reach vsmartcard's vpcd driver inside pcscd:
// `tessera-sim --vpcd HOST:PORT` sends token i to HOST:PORT+i over TCP
// (docs/pcsc.md).
//
// ParseVpcdEndpoint checks the syntax only (the command line reports its
// errors); ResolveVpcdEndpoint turns a host name into an address once, at
// start-up, so a token thread never blocks on DNS. Plain values and pure
// functions; thread-safe.
#pragma once

#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.hpp"

namespace tessera::sim {

struct VpcdEndpoint {
  std::string host;  // a name, an IPv4 literal or an IPv6 literal (without brackets)
  std::uint16_t port = 0;

  // "HOST:PORT", with brackets around an IPv6 literal.
  std::string ToString() const;
};

// "HOST:PORT" or "[IPV6]:PORT"; PORT is 1 to 65535. kInvalidArgument with a
// message that names the problem otherwise.
Result<VpcdEndpoint> ParseVpcdEndpoint(std::string_view text);

// The endpoint of the token at `index` (0-based): PORT + index. Fails when
// that passes 65535.
Result<VpcdEndpoint> VpcdEndpointForToken(const VpcdEndpoint& base, std::size_t index);

// A resolved TCP address, ready for connect().
struct TcpAddress {
  sockaddr_storage addr{};
  socklen_t length = 0;
  std::string text;  // the endpoint as the user wrote it, for messages and `ctl list`
};

// The addresses of `count` tokens: the host resolved once (getaddrinfo; the
// first address wins) and ports PORT to PORT+count-1. Fails when the host
// does not resolve or a port would pass 65535. Blocking: call at start-up.
Result<std::vector<TcpAddress>> ResolveVpcdEndpoints(const VpcdEndpoint& base, std::size_t count);

}  // namespace tessera::sim
