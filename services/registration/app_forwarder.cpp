// AppForwarder: Boost.Beast over Asio. Each step is an async operation on
// the call's own io_context, driven to completion here, so a deadline can
// bound it (beast::tcp_stream's for connect, handshake, write and read; a
// run_until for the resolver, which tcp_stream does not cover).
#include "services/registration/app_forwarder.hpp"

#include <arpa/inet.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <optional>

#include "common/text.hpp"

namespace tessera::registration {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;

namespace {

struct Url {
  bool tls = false;
  std::string host;  // without brackets
  std::string port;
  std::string prefix;  // the path, without a trailing '/'
  std::string host_header;
};

Result<Url> ParseUrl(std::string_view text) {
  Url url;
  std::string_view rest;
  if (text.starts_with("https://")) {
    url.tls = true;
    rest = text.substr(8);
  } else if (text.starts_with("http://")) {
    rest = text.substr(7);
  } else {
    return Status::InvalidArgument("application URL '" + std::string(text) +
                                   "' is neither http:// nor https://");
  }
  const std::size_t slash = rest.find('/');
  const std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) url.prefix = std::string(rest.substr(slash));
  while (!url.prefix.empty() && url.prefix.back() == '/') url.prefix.pop_back();
  const auto bad = [&](const char* why) {
    return Status::InvalidArgument("application URL '" + std::string(text) + "': " + why);
  };
  if (url.prefix.find_first_of("?# ") != std::string::npos) return bad("a query or fragment");
  if (authority.empty() || authority.find('@') != std::string_view::npos) return bad("no host");
  url.host_header = std::string(authority);
  std::size_t port_at = std::string_view::npos;
  if (authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return bad("no ']'");
    url.host = std::string(authority.substr(1, close - 1));
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return bad("a bad port");
      port_at = close + 1;
    }
  } else {
    port_at = authority.find(':');
    url.host = std::string(authority.substr(0, port_at));
  }
  url.port = url.tls ? "443" : "80";
  if (port_at != std::string_view::npos) {
    url.port = std::string(authority.substr(port_at + 1));
    if (url.port.empty() || url.port.size() > 5 ||
        url.port.find_first_not_of("0123456789") != std::string::npos || std::stoi(url.port) == 0 ||
        std::stoi(url.port) > 65535) {
      return bad("a bad port");
    }
  }
  if (url.host.empty()) return bad("no host");
  return url;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsIpLiteral(const std::string& host) {
  unsigned char buf[16];
  return ::inet_pton(AF_INET, host.c_str(), buf) == 1 ||
         ::inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

// RFC 9110 §5.6.2 tchar.
bool IsToken(std::string_view text) {
  constexpr std::string_view kExtra = "!#$%&'*+-.^_`|~";
  return !text.empty() && std::all_of(text.begin(), text.end(), [&](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || kExtra.find(c) != kExtra.npos;
  });
}

// Field values: no CR, LF or NUL (RFC 9110 §5.5), so nothing is smuggled.
bool IsFieldValue(std::string_view value) {
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

// Origin form with no dot segment: the target may not leave the base path.
Status CheckTarget(std::string_view target) {
  const std::string_view path = target.substr(0, target.find('?'));
  if (path.empty() || path.front() != '/') {
    return Status::InvalidArgument("the target must start with '/'");
  }
  for (char c : target) {
    if (c <= ' ' || c == '#' || c == 0x7f) {
      return Status::InvalidArgument("the target holds a space, control byte or '#'");
    }
  }
  for (std::size_t at = 0; at < path.size();) {
    const std::size_t end = std::min(path.find('/', at + 1), path.size());
    const std::string_view segment = path.substr(at + 1, end - at - 1);
    if (segment == "." || segment == "..") {
      return Status::InvalidArgument("the target has a dot segment");
    }
    at = end;
  }
  return Status::Ok();
}

constexpr std::string_view kHopByHop[] = {"connection", "keep-alive",         "proxy-connection",
                                          "te",         "transfer-encoding",  "upgrade",
                                          "trailer",    "proxy-authenticate", "proxy-authorization",
                                          "host",       "content-length"};

}  // namespace

std::string EncodeTargetPath(std::string_view decoded_path) {
  constexpr std::string_view kPchar = "-._~!$&'()*+,;=:@";
  constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = decoded_path.starts_with('/') ? "" : "/";
  for (const char c : decoded_path) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '/' || std::isalnum(byte) != 0 || kPchar.find(c) != kPchar.npos) {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0f];
    }
  }
  return out;
}

