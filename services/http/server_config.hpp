// What a Server is told to do: its listeners, TLS files and request limits
// (docs/http.md; tesserad fills it from its configuration). Value types.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.hpp"

namespace tessera::http {

struct ListenAddress {
  enum class Kind { kTls, kPlain, kUnix };
  Kind kind = Kind::kTls;
  std::string host;        // kTls, kPlain: "127.0.0.1", "::1", "0.0.0.0"
  std::uint16_t port = 0;  // 0: the kernel picks one (Server::BoundAddresses says which)
  std::string path;        // kUnix: the socket file

  std::string ToString() const;  // "https://127.0.0.1:8443", "http://...", "unix:/run/x.sock"
};

// "ADDR:PORT" and "https://ADDR:PORT" (TLS), "http://ADDR:PORT" (plain),
// "unix:PATH" (plain, a UNIX socket). IPv6 addresses in brackets: "[::1]:8443".
Result<ListenAddress> ParseListenAddress(std::string_view text);

struct Limits {
  std::size_t header_bytes = 8 * 1024;   // request line and header fields: else 431
  std::size_t body_bytes = 1024 * 1024;  // else 413
  // A whole request (header and body) must arrive within this, counted from
  // its first byte (or from the TLS handshake): else the connection closes.
  std::chrono::milliseconds read_timeout{10'000};
  // A keep-alive connection with no request started is closed after this.
  std::chrono::milliseconds idle_timeout{60'000};
  std::size_t max_connections = 1024;  // beyond: new connections are closed at once
  // SIGTERM: in-flight requests get this long to finish.
  std::chrono::milliseconds drain_timeout{10'000};
};

struct TlsFiles {
  std::string cert_file;       // PEM: the server certificate, then its chain
  std::string key_file;        // PEM private key; mode 0600 or stricter
  std::string client_ca_file;  // PEM CAs that verify client certificates; empty: none asked
};

struct ServerConfig {
  std::vector<ListenAddress> listeners;
  TlsFiles tls;  // needed when a listener is kTls
  Limits limits;
  int threads = 0;  // 0: std::thread::hardware_concurrency()
};

}  // namespace tessera::http
