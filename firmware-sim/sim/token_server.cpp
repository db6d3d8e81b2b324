#include "firmware-sim/sim/token_server.hpp"

#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

#include "common/sim_socket_protocol.hpp"
#include "firmware-sim/sim/log.hpp"

namespace tessera::sim {
namespace {

// Enough for a pipelined burst; a frame longer than this arrives in pieces.
constexpr std::size_t kReadChunk = std::size_t{64} * 1024;
// A response the 2-byte frame length cannot carry (never produced by the
// applets, whose objects are far smaller) is answered 6F00 instead.
constexpr std::uint8_t kNoPreciseDiagnosis[] = {0x6F, 0x00};

}  // namespace

Result<std::unique_ptr<TokenServer>> TokenServer::Start(std::unique_ptr<Token> token,
                                                        std::filesystem::path socket_path,
                                                        TraceLog& trace, Options options) {
  TESSERA_RETURN_IF_ERROR(token->PowerOn());
  TESSERA_ASSIGN_OR_RETURN(Wakeup wakeup, Wakeup::Create());
  TESSERA_ASSIGN_OR_RETURN(UniqueFd listener, ListenUnix(socket_path));
  std::unique_ptr<TokenServer> server(
      new TokenServer(std::move(token), std::move(socket_path), trace, options, std::move(wakeup)));
  server->listener_ = std::move(listener);
  if (options.vpcd) {
    server->vpcd_ = std::make_unique<VpcdLink>(
        *options.vpcd, "token " + std::to_string(server->serial_), options.vpcd_link);
    server->vpcd_->Enable();
  }
  server->trace_.Event(server->serial_, "power-on");
  server->thread_ = std::thread([s = server.get()] { s->Run(); });
  return server;
}

TokenServer::TokenServer(std::unique_ptr<Token> token, std::filesystem::path socket_path,
                         TraceLog& trace, Options options, Wakeup wakeup)
    : serial_(token->serial()),
      socket_path_(std::move(socket_path)),
      trace_(trace),
      options_(options),
      wakeup_(std::move(wakeup)),
      token_(std::move(token)),
      read_buffer_(kReadChunk) {}

TokenServer::~TokenServer() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wakeup_.Signal();
  if (thread_.joinable()) thread_.join();
  if (vpcd_) vpcd_->Disable();  // no reconnect message on the way out
  DropAllClients();
  listener_.Reset();
  std::lock_guard lock(mu_);
  if (present_) ::unlink(socket_path_.c_str());
}

TokenServer::Info TokenServer::Describe() {
  std::lock_guard lock(mu_);
  ByteView uid = token_->uid();
  Info info{serial_, Bytes(uid.begin(), uid.end()), present_, token_->powered(), socket_path_, {}};
  if (vpcd_) info.vpcd = vpcd_->Describe();
  return info;
}

Status TokenServer::Remove() {
  {
    std::lock_guard lock(mu_);
    if (!present_) {
      return Status::ConditionsNotSatisfied("token " + std::to_string(serial_) +
                                            " is already removed");
    }
    present_ = false;
    ++removals_;
    incoming_listener_.Reset();
    PowerOffLocked();
    // Unlinked now, so the path is gone when the control command returns;
    // the server thread closes the listener and the clients when it wakes.
    ::unlink(socket_path_.c_str());
    trace_.Event(serial_, "remove");
  }
  wakeup_.Signal();
  return Status::Ok();
}

Status TokenServer::Insert() {
  Status powered;
  {
    std::lock_guard lock(mu_);
    if (present_) {
      return Status::ConditionsNotSatisfied("token " + std::to_string(serial_) +
                                            " is already inserted");
    }
    // The socket accepts connections before the server thread polls it (the
    // backlog holds them), so the token is reachable when Insert returns.
    TESSERA_ASSIGN_OR_RETURN(incoming_listener_, ListenUnix(socket_path_));
    present_ = true;
    trace_.Event(serial_, "insert");
    // A token that fails to power on is still inserted, and mute.
    powered = PowerOnLocked();
  }
  wakeup_.Signal();
  return powered;
}

Status TokenServer::PowerCycle() {
  std::lock_guard lock(mu_);
  if (!present_) {
    return Status::ConditionsNotSatisfied("token " + std::to_string(serial_) + " is removed");
  }
  PowerOffLocked();
  return PowerOnLocked();
}

void TokenServer::ArmTear(std::size_t writes) {
  std::lock_guard lock(mu_);
  token_->ArmTear(writes);
  trace_.Event(serial_, "tear armed " + std::to_string(writes));
}

