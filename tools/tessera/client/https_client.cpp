// HttpsClient: Boost.Beast over Asio, one connection kept alive. Every
// step runs as an async operation on the client's own io_context, driven
// to completion here, so the tcp_stream's deadline (timeout_seconds) bounds
// each connect, handshake, write and read.
#include "tools/tessera/client/https_client.hpp"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <optional>

#include "common/ossl.hpp"
#include "tools/tessera/client/https_problem.hpp"
#include "tools/tessera/client/tls_signer_key.hpp"

namespace tessera::cli {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using boost::system::error_code;
using Tcp = asio::ip::tcp;

namespace {

constexpr std::uint64_t kBodyLimit = 64ULL << 20;  // 64 MiB: far above any answer tesserad gives

// Sets up the context: TLS 1.2 or 1.3, the CA file (or the system store),
// the client certificate with its signer-backed key.
Status ConfigureTls(asio::ssl::context& ctx, const HttpsClientOptions& options) {
  SSL_CTX* native = ctx.native_handle();
  if (SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1) {
    return ossl::Error("setting the lowest TLS version");
  }
  ctx.set_verify_mode(asio::ssl::verify_peer);
  error_code ec;
  if (options.ca_file.empty()) {
    ctx.set_default_verify_paths(ec);
  } else {
    ctx.load_verify_file(options.ca_file, ec);
  }
  if (ec) {
    return Status::InvalidArgument("cannot load the CA file '" + options.ca_file +
                                   "': " + ec.message());
  }
  if (!options.client_certificate) return Status::Ok();
  const ClientCertificate& client = *options.client_certificate;
  TESSERA_ASSIGN_OR_RETURN(ossl::X509Ptr cert, ossl::CertFromDer(client.certificate_der));
  TESSERA_ASSIGN_OR_RETURN(ossl::PkeyPtr key, SignerBackedKey(client.public_key_spki, client.sign));
  if (SSL_CTX_use_certificate(native, cert.get()) != 1) {
    return ossl::Error("using the client certificate");
  }
  // Also checks that the key is the certificate's.
  if (SSL_CTX_use_PrivateKey(native, key.get()) != 1) {
    return ossl::Error("using the client certificate's key");
  }
  return Status::Ok();
}

}  // namespace

struct HttpsClient::State {
  HttpsClientOptions options;
  BaseUrl url;
  asio::io_context io;
  std::optional<asio::ssl::context> tls_context;
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;
  bool reused = false;  // the connection has carried a request already

  beast::tcp_stream& Tcp() { return tls ? beast::get_lowest_layer(*tls) : *plain; }
  void Arm() { Tcp().expires_after(std::chrono::seconds(options.timeout_seconds)); }

  // Starts `start(handler)` and runs the io_context until it completes.
  template <typename Start>
  error_code Run(Start start) {
    error_code result = asio::error::would_block;
    start([&result](error_code ec, auto&&...) { result = ec; });
    io.restart();
    io.run();
    return result;
  }

  Status Unavailable(const std::string& what, const error_code& ec) const {
    return Status::Unavailable(what + " " + options.base_url + ": " + ec.message());
  }

  bool connected() const { return plain.has_value() || tls.has_value(); }
  void Close() {
    if (!connected()) return;
    error_code ignored;
    Tcp().socket().close(ignored);
    plain.reset();
    tls.reset();
    buffer.clear();
    reused = false;
  }
  Status Connect();
  Result<HttpResponse> Exchange(http::request<http::string_body>& request);