HeaderFields StripHopByHop(const HeaderFields& fields) {
  // RFC 9110 §7.6.1: the fields a Connection field names are hop-by-hop too.
  std::vector<std::string> named(std::begin(kHopByHop), std::end(kHopByHop));
  for (const auto& [name, value] : fields) {
    if (Lower(name) != "connection") continue;
    for (std::string_view list = value; !list.empty();) {
      const std::size_t comma = std::min(list.find(','), list.size());
      std::string option = Lower(TrimBlanks(list.substr(0, comma)));
      if (!option.empty()) named.push_back(std::move(option));
      list.remove_prefix(std::min(comma + 1, list.size()));
    }
  }
  HeaderFields kept;
  for (const auto& field : fields) {
    if (std::find(named.begin(), named.end(), Lower(field.first)) == named.end()) {
      kept.push_back(field);
    }
  }
  return kept;
}

struct AppForwarder::State {
  AppForwarderOptions options;
  std::optional<asio::ssl::context> tls;
};

namespace {

// One exchange on its own io_context.
class Call {
 public:
  Call(const AppForwarderOptions& options, asio::ssl::context* tls, Url url)
      : options_(options), tls_context_(tls), url_(std::move(url)) {}

  Result<ForwardResponse> Run(bhttp::request<bhttp::string_body>& request) {
    TESSERA_RETURN_IF_ERROR(Connect());
    Tcp().expires_after(options_.read_timeout);  // one deadline for write and read
    error_code ec = Drive([&](auto done) {
      if (tls_) {
        bhttp::async_write(*tls_, request, done);
      } else {
        bhttp::async_write(*plain_, request, done);
      }
    });
    if (ec) return Failed("sending the request to", ec);
    bhttp::response_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(options_.max_header_bytes));
    parser.body_limit(options_.max_body_bytes);
    beast::flat_buffer buffer;
    ec = Drive([&](auto done) {
      if (tls_) {
        bhttp::async_read(*tls_, buffer, parser, done);
      } else {
        bhttp::async_read(*plain_, buffer, parser, done);
      }
    });
    if (ec) return Failed("reading the answer of", ec);
    bhttp::response<bhttp::string_body> answer = parser.release();
    ForwardResponse out;
    out.status = static_cast<int>(answer.result_int());
    HeaderFields fields;
    for (const auto& field : answer) {
      fields.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    out.headers = StripHopByHop(fields);
    out.body = std::move(answer.body());
    error_code ignored;
    Tcp().socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    return out;
  }

 private:
  beast::tcp_stream& Tcp() { return tls_ ? beast::get_lowest_layer(*tls_) : *plain_; }

  template <typename Start>
  error_code Drive(Start start) {
    error_code result = asio::error::would_block;
    start([&result](error_code ec, auto&&...) { result = ec; });
    io_.restart();
    io_.run();
    return result;
  }

  Status Failed(const std::string& what, const error_code& ec) const {
    std::string why = ec.message();
    if (ec == beast::error::timeout) why = "timed out";
    if (ec == bhttp::error::body_limit || ec == bhttp::error::header_limit) {
      why = "the answer is larger than the limit (" + std::to_string(options_.max_header_bytes) +
            " header bytes, " + std::to_string(options_.max_body_bytes) + " body bytes)";
    }
    return Status::Unavailable(what + " " + url_.host_header + ": " + why);
  }