Status TokenServer::PowerOnLocked() {
  Status status = token_->PowerOn();
  if (!status.ok()) {
    LogLine("token " + std::to_string(serial_) + ": power on failed: " + status.ToString());
    return status;
  }
  trace_.Event(serial_, "power-on");
  return status;
}

void TokenServer::PowerOffLocked() {
  token_->PowerOff();
  last_apdu_client_ = 0;
  trace_.Event(serial_, "power-off");
}

void TokenServer::Run() {
  std::vector<pollfd> fds;
  for (;;) {
    fds.clear();
    fds.push_back({wakeup_.fd(), POLLIN, 0});
    const std::size_t listener_index = fds.size();
    if (listener_.valid()) fds.push_back({listener_.get(), POLLIN, 0});
    const bool vpcd_connecting = vpcd_ && vpcd_->connecting_fd() >= 0;
    if (vpcd_connecting) fds.push_back({vpcd_->connecting_fd(), POLLOUT, 0});
    const std::size_t first_client = fds.size();
    for (const auto& client : clients_) fds.push_back({client->fd.get(), POLLIN, 0});

    // A vpcd retry or connect deadline bounds the sleep.
    int timeout = vpcd_ ? vpcd_->PollTimeoutMillis(VpcdLink::Clock::now()) : -1;
    if (::poll(fds.data(), fds.size(), timeout) < 0) {
      if (errno == EINTR) continue;
      LogLine("token " + std::to_string(serial_) + ": poll failed: " + std::strerror(errno));
      return;
    }
    if (fds[0].revents != 0) {
      wakeup_.Drain();
      if (!ApplyControlChanges()) return;
      continue;  // the sets changed; poll again (level-triggered, nothing is lost)
    }
    // Serve before accepting, so fds[first_client + i] is still clients_[i].
    for (std::size_t i = 0; i < clients_.size() && first_client + i < fds.size(); ++i) {
      Client& client = *clients_[i];
      if (fds[first_client + i].revents == 0 || !client.fd.valid()) continue;
      if (!ServeClient(client)) CloseClient(client);
    }
    std::erase_if(clients_, [](const auto& c) { return !c->fd.valid(); });
    if (listener_.valid() && listener_index < first_client && fds[listener_index].revents != 0) {
      AcceptClients();
    }
    if (vpcd_) {
      if (std::optional<UniqueFd> fd = vpcd_->Tick(VpcdLink::Clock::now())) {
        AddClient(std::move(*fd), /*vpcd=*/true);
        // A card going into a reader gets power from it: a token whose
        // power was cut comes back powered, as it would when re-seated.
        std::lock_guard lock(mu_);
        if (present_ && !token_->powered()) (void)PowerOnLocked();
      }
    }
  }
}

bool TokenServer::ApplyControlChanges() {
  std::lock_guard lock(mu_);
  if (stop_) return false;
  if (removals_ != seen_removals_) {
    seen_removals_ = removals_;
    listener_.Reset();
    // The token is already powered off: its pending state went with it.
    clients_.clear();  // the vpcd connection too: pcscd sees the card removed
    if (vpcd_) vpcd_->Disable();
  }
  if (incoming_listener_.valid()) listener_ = std::move(incoming_listener_);
  // After a removal and an insert, a fresh connection: pcscd sees a new card.
  if (vpcd_ && present_) vpcd_->Enable();
  return true;
}

void TokenServer::AcceptClients() {
  for (;;) {
    UniqueFd fd(::accept4(listener_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (!fd.valid()) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;  // EAGAIN: backlog drained; anything else: try again next poll
    }
    AddClient(std::move(fd), /*vpcd=*/false);
  }
}

void TokenServer::AddClient(UniqueFd fd, bool vpcd) {
  auto client = std::make_unique<Client>();
  client->id = next_client_id_++;
  client->fd = std::move(fd);
  client->vpcd = vpcd;
  clients_.push_back(std::move(client));
}

bool TokenServer::ServeClient(Client& client) {
  // After answering, keep reading this client for a few microseconds before
  // going back to poll(): a host that sends its next APDU at once (GET
  // RESPONSE, a chain, a batch) is served without a scheduler wake-up.
  auto spin_until = std::chrono::steady_clock::time_point::min();
  for (;;) {
    ssize_t n = ::recv(client.fd.get(), read_buffer_.data(), read_buffer_.size(), MSG_DONTWAIT);
    if (n == 0) return false;  // peer closed; a half frame in its reader is dropped with it
    if (n < 0) {
      if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK) return false;
      if (std::chrono::steady_clock::now() >= spin_until) return true;
      // Spin politely: on a busy machine another token's thread or a host
      // thread may need this core more than this one needs to poll.
      sched_yield();
      continue;
    }
    if (client.vpcd) AckPromptly(client.fd.get());
    client.reader.Feed(ByteView(read_buffer_).first(static_cast<std::size_t>(n)));
    while (std::optional<Bytes> frame = client.reader.Next()) {
      std::optional<Bytes> reply;
      if (!HandleFrame(client, *frame, reply)) return false;
      // Sent outside the lock: a slow client delays only its own token thread,
      // and only up to the send timeout.
      if (reply &&
          !SendAll(client.fd.get(), simsock::EncodeFrame(*reply), options_.send_timeout).ok()) {
        return false;
      }
      spin_until = std::chrono::steady_clock::now() + options_.spin;
    }
  }
}