  struct Payload {
    std::string content_type;
    std::string body;
  };
  using PayloadFor = std::function<Result<Payload>()>;
  // One request, its payload built once the connection is open; sent once
  // more on a fresh connection when a kept-alive one was found closed.
  Result<HttpResponse> Send(const std::string& method, const std::string& target,
                            const Headers& headers, const PayloadFor& payload);
  // The open TLS connection's RFC 9266 tls-exporter.
  Result<Bytes> Exporter();
};

Status HttpsClient::State::Connect() {
  Close();
  Tcp::resolver resolver(io);
  error_code ec;
  const auto endpoints = resolver.resolve(url.host, url.port, ec);
  if (ec) return Unavailable("resolving", ec);
  if (url.tls) {
    tls.emplace(io, *tls_context);
  } else {
    plain.emplace(io);
  }
  Arm();
  ec = Run([&](auto handler) { Tcp().async_connect(endpoints, handler); });
  if (ec) {
    Close();
    return Unavailable("connecting to", ec);
  }
  if (!url.tls) return Status::Ok();
  SSL* ssl = tls->native_handle();
  // RFC 6125: the URL's host must be in the server's certificate; SNI for names only (RFC 6066 §3).
  if (IsIpLiteral(url.host)) {
    if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), url.host.c_str()) != 1) {
      Close();
      return ossl::Error("setting the server's IP address to check");
    }
  } else if (SSL_set_tlsext_host_name(ssl, url.host.c_str()) != 1 ||
             SSL_set1_host(ssl, url.host.c_str()) != 1) {
    Close();
    return ossl::Error("setting the server's name to check");
  }
  Arm();
  ec = Run([&](auto handler) { tls->async_handshake(asio::ssl::stream_base::client, handler); });
  if (ec) {
    Close();
    return Unavailable("TLS handshake with", ec);
  }
  return Status::Ok();
}

Result<HttpResponse> HttpsClient::State::Exchange(http::request<http::string_body>& request) {
  Arm();
  error_code ec = Run([&](auto handler) {
    if (tls) {
      http::async_write(*tls, request, handler);
    } else {
      http::async_write(*plain, request, handler);
    }
  });
  if (ec) return Unavailable("sending a request to", ec);
  http::response_parser<http::string_body> parser;
  parser.body_limit(kBodyLimit);
  Arm();
  ec = Run([&](auto handler) {
    if (tls) {
      http::async_read(*tls, buffer, parser, handler);
    } else {
      http::async_read(*plain, buffer, parser, handler);
    }
  });
  if (ec) return Unavailable("reading the answer of", ec);
  http::response<http::string_body> response = parser.release();
  HttpResponse out;
  out.status = static_cast<int>(response.result_int());
  out.content_type = std::string(response[http::field::content_type]);
  out.body = std::move(response.body());
  reused = true;
  if (!response.keep_alive()) Close();
  return out;
}

Result<HttpsClient> HttpsClient::Connect(HttpsClientOptions options) {
  auto state = std::make_unique<State>();
  TESSERA_ASSIGN_OR_RETURN(state->url, ParseBaseUrl(options.base_url));
  if (options.timeout_seconds <= 0) {
    return Status::InvalidArgument("the timeout must be at least one second");
  }
  state->options = std::move(options);
  if (state->url.tls) {
    state->tls_context.emplace(asio::ssl::context::tls_client);
    TESSERA_RETURN_IF_ERROR(ConfigureTls(*state->tls_context, state->options));
  }
  TESSERA_RETURN_IF_ERROR(state->Connect());
  return HttpsClient(std::move(state));
}

HttpsClient::HttpsClient(std::unique_ptr<State> state) : state_(std::move(state)) {}
HttpsClient::~HttpsClient() {
  if (state_) state_->Close();
}
HttpsClient::HttpsClient(HttpsClient&&) noexcept = default;
HttpsClient& HttpsClient::operator=(HttpsClient&&) noexcept = default;

Result<HttpResponse> HttpsClient::Send(const std::string& method, const std::string& target,
                                       const std::string& content_type, const std::string& body,
                                       const Headers& headers) {
  return state_->Send(method, target, headers, [&]() -> Result<State::Payload> {
    return State::Payload{content_type, body};
  });
}

