#include "tests/integration/sim_harness.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/sim_socket_protocol.hpp"

extern char** environ;  // NOLINT: POSIX

namespace tessera::testing {
namespace {

using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

// Start-up manufactures tokens (key generation) under ASan: be patient.
constexpr auto kStartTimeout = 120s;
constexpr auto kStopTimeout = 30s;

// Spawns the simulator with stdout and stderr redirected to files.
Result<pid_t> Spawn(const std::vector<std::string>& args, const std::filesystem::path& out,
                    const std::filesystem::path& err) {
  std::string binary = SimBinary().string();
  std::vector<char*> argv;
  argv.push_back(binary.data());
  std::vector<std::string> copies = args;
  for (std::string& a : copies) argv.push_back(a.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return Status::IoError("cannot start " + binary + ": " + std::strerror(rc));
  return pid;
}

int ExitCodeOf(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// Waits for `pid` until `timeout`; nullopt if it is still running.
std::optional<int> WaitFor(pid_t pid, std::chrono::milliseconds timeout) {
  const auto deadline = SteadyClock::now() + timeout;
  for (;;) {
    int status = 0;
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return ExitCodeOf(status);
    if (r < 0 && errno != EINTR) return -1;
    if (SteadyClock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(10ms);
  }
}

bool CanConnect(const std::filesystem::path& socket) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, socket.c_str(), sizeof(addr.sun_path) - 1);
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  return ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) == 0;
}

}  // namespace

std::filesystem::path SimBinary() {
  const char* build = std::getenv("TESSERA_BUILD_DIR");  // NOLINT(concurrency-mt-unsafe)
  if (build != nullptr && *build != '\0') {
    return std::filesystem::path(build) / "firmware-sim" / "sim" / "tessera-sim";
  }
  return TESSERA_SIM_BINARY;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

ProcessResult RunSim(const std::vector<std::string>& args, std::chrono::seconds timeout) {
  TempDir logs;
  ProcessResult result;
  Result<pid_t> pid = Spawn(args, logs.path() / "out", logs.path() / "err");
  if (!pid.ok()) {
    result.err = pid.status().message();
    return result;
  }
  std::optional<int> code = WaitFor(*pid, timeout);
  if (!code) {
    ::kill(*pid, SIGKILL);
    code = WaitFor(*pid, kStopTimeout);
  }
  result.exit_code = code.value_or(-1);
  result.out = ReadFile(logs.path() / "out");
  result.err = ReadFile(logs.path() / "err");
  return result;
}

Result<std::unique_ptr<SimProcess>> SimProcess::Start(const std::filesystem::path& state_dir,
                                                      const std::filesystem::path& run_dir,
                                                      const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"--state", state_dir.string(), "--run-dir", run_dir.string()};
  args.insert(args.end(), extra.begin(), extra.end());
  // Logs live next to the run directory so that several runs can share it.
  std::filesystem::path log = run_dir.string() + ".stderr";
  TESSERA_ASSIGN_OR_RETURN(pid_t pid, Spawn(args, run_dir.string() + ".stdout", log));
  std::unique_ptr<SimProcess> sim(new SimProcess(pid, run_dir, log));

  const auto deadline = SteadyClock::now() + kStartTimeout;
  const std::filesystem::path control = run_dir / simsock::kControlSocketName;
  while (!CanConnect(control)) {
    if (std::optional<int> code = WaitFor(pid, 20ms)) {
      sim->pid_ = -1;
      return Status::IoError("tessera-sim exited with " + std::to_string(*code) +
                             " during start-up: " + sim->Stderr());
    }
    if (SteadyClock::now() >= deadline) {
      return Status::IoError("tessera-sim did not become ready: " + sim->Stderr());
    }
  }
  return sim;
}

SimProcess::~SimProcess() { Stop(); }

int SimProcess::Stop() {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  std::optional<int> code = WaitFor(pid_, kStopTimeout);
  if (!code) {
    ::kill(pid_, SIGKILL);
    code = WaitFor(pid_, kStopTimeout);
  }
  pid_ = -1;
  return code.value_or(-1);
}

std::string SimProcess::Stderr() const { return ReadFile(log_); }

std::vector<std::uint32_t> SimProcess::Serials() const {
  std::vector<std::uint32_t> serials;
  auto entries = host::ListSimSockets(run_dir_);
  if (!entries.ok()) return serials;
  for (const auto& e : *entries) serials.push_back(e.serial);
  return serials;
}

std::filesystem::path SimProcess::SocketPath(std::uint32_t serial) const {
  return simsock::TokenSocketPath(run_dir_, serial);
}

Result<std::unique_ptr<host::SimSocketTransport>> SimProcess::Connect(std::uint32_t serial) const {
  return host::SimSocketTransport::Connect(SocketPath(serial));
}

ProcessResult SimProcess::Ctl(const std::vector<std::string>& args) const {
  std::vector<std::string> full = {"ctl", "--run-dir", run_dir_.string()};
  full.insert(full.end(), args.begin(), args.end());
  return RunSim(full);
}

Result<RawClient> RawClient::Connect(const std::filesystem::path& socket) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, socket.c_str(), sizeof(addr.sun_path) - 1);
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) {
    return Status::IoError("connect " + socket.string() + ": " + std::strerror(errno));
  }
  return RawClient(std::move(fd));
}

Status RawClient::Write(ByteView bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::send(fd_.get(), bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Status::IoError(std::string("send: ") + std::strerror(errno));
    done += static_cast<std::size_t>(n);
  }
  return Status::Ok();
}

Status RawClient::WriteFrame(ByteView payload) { return Write(simsock::EncodeFrame(payload)); }

Status RawClient::ReadExactly(std::uint8_t* out, std::size_t n, std::chrono::milliseconds timeout) {
  const auto deadline = SteadyClock::now() + timeout;
  std::size_t got = 0;
  while (got < n) {
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
    pollfd p{fd_.get(), POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) == 0) {
      return Status::IoError("timed out");
    }
    ssize_t r = ::recv(fd_.get(), out + got, n - got, 0);
    if (r == 0) return Status::IoError("closed by the server");
    if (r < 0 && errno != EINTR)
      return Status::IoError(std::string("recv: ") + std::strerror(errno));
    if (r > 0) got += static_cast<std::size_t>(r);
  }
  return Status::Ok();
}

Result<Bytes> RawClient::ReadFrame(std::chrono::milliseconds timeout) {
  std::uint8_t header[2];
  TESSERA_RETURN_IF_ERROR(ReadExactly(header, 2, timeout));
  Bytes payload(GetU16(header));
  TESSERA_RETURN_IF_ERROR(ReadExactly(payload.data(), payload.size(), timeout));
  return payload;
}

bool RawClient::ClosedByServer(std::chrono::milliseconds timeout) {
  std::uint8_t byte = 0;
  Status s = ReadExactly(&byte, 1, timeout);
  return !s.ok() && s.message() != "timed out";  // EOF or a reset: either way, gone
}

}  // namespace tessera::testing
