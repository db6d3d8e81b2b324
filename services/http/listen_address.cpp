#include <charconv>

#include "services/http/server_config.hpp"

namespace tessera::http {

std::string ListenAddress::ToString() const {
  if (kind == Kind::kUnix) return "unix:" + path;
  const std::string shown = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return std::string(kind == Kind::kTls ? "https://" : "http://") + shown + ":" +
         std::to_string(port);
}

Result<ListenAddress> ParseListenAddress(std::string_view text) {
  ListenAddress address;
  const std::string original(text);
  if (text.starts_with("unix:")) {
    address.kind = ListenAddress::Kind::kUnix;
    address.path = std::string(text.substr(5));
    if (address.path.empty()) {
      return Status::InvalidArgument("listen address " + original + ": the socket path is empty");
    }
    return address;
  }
  if (text.starts_with("http://")) {
    address.kind = ListenAddress::Kind::kPlain;
    text.remove_prefix(7);
  } else if (text.starts_with("https://")) {
    text.remove_prefix(8);
  } else if (text.find("://") != std::string_view::npos) {
    return Status::InvalidArgument("listen address " + original +
                                   ": the scheme must be http://, https:// or unix:");
  }
  std::string_view port_text;
  if (text.starts_with("[")) {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return Status::InvalidArgument("listen address " + original + ": expected [IPV6]:PORT");
    }
    address.host = std::string(text.substr(1, close - 1));
    port_text = text.substr(close + 2);
  } else {
    const std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) {
      return Status::InvalidArgument("listen address " + original + ": expected ADDR:PORT");
    }
    address.host = std::string(text.substr(0, colon));
    port_text = text.substr(colon + 1);
  }
  if (address.host.empty()) {
    return Status::InvalidArgument("listen address " + original + ": the address is empty");
  }
  unsigned port = 0;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() ||
      port > 65535) {
    return Status::InvalidArgument("listen address " + original + ": the port must be 0 to 65535");
  }
  address.port = static_cast<std::uint16_t>(port);
  return address;
}

}  // namespace tessera::http
