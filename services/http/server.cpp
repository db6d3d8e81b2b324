#include "services/http/server.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "services/http/connection.hpp"

namespace tessera::http {
namespace {

using tcp = asio::ip::tcp;
using local = asio::local::stream_protocol;

std::string RemoteOf(const tcp::socket& socket) {
  beast::error_code ec;
  const tcp::endpoint peer = socket.remote_endpoint(ec);
  if (ec) return "-";
  const std::string address = peer.address().to_string();
  return (peer.address().is_v6() ? "[" + address + "]" : address) + ":" +
         std::to_string(peer.port());
}

}  // namespace

struct Server::Impl {
  Impl(ServerConfig config_in, const Router& router, Metrics& metrics_in, AccessLog* log)
      : config(std::move(config_in)),
        metrics(metrics_in),
        dispatcher(router, metrics_in, log),
        hub(dispatcher, config.limits, metrics_in) {}

  ServerConfig config;
  Metrics& metrics;
  Dispatcher dispatcher;
  ConnectionHub hub;
  // Declared after the hub: destroyed first, so pending connections go
  // while the hub they deregister from still exists.
  asio::io_context ioc;
  // Listeners, signals and the drain timer run here, one at a time.
  asio::strand<asio::io_context::executor_type> control = asio::make_strand(ioc);
  std::shared_ptr<asio::ssl::context> tls;
  std::vector<std::unique_ptr<tcp::acceptor>> tcp_acceptors;  // parallel to tcp_tls
  std::vector<bool> tcp_tls;
  std::vector<std::unique_ptr<local::acceptor>> unix_acceptors;
  std::vector<std::string> unix_paths;
  std::vector<std::string> bound;
  std::unique_ptr<asio::signal_set> signals;
  std::function<void(int)> on_signal;
  std::unique_ptr<asio::steady_timer> drain_timer;
  std::atomic<bool> stop_requested{false};

  Status Bind();
  Status BindTcp(const ListenAddress& address);
  Status BindUnix(const ListenAddress& address);
  void AcceptTcp(std::size_t index);
  void AcceptUnix(std::size_t index);
  bool Admit() const { return !hub.stopping.load() && hub.Count() < config.limits.max_connections; }
  void WaitForSignal();
  void BeginStop();
  void CheckDrained(std::chrono::steady_clock::time_point deadline);
};

Status Server::Impl::BindTcp(const ListenAddress& address) {
  beast::error_code ec;
  const auto ip =
      asio::ip::make_address(address.host == "localhost" ? "127.0.0.1" : address.host, ec);
  if (ec) {
    return Status::InvalidArgument("listen address " + address.ToString() +
                                   ": not a numeric IP address");
  }
  const tcp::endpoint endpoint(ip, address.port);
  auto acceptor = std::make_unique<tcp::acceptor>(control);
  acceptor->open(endpoint.protocol(), ec);
  if (!ec) acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor->bind(endpoint, ec);
  if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::Unavailable("cannot listen on " + address.ToString() + ": " + ec.message());
  }
  ListenAddress resolved = address;
  resolved.port = acceptor->local_endpoint(ec).port();
  bound.push_back(resolved.ToString());
  tcp_tls.push_back(address.kind == ListenAddress::Kind::kTls);
  tcp_acceptors.push_back(std::move(acceptor));
  return Status::Ok();
}

Status Server::Impl::BindUnix(const ListenAddress& address) {
  std::error_code fs_error;
  const auto status = std::filesystem::symlink_status(address.path, fs_error);
  if (!fs_error && std::filesystem::exists(status)) {
    // A socket left by a process that died: replace it. Anything else is not ours.
    if (!std::filesystem::is_socket(status)) {
      return Status::InvalidArgument("listen address " + address.ToString() +
                                     ": the path exists and is not a socket");
    }
    std::filesystem::remove(address.path, fs_error);
  }
  beast::error_code ec;
  auto acceptor = std::make_unique<local::acceptor>(control);
  const local::endpoint endpoint(address.path);
  acceptor->open(endpoint.protocol(), ec);
  if (!ec) acceptor->bind(endpoint, ec);
  if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::Unavailable("cannot listen on " + address.ToString() + ": " + ec.message());
  }
  // The socket's group may talk to the server; others may not.
  if (::chmod(address.path.c_str(), 0660) != 0) {
    return Status::IoError("cannot chmod 0660 " + address.path);
  }
  bound.push_back(address.ToString());
  unix_paths.push_back(address.path);
  unix_acceptors.push_back(std::move(acceptor));
  return Status::Ok();
}

