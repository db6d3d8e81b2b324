// HttpsClient: the CLI's client for tesserad (docs/http.md, docs/cms-api.md):
// JSON requests over HTTPS (or plain HTTP on loopback for tests and the
// demo), one connection per client, kept alive between requests.
//
// TLS: TLS 1.2 or 1.3, the server's certificate checked against `ca_file`
// (PEM; empty: the system's default store) and the URL's host name. A client
// certificate may come from a file, or from a key on a token through the
// PKCS#11 module (the officer's certificate in slot 9a, its key never leaving
// the token: the TLS handshake's signature is made by C_Sign).
//
// A response with a status of 400 or more is returned as a Status made from
// its problem+json (RFC 9457): the code from the HTTP status (404 kNotFound,
// 409 kAlreadyExists or kConditionsNotSatisfied, 401/403 kSecurityStatus,
// 422 kSignatureInvalid, 503 kUnavailable, other 4xx kInvalidArgument, 5xx
// kInternal) and the message "HTTP 409: <title>: <detail>". A connection
// that fails is kUnavailable naming the URL. One thread at a time.
//
// Channel binding (RFC 9266): ChannelBinding() is the tls-exporter of the
// connection the next request goes on; JsonBound() builds a request's body
// from that value and sends it on that very connection, so a signature
// over the exporter binds the request to its TLS session.
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/bytes.hpp"
#include "common/status.hpp"

namespace tessera::cli {

// Signs a TLS handshake digest for the client certificate's key: given the
// digest algorithm's name ("SHA256", ...) and the digest, returns the
// signature (DER ECDSA for EC keys). The officer's terminal signs on the token.
using TlsKeySigner = std::function<Result<Bytes>(std::string_view digest, ByteView hash)>;

struct ClientCertificate {
  Bytes certificate_der;
  Bytes public_key_spki;  // the certificate's key (P-256 or P-384)
  TlsKeySigner sign;
};

struct HttpsClientOptions {
  std::string base_url;  // "https://127.0.0.1:8443" or "http://127.0.0.1:8080"
  std::string ca_file;
  std::optional<ClientCertificate> client_certificate;
  int timeout_seconds = 30;
};

struct HttpResponse {
  int status = 0;
  std::string content_type;
  std::string body;
};

class HttpsClient {
 public:
  static Result<HttpsClient> Connect(HttpsClientOptions options);
  ~HttpsClient();
  HttpsClient(HttpsClient&&) noexcept;
  HttpsClient& operator=(HttpsClient&&) noexcept;

  // Any request; the status, whatever it is.
  // `headers` are added to the request (Tessera-Session of the
  // registration gateway).
  using Headers = std::vector<std::pair<std::string, std::string>>;
  Result<HttpResponse> Send(const std::string& method, const std::string& target,
                            const std::string& content_type, const std::string& body,
                            const Headers& headers = {});
  // A JSON request (body omitted when null); the parsed JSON answer of a 2xx,
  // else the problem as a Status (above).
  Result<nlohmann::json> Json(const std::string& method, const std::string& target,
                              const nlohmann::json& body = nullptr, const Headers& headers = {});
  // A JSON request whose body depends on the connection it is sent on:
  // `body(exporter)` is called with the RFC 9266 tls-exporter of the
  // connection (connected first when none is open) and the request goes on
  // that connection. When a kept-alive connection turns out closed before
  // any answer, a fresh one is made and `body` is called again with its
  // exporter. kConditionsNotSatisfied over plain HTTP (no TLS, no exporter).
  using BoundBody = std::function<Result<nlohmann::json>(ByteView exporter)>;
  Result<nlohmann::json> JsonBound(const std::string& method, const std::string& target,
                                   const BoundBody& body, const Headers& headers = {});
  // The tls-exporter of the open connection (RFC 9266 §2:
  // SSL_export_keying_material, label "EXPORTER-Channel-Binding", no
  // context, 32 bytes); connects first when none is open.
  Result<Bytes> ChannelBinding();

  // The path of the base URL ("" for "https://host:port"), which every
  // request target is sent under.
  const std::string& path_prefix() const;

 private:
  struct State;
  explicit HttpsClient(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace tessera::cli