  Status Connect() {
    const Clock::time_point deadline = Clock::now() + options_.connect_timeout;
    asio::ip::tcp::resolver resolver(io_);
    asio::ip::tcp::resolver::results_type endpoints;
    error_code ec = asio::error::would_block;
    resolver.async_resolve(url_.host, url_.port,
                           [&](error_code e, asio::ip::tcp::resolver::results_type r) {
                             ec = e;
                             endpoints = std::move(r);
                           });
    io_.run_until(deadline);
    if (ec == asio::error::would_block) {
      resolver.cancel();
      io_.restart();
      io_.run();
      return Status::Unavailable("resolving " + url_.host + ": timed out");
    }
    if (ec) return Failed("resolving", ec);
    if (url_.tls) {
      tls_.emplace(io_, *tls_context_);
    } else {
      plain_.emplace(io_);
    }
    Tcp().expires_at(deadline);
    ec = Drive([&](auto done) { Tcp().async_connect(endpoints, done); });
    if (ec) return Failed("connecting to", ec);
    if (!url_.tls) return Status::Ok();
    SSL* ssl = tls_->native_handle();
    // RFC 6125: the URL's host must be in the certificate; SNI for names only (RFC 6066 §3).
    const bool ip = IsIpLiteral(url_.host);
    if ((ip && X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), url_.host.c_str()) != 1) ||
        (!ip && (SSL_set_tlsext_host_name(ssl, url_.host.c_str()) != 1 ||
                 SSL_set1_host(ssl, url_.host.c_str()) != 1))) {
      return Status::Internal("cannot set the TLS host check for " + url_.host);
    }
    ec = Drive([&](auto done) { tls_->async_handshake(asio::ssl::stream_base::client, done); });
    if (ec) return Failed("TLS handshake with", ec);
    return Status::Ok();
  }

  const AppForwarderOptions& options_;
  asio::ssl::context* tls_context_;
  Url url_;
  asio::io_context io_;
  std::optional<beast::tcp_stream> plain_;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls_;
};

}  // namespace

Result<AppForwarder> AppForwarder::Create(AppForwarderOptions options) {
  if (options.connect_timeout.count() <= 0 || options.read_timeout.count() <= 0 ||
      options.max_header_bytes == 0 || options.max_body_bytes == 0) {
    return Status::InvalidArgument("the forwarder's timeouts and limits must be above zero");
  }
  auto state = std::make_unique<State>();
  state->tls.emplace(asio::ssl::context::tls_client);
  if (SSL_CTX_set_min_proto_version(state->tls->native_handle(), TLS1_2_VERSION) != 1) {
    return Status::Internal("cannot set TLS 1.2 as the lowest version");
  }
  state->tls->set_verify_mode(asio::ssl::verify_peer);
  error_code ec;
  if (options.ca_file.empty()) {
    state->tls->set_default_verify_paths(ec);
  } else {
    state->tls->load_verify_file(options.ca_file, ec);
  }
  if (ec) {
    return Status::InvalidArgument("cannot load the CA file '" + options.ca_file +
                                   "': " + ec.message());
  }
  state->options = std::move(options);
  return AppForwarder(std::move(state));
}

AppForwarder::AppForwarder(std::unique_ptr<State> state) : state_(std::move(state)) {}
AppForwarder::~AppForwarder() = default;
AppForwarder::AppForwarder(AppForwarder&&) noexcept = default;
AppForwarder& AppForwarder::operator=(AppForwarder&&) noexcept = default;

Result<ForwardResponse> AppForwarder::Forward(std::string_view base_url,
                                              const ForwardRequest& request,
                                              const HeaderFields& added) const {
  TESSERA_ASSIGN_OR_RETURN(Url url, ParseUrl(base_url));
  if (!IsToken(request.method)) {
    return Status::InvalidArgument("method '" + request.method + "' is not an HTTP token");
  }
  TESSERA_RETURN_IF_ERROR(CheckTarget(request.target));
  HeaderFields fields = StripHopByHop(request.headers);
  for (const auto& field : added) {
    const std::string name = Lower(field.first);
    std::erase_if(fields, [&name](const auto& f) { return Lower(f.first) == name; });
  }
  fields.insert(fields.end(), added.begin(), added.end());

  bhttp::request<bhttp::string_body> wire;
  wire.version(11);
  wire.method_string(request.method);
  wire.target(url.prefix + request.target);
  for (const auto& [name, value] : fields) {
    if (!IsToken(name) || !IsFieldValue(value)) {
      return Status::InvalidArgument("header field '" + name + "' cannot be sent");
    }
    wire.insert(name, value);
  }
  wire.set(bhttp::field::host, url.host_header);
  wire.set(bhttp::field::connection, "close");
  wire.body() = request.body;
  wire.prepare_payload();
  Call call(state_->options, &*state_->tls, std::move(url));
  return call.Run(wire);
}

}  // namespace tessera::registration
