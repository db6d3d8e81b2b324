// Connection<Stream>: one accepted connection (plain TCP, TLS over TCP, or a
// UNIX socket) reading HTTP/1.1 requests one after another (keep-alive) and
// writing each answer from the Dispatcher. Internal to server.cpp.
//
// Per request: the header and body must arrive within limits.read_timeout of
// the request's first byte (a slowloris connection is closed); between
// requests a connection may sit idle for limits.idle_timeout. A request that
// breaks a limit gets its 431 / 413 / 400 problem and the connection closes.
// "Expect: 100-continue" is answered before the body is read.
//
// Lifetime: shared_ptr owned by its pending operations; every handler runs
// on the connection's strand. The hub tracks live connections for a graceful
// stop: Stop() closes an idle connection at once and lets one in the middle
// of a request finish it (answered with Connection: close).
#pragma once

#include <array>
#include <atomic>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <type_traits>
#include <unordered_map>

#include "services/http/exchange.hpp"
#include "services/http/tls_context.hpp"

namespace tessera::http {

namespace beast = boost::beast;
namespace asio = boost::asio;

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;
using UnixStream = beast::basic_stream<asio::local::stream_protocol, asio::any_io_executor,
                                       beast::unlimited_rate_policy>;

class ConnectionBase {
 public:
  virtual ~ConnectionBase() = default;
  virtual void Stop() = 0;
};

// What every connection shares: the dispatcher, the limits and the list of
// live connections. Thread-safe.
class ConnectionHub {
 public:
  ConnectionHub(const Dispatcher& dispatcher_in, const Limits& limits_in, Metrics& metrics_in)
      : dispatcher(dispatcher_in), limits(limits_in), metrics(metrics_in) {}

  void Add(const std::shared_ptr<ConnectionBase>& connection) {
    std::lock_guard lock(mutex_);
    live_[connection.get()] = connection;
  }
  void Remove(ConnectionBase* connection) {
    std::lock_guard lock(mutex_);
    live_.erase(connection);
  }
  std::size_t Count() const {
    std::lock_guard lock(mutex_);
    return live_.size();
  }
  void StopAll() {
    stopping.store(true);
    std::lock_guard lock(mutex_);
    for (auto& [raw, weak] : live_) {
      if (auto connection = weak.lock()) connection->Stop();
    }
  }

  const Dispatcher& dispatcher;
  const Limits& limits;
  Metrics& metrics;
  std::atomic<bool> stopping{false};

 private:
  mutable std::mutex mutex_;
  std::unordered_map<ConnectionBase*, std::weak_ptr<ConnectionBase>> live_;
};

template <typename Stream>
class Connection : public ConnectionBase, public std::enable_shared_from_this<Connection<Stream>> {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  Connection(Stream stream, ConnectionHub& hub, std::string remote)
      : stream_(std::move(stream)), hub_(hub) {
    info_.remote = std::move(remote);
    hub_.metrics.ConnectionOpened();
  }
  ~Connection() override {
    hub_.Remove(this);
    hub_.metrics.ConnectionClosed();
  }