bool TokenServer::HandleFrame(const Client& client, ByteView payload, std::optional<Bytes>& reply) {
  std::lock_guard lock(mu_);
  if (!present_ || removals_ != seen_removals_) return false;  // removed: drop the client
  if (payload.empty()) return false;
  if (payload.size() == 1) {
    if (payload[0] != simsock::kPowerOff && payload[0] != simsock::kPowerOn &&
        payload[0] != simsock::kReset && payload[0] != simsock::kGetAtr) {
      return false;
    }
    HandleControlCode(client, payload[0], reply);
    return true;
  }
  if (client.id != last_apdu_client_) {
    // A half-sent chain and unread GET RESPONSE data belong to the client
    // that caused them: another client's command must neither continue the
    // chain nor read the data, whichever order the frames arrived in.
    token_->AbortPending();
    last_apdu_client_ = client.id;
  }
  trace_.Command(serial_, payload);
  std::optional<Bytes> response = token_->Transmit(payload);
  if (!response) {
    // Unpowered, or the power was cut during this command: the card is mute.
    trace_.Event(serial_, "mute");
    // vpcd has no way to say "no answer": it would wait for the payload of
    // an empty frame for ever, and pcscd with it. Dropping the connection
    // shows pcscd a card pulled out; the link reconnects, as a card pushed
    // back in, and pcscd powers it on again (docs/pcsc.md).
    if (client.vpcd) {
      vpcd_went_mute_ = true;
      return false;
    }
    reply = Bytes();
    return true;
  }
  if (response->size() > simsock::kMaxPayload) {
    response = Bytes(std::begin(kNoPreciseDiagnosis), std::end(kNoPreciseDiagnosis));
  }
  trace_.Response(serial_, *response);
  reply = std::move(response);
  return true;
}

void TokenServer::HandleControlCode(const Client& client, std::uint8_t code,
                                    std::optional<Bytes>& reply) {
  switch (code) {
    case simsock::kPowerOff: PowerOffLocked(); break;
    case simsock::kPowerOn:
      // Failure is logged; the card then stays mute, which the client sees.
      if (!token_->powered()) (void)PowerOnLocked();
      break;
    case simsock::kReset: {
      trace_.Event(serial_, "reset");
      last_apdu_client_ = 0;
      Status status = token_->Reset();
      if (!status.ok()) {
        LogLine("token " + std::to_string(serial_) + ": reset failed: " + status.ToString());
      }
      break;
    }
    case simsock::kGetAtr:
      if (client.vpcd) {
        // pcscd asks about every 400 ms whether the card is still there;
        // tracing each poll would bury the APDUs.
        reply = Token::Atr();
        break;
      }
      trace_.Event(serial_, "atr");
      reply = token_->powered() ? Token::Atr() : Bytes();
      break;
    default: break;
  }
}

void TokenServer::CloseClient(Client& client) {
  {
    std::lock_guard lock(mu_);
    if (client.id == last_apdu_client_) {
      // Its half-sent chain or unread GET RESPONSE data must not leak into
      // the next client's session.
      token_->AbortPending();
      last_apdu_client_ = 0;
    }
  }
  client.fd.Reset();
  if (client.vpcd && vpcd_) {
    if (vpcd_went_mute_) {
      vpcd_->LostMute();
    } else {
      vpcd_->Lost();
    }
    vpcd_went_mute_ = false;
  }
}

void TokenServer::DropAllClients() {
  for (auto& client : clients_) CloseClient(*client);
  clients_.clear();
}

}  // namespace tessera::sim