Status Server::Impl::Bind() {
  bool any_tls = false;
  for (const auto& address : config.listeners) {
    any_tls = any_tls || address.kind == ListenAddress::Kind::kTls;
  }
  if (config.listeners.empty()) return Status::InvalidArgument("no listener is configured");
  if (any_tls) {
    TESSERA_ASSIGN_OR_RETURN(tls, MakeTlsContext(config.tls));
  }
  for (const auto& address : config.listeners) {
    TESSERA_RETURN_IF_ERROR(address.kind == ListenAddress::Kind::kUnix ? BindUnix(address)
                                                                       : BindTcp(address));
  }
  return Status::Ok();
}

void Server::Impl::AcceptTcp(std::size_t index) {
  tcp_acceptors[index]->async_accept(
      asio::make_strand(ioc), [this, index](beast::error_code ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted || !tcp_acceptors[index]->is_open()) return;
        if (!ec && Admit()) {
          std::string remote = RemoteOf(socket);
          if (tcp_tls[index]) {
            std::make_shared<Connection<TlsStream>>(
                TlsStream(beast::tcp_stream(std::move(socket)), *tls), hub, std::move(remote))
                ->Start();
          } else {
            std::make_shared<Connection<PlainStream>>(PlainStream(std::move(socket)), hub,
                                                      std::move(remote))
                ->Start();
          }
        }
        // Over the connection limit the socket closes here, unanswered.
        AcceptTcp(index);
      });
}

void Server::Impl::AcceptUnix(std::size_t index) {
  unix_acceptors[index]->async_accept(asio::make_strand(ioc), [this, index](beast::error_code ec,
                                                                            local::socket socket) {
    if (ec == asio::error::operation_aborted || !unix_acceptors[index]->is_open()) return;
    if (!ec && Admit()) {
      std::make_shared<Connection<UnixStream>>(UnixStream(std::move(socket)), hub, "unix")->Start();
    }
    AcceptUnix(index);
  });
}

void Server::Impl::WaitForSignal() {
  if (!signals) return;
  signals->async_wait([this](beast::error_code ec, int signal) {
    if (ec) return;
    if (on_signal) on_signal(signal);
    if (!stop_requested.load()) WaitForSignal();
  });
}

void Server::Impl::BeginStop() {
  beast::error_code ignored;
  for (auto& acceptor : tcp_acceptors) acceptor->close(ignored);
  for (auto& acceptor : unix_acceptors) acceptor->close(ignored);
  for (const auto& path : unix_paths) ::unlink(path.c_str());
  if (signals) signals->cancel(ignored);
  hub.StopAll();
  drain_timer = std::make_unique<asio::steady_timer>(control);
  CheckDrained(std::chrono::steady_clock::now() + config.limits.drain_timeout);
}

void Server::Impl::CheckDrained(std::chrono::steady_clock::time_point deadline) {
  if (hub.Count() == 0 || std::chrono::steady_clock::now() >= deadline) {
    if (hub.Count() != 0) {
      (void)std::fprintf(stderr, "tesserad: %zu connections still open after the drain timeout\n",
                         hub.Count());
    }
    ioc.stop();
    return;
  }
  drain_timer->expires_after(std::chrono::milliseconds(20));
  drain_timer->async_wait([this, deadline](beast::error_code) { CheckDrained(deadline); });
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() = default;

Result<std::unique_ptr<Server>> Server::Create(ServerConfig config, const Router& router,
                                               Metrics& metrics, AccessLog* access_log) {
  auto impl = std::make_unique<Impl>(std::move(config), router, metrics, access_log);
  TESSERA_RETURN_IF_ERROR(impl->Bind());
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

std::vector<std::string> Server::BoundAddresses() const { return impl_->bound; }

void Server::OnSignals(const std::vector<int>& signals, std::function<void(int)> on_signal) {
  impl_->signals = std::make_unique<asio::signal_set>(impl_->control);
  for (int signal : signals) impl_->signals->add(signal);
  impl_->on_signal = std::move(on_signal);
}

void Server::Run() {
  for (std::size_t i = 0; i < impl_->tcp_acceptors.size(); ++i) impl_->AcceptTcp(i);
  for (std::size_t i = 0; i < impl_->unix_acceptors.size(); ++i) impl_->AcceptUnix(i);
  impl_->WaitForSignal();
  int threads = impl_->config.threads > 0 ? impl_->config.threads
                                          : static_cast<int>(std::thread::hardware_concurrency());
  threads = std::max(threads, 1);
  auto run = [this] {
    for (;;) {
      try {
        impl_->ioc.run();
        return;
      } catch (const std::exception& e) {
        // A bug in a completion handler: log it and keep serving.
        (void)std::fprintf(stderr, "tesserad: unexpected exception in the server: %s\n", e.what());
      }
    }
  };
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back(run);
  run();
  for (auto& thread : pool) thread.join();
}

void Server::Stop() {
  if (impl_->stop_requested.exchange(true)) return;
  asio::post(impl_->control, [impl = impl_.get()] { impl->BeginStop(); });
}

}  // namespace tessera::http