  void Start() {
    hub_.Add(this->shared_from_this());
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] { self->Begin(); });
  }

  void Stop() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
      self->stopping_ = true;
      if (self->idle_) self->Lowest().cancel();
    });
  }

 private:
  auto& Lowest() { return beast::get_lowest_layer(stream_); }

  void Begin() {
    if constexpr (kTls) {
      Lowest().expires_after(hub_.limits.read_timeout);
      stream_.async_handshake(
          asio::ssl::stream_base::server, [self = this->shared_from_this()](beast::error_code ec) {
            if (ec) return;  // not TLS, a refused version, or too slow
            self->info_.client_subject = VerifiedPeerSubject(self->stream_.native_handle());
            self->info_.client_certificate = VerifiedPeerCertificate(self->stream_.native_handle());
            self->info_.tls_exporter = ChannelBindingExporter(self->stream_.native_handle());
            self->WaitForRequest();
          });
    } else {
      WaitForRequest();
    }
  }

  // Idle until the next request's first byte (or bytes already buffered).
  void WaitForRequest() {
    if (stopping_ || hub_.stopping.load()) return Close();
    if (buffer_.size() > 0) return ReadHeader();
    idle_ = true;
    Lowest().expires_after(hub_.limits.idle_timeout);
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->idle_ = false;
                              if (ec || n == 0) return self->Close();
                              self->buffer_.commit(n);
                              self->ReadHeader();
                            });
  }

  void ReadHeader() {
    parser_.emplace();
    ConfigureParser(*parser_, hub_.limits);
    Lowest().expires_after(hub_.limits.read_timeout);  // the whole request, header and body
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                               self->OnHeader(ec);
                             });
  }

  void OnHeader(beast::error_code ec) {
    if (ec) return Fail(ReadFailure(ec));
    const auto& header = parser_->get();
    const auto length = parser_->content_length();
    if (length && *length > hub_.limits.body_bytes) {
      return Fail(ReadFailure(bhttp::error::body_limit));
    }
    const auto expect = header.find(bhttp::field::expect);
    if (expect != header.end() && beast::iequals(expect->value(), "100-continue") &&
        !parser_->is_done()) {
      // RFC 9110 §10.1.1: the client waits for this before sending the body.
      auto interim =
          std::make_shared<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_, 11);
      bhttp::async_write(
          stream_, *interim,
          [self = this->shared_from_this(), interim](beast::error_code wec, std::size_t) {
            if (wec) return self->Close();
            self->ReadBody();
          });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                        if (ec) return self->Fail(ReadFailure(ec));
                        self->Answer();
                      });
  }

  void Answer() {
    WireRequest request = parser_->release();
    const bool keep_alive = request.keep_alive() && !stopping_ && !hub_.stopping.load();
    Write(hub_.dispatcher.Handle(std::move(request), info_, keep_alive));
  }

  // A request that could not be read: answer it if there is someone to
  // answer, then close.
  void Fail(const Status& failure) {
    if (failure.ok()) return Close();
    std::string method = "-";
    std::string target = "-";
    if (parser_ && parser_->is_header_done()) {
      method = std::string(parser_->get().method_string());
      target = std::string(parser_->get().target());
    }
    Write(hub_.dispatcher.Refuse(failure, info_, method, target));
  }

  void Write(WireResponse response) {
    auto shared = std::make_shared<WireResponse>(std::move(response));
    Lowest().expires_after(hub_.limits.read_timeout);  // a client that does not read
    bhttp::async_write(
        stream_, *shared,
        [self = this->shared_from_this(), shared](beast::error_code ec, std::size_t) {
          if (ec || !shared->keep_alive()) return self->Close();
          self->parser_.reset();
          self->WaitForRequest();
        });
  }

  void Close() {
    if constexpr (kTls) {
      // close_notify, bounded: a peer that never answers it is not waited for.
      Lowest().expires_after(std::chrono::seconds(1));
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {
        beast::error_code ignored;
        self->Lowest().socket().close(ignored);
      });
    } else {
      // Half-close, then read what the client still sends (the rest of a
      // refused body) for a moment: closing with unread bytes would send a
      // reset, which can destroy the answer before the client reads it.
      beast::error_code ignored;
      Lowest().socket().shutdown(asio::socket_base::shutdown_send, ignored);
      Lowest().expires_after(std::chrono::seconds(1));
      Linger(std::make_shared<std::array<char, 4096>>());
    }
  }

  void Linger(std::shared_ptr<std::array<char, 4096>> scratch) {
    Lowest().async_read_some(asio::buffer(*scratch), [self = this->shared_from_this(), scratch](
                                                         beast::error_code ec, std::size_t) {
      if (!ec) return self->Linger(scratch);
      beast::error_code ignored;
      self->Lowest().socket().close(ignored);
    });
  }

  Stream stream_;
  ConnectionHub& hub_;
  ConnectionInfo info_;
  beast::flat_buffer buffer_;
  std::optional<RequestParser> parser_;
  bool idle_ = false;
  bool stopping_ = false;
};

}  // namespace tessera::http
