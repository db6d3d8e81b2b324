#include "firmware-sim/sim/simulator.hpp"

#include <poll.h>
#include <pthread.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <string>
#include <system_error>

#include "common/sim_socket_protocol.hpp"
#include "common/unique_fd.hpp"
#include "firmware-sim/crypto/manufacturer_ca.hpp"
#include "firmware-sim/os/clock.hpp"
#include "firmware-sim/os/rng.hpp"
#include "firmware-sim/sim/control_server.hpp"
#include "firmware-sim/sim/log.hpp"
#include "firmware-sim/sim/run_dir.hpp"
#include "firmware-sim/sim/socket_util.hpp"
#include "firmware-sim/sim/token_inventory.hpp"
#include "firmware-sim/sim/token_server.hpp"
#include "firmware-sim/sim/trace_log.hpp"

namespace tessera::sim {
namespace {

constexpr std::string_view kPidFileName = "tessera-sim.pid";
constexpr std::string_view kStateLockName = "tessera-sim.lock";

// Blocks SIGINT and SIGTERM in this thread and every thread it starts later,
// and returns a signalfd that reports them: shutdown then happens on the main
// thread at a known point, never inside a signal handler.
Result<UniqueFd> TakeShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  if (::pthread_sigmask(SIG_BLOCK, &set, nullptr) != 0) return Status::Internal("pthread_sigmask");
  UniqueFd fd(::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
  if (!fd.valid()) return Status::IoError(std::string("signalfd: ") + std::strerror(errno));
  // Peers that vanish are seen as EPIPE on send (MSG_NOSIGNAL), not a signal.
  (void)std::signal(SIGPIPE, SIG_IGN);
  return fd;
}

// Token sockets a killed simulator left behind; we hold the run-dir lock, so
// nobody else is serving them.
void RemoveStaleSockets(const std::filesystem::path& run_dir) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(run_dir, ec)) {
    if (entry.path().extension() == simsock::kTokenSocketSuffix && entry.is_socket(ec)) {
      std::filesystem::remove(entry.path(), ec);
    }
  }
}

std::unique_ptr<Rng> CaRng(std::optional<std::uint64_t> seed) {
  if (seed) return std::make_unique<SeededRng>(*seed, "manufacturer-ca");
  return std::make_unique<SystemRng>();
}

// Token i (in serial order) goes to vpcd at PORT+i.
Result<std::vector<std::unique_ptr<TokenServer>>> StartTokenServers(
    std::vector<std::unique_ptr<Token>> tokens, const ServeOptions& options, TraceLog& trace) {
  std::vector<TcpAddress> vpcd;
  if (options.vpcd) {
    TESSERA_ASSIGN_OR_RETURN(vpcd, ResolveVpcdEndpoints(*options.vpcd, tokens.size()));
  }
  std::vector<std::unique_ptr<TokenServer>> servers;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    std::filesystem::path socket = simsock::TokenSocketPath(options.run_dir, tokens[i]->serial());
    TokenServer::Options server_options;
    if (!vpcd.empty()) server_options.vpcd = vpcd[i];
    TESSERA_ASSIGN_OR_RETURN(
        auto server, TokenServer::Start(std::move(tokens[i]), socket, trace, server_options));
    servers.push_back(std::move(server));
  }
  return servers;
}

Status ServeControlUntilSignal(ControlServer& control, int signal_fd) {
  for (;;) {
    pollfd fds[2] = {{signal_fd, POLLIN, 0}, {control.fd(), POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return Status::IoError(std::string("poll: ") + std::strerror(errno));
    }
    if (fds[0].revents != 0) {
      signalfd_siginfo info{};
      [[maybe_unused]] ssize_t n = ::read(signal_fd, &info, sizeof(info));
      LogLine("signal " + std::to_string(info.ssi_signo) + ": shutting down");
      return Status::Ok();
    }
    if (fds[1].revents != 0) control.HandleOne();
  }
}

}  // namespace

Status RunSimulator(const ServeOptions& options) {
  TESSERA_ASSIGN_OR_RETURN(UniqueFd signals, TakeShutdownSignals());
  std::optional<LatencyModel> latency = LatencyModel::FromName(options.latency);
  if (!latency) return Status::InvalidArgument("unknown latency profile: " + options.latency);

  TESSERA_RETURN_IF_ERROR(EnsurePrivateDirectory(options.run_dir));
  TESSERA_ASSIGN_OR_RETURN(PidLock run_lock,
                           PidLock::Acquire(options.run_dir / kPidFileName,
                                            "run directory " + options.run_dir.string()));
  TESSERA_RETURN_IF_ERROR(EnsurePrivateDirectory(options.state_dir));
  TESSERA_ASSIGN_OR_RETURN(PidLock state_lock,
                           PidLock::Acquire(options.state_dir / kStateLockName,
                                            "state directory " + options.state_dir.string()));
  RemoveStaleSockets(options.run_dir);

  SystemClock clock;
  std::unique_ptr<Rng> ca_rng = CaRng(options.seed);
  TESSERA_ASSIGN_OR_RETURN(ManufacturerCa ca,
                           ManufacturerCa::LoadOrCreate(options.state_dir, *ca_rng, clock));
  InventoryOptions inventory{options.state_dir, options.tokens, options.seed, *latency, &clock};
  TESSERA_ASSIGN_OR_RETURN(auto tokens, LoadOrManufacture(inventory, ca));

  std::unique_ptr<TraceLog> trace = std::make_unique<TraceLog>();
  if (options.trace) {
    TESSERA_ASSIGN_OR_RETURN(trace, TraceLog::Open(*options.trace, clock));
  }

  TESSERA_ASSIGN_OR_RETURN(auto servers, StartTokenServers(std::move(tokens), options, *trace));
  std::vector<TokenServer*> borrowed;
  borrowed.reserve(servers.size());
  for (const auto& server : servers) borrowed.push_back(server.get());
  TESSERA_ASSIGN_OR_RETURN(
      auto control, ControlServer::Listen(options.run_dir / simsock::kControlSocketName, borrowed));
  std::string where = options.run_dir.string();
  if (options.vpcd) where += " and to vpcd from " + options.vpcd->ToString();
  LogLine("serving " + std::to_string(servers.size()) + " token(s) in " + where);
  return ServeControlUntilSignal(*control, signals.get());
  // Destruction runs in reverse: control socket, token servers (threads
  // joined, sockets unlinked), trace, tokens' clock, then the locks.
}

}  // namespace tessera::sim