Result<HttpResponse> HttpsClient::State::Send(const std::string& method, const std::string& target,
                                              const Headers& headers, const PayloadFor& payload) {
  const http::verb verb = http::string_to_verb(method);
  if (verb == http::verb::unknown) return Status::InvalidArgument("unknown HTTP method " + method);
  if (target.empty() || target.front() != '/') {
    return Status::InvalidArgument("request target '" + target + "' does not start with '/'");
  }
  for (int attempt = 0;; ++attempt) {
    if (!connected()) TESSERA_RETURN_IF_ERROR(Connect());
    // Built on the connection it goes on (JsonBound's exporter), each attempt.
    TESSERA_ASSIGN_OR_RETURN(Payload built, payload());
    http::request<http::string_body> request{verb, url.prefix + target, 11};
    request.set(http::field::host, url.host_header);
    request.set(http::field::user_agent, "tessera-cli");
    request.set(http::field::accept, "application/json, application/problem+json, */*");
    if (!built.content_type.empty()) request.set(http::field::content_type, built.content_type);
    for (const auto& [name, value] : headers) request.set(name, value);
    request.keep_alive(true);
    request.body() = std::move(built.body);
    request.prepare_payload();
    const bool was_reused = reused;
    Result<HttpResponse> response = Exchange(request);
    if (response.ok()) return response;
    Close();
    // A kept-alive connection the server closed while idle fails the next
    // request before any answer: send it once more on a fresh connection.
    if (!was_reused || attempt > 0) return response.status();
  }
}

Result<Bytes> HttpsClient::State::Exporter() {
  if (!tls) {
    return Status::ConditionsNotSatisfied(options.base_url +
                                          " is plain HTTP: no TLS channel binding");
  }
  // RFC 9266 §2: the label without its NUL, no context, 32 bytes.
  static constexpr char kLabel[] = "EXPORTER-Channel-Binding";
  Bytes out(32);
  if (SSL_export_keying_material(tls->native_handle(), out.data(), out.size(), kLabel,
                                 sizeof kLabel - 1, nullptr, 0, 0) != 1) {
    return ossl::Error("exporting the TLS channel binding");
  }
  return out;
}

Result<Bytes> HttpsClient::ChannelBinding() {
  if (!state_->connected()) TESSERA_RETURN_IF_ERROR(state_->Connect());
  return state_->Exporter();
}

const std::string& HttpsClient::path_prefix() const { return state_->url.prefix; }

namespace {

// The parsed JSON answer of a 2xx; the problem as a Status otherwise.
Result<nlohmann::json> JsonAnswer(const std::string& method, const std::string& target,
                                  const HttpResponse& response) {
  if (response.status >= 400) return ProblemStatus(response.status, response.body);
  if (response.status < 200 || response.status >= 300) {
    return Status::Internal("HTTP " + std::to_string(response.status) + " from " + method + " " +
                            target + ": not an answer the CLI expects");
  }
  if (response.body.empty()) return nlohmann::json();
  nlohmann::json parsed = nlohmann::json::parse(response.body, nullptr, false);
  if (parsed.is_discarded()) {
    return Status::Internal(method + " " + target + ": the answer is not JSON");
  }
  return parsed;
}

}  // namespace

Result<nlohmann::json> HttpsClient::Json(const std::string& method, const std::string& target,
                                         const nlohmann::json& body, const Headers& headers) {
  const bool has_body = !body.is_null();
  TESSERA_ASSIGN_OR_RETURN(HttpResponse response,
                           Send(method, target, has_body ? "application/json" : "",
                                has_body ? body.dump() : "", headers));
  return JsonAnswer(method, target, response);
}

Result<nlohmann::json> HttpsClient::JsonBound(const std::string& method, const std::string& target,
                                              const BoundBody& body, const Headers& headers) {
  TESSERA_ASSIGN_OR_RETURN(HttpResponse response,
                           state_->Send(method, target, headers, [&]() -> Result<State::Payload> {
                             TESSERA_ASSIGN_OR_RETURN(Bytes exporter, state_->Exporter());
                             TESSERA_ASSIGN_OR_RETURN(nlohmann::json built, body(exporter));
                             return State::Payload{"application/json", built.dump()};
                           }));
  return JsonAnswer(method, target, response);
}

}  // namespace tessera::cli
