#include "tests/support/pcscd_harness.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "common/unique_fd.hpp"
#include "tests/support/pcsc_client.hpp"

extern char** environ;  // NOLINT: POSIX

namespace tessera::testing {
namespace {

using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

constexpr char kPcscdBinary[] = "/usr/sbin/pcscd";
constexpr auto kStopTimeout = 5s;

std::string Slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool SocketAnswers(const char* path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path, sizeof(addr.sun_path) - 1);
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  return fd.valid() &&
         ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) == 0;
}

std::optional<pid_t> PidInFile(const char* path) {
  std::ifstream in(path);
  long pid = 0;
  if (!(in >> pid) || pid <= 0) return std::nullopt;
  return static_cast<pid_t>(pid);
}

bool PortFree(std::uint16_t port) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_ANY);
  return fd.valid() &&
         ::bind(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) == 0;
}

// A port P with P and P+1 free (vpcd's two slots). The kernel picks P.
Result<std::uint16_t> FreePortPair() {
  for (int attempt = 0; attempt < 50; ++attempt) {
    UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_ANY);
    socklen_t len = sizeof(addr);
    if (!fd.valid() || ::bind(fd.get(), reinterpret_cast<const sockaddr*>(&addr), len) != 0 ||
        ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      return Status::IoError(std::string("cannot find a free port: ") + std::strerror(errno));
    }
    std::uint16_t port = ntohs(addr.sin_port);
    fd.Reset();
    if (port < 65535 && PortFree(port) && PortFree(static_cast<std::uint16_t>(port + 1))) {
      return port;
    }
  }
  return Status::IoError("no two adjacent free TCP ports");
}

Status WriteReaderConf(const std::filesystem::path& conf_dir, std::uint16_t port) {
  std::error_code ec;
  std::filesystem::create_directories(conf_dir, ec);
  if (ec) return Status::IoError("cannot create " + conf_dir.string() + ": " + ec.message());
  char hex[8];
  std::snprintf(hex, sizeof(hex), "0x%04X", port);
  std::ofstream out(conf_dir / "tessera-vpcd");
  out << "FRIENDLYNAME \"Tessera vpcd\"\n"
      << "DEVICENAME /dev/null:" << hex << "\n"
      << "LIBPATH " << kVpcdDriver << "\n"
      << "CHANNELID " << hex << "\n";
  out.close();
  if (!out) return Status::IoError("cannot write " + (conf_dir / "tessera-vpcd").string());
  return Status::Ok();
}

// The log is appended to after a restart, so it tells the whole story.
Result<pid_t> SpawnPcscd(const std::filesystem::path& conf_dir, const std::filesystem::path& log,
                         bool append) {
  std::vector<std::string> args = {kPcscdBinary, "--foreground", "--info", "--config",
                                   conf_dir.string()};
  const char* debug = std::getenv("TESSERA_PCSCD_DEBUG");  // NOLINT(concurrency-mt-unsafe)
  if (debug != nullptr && *debug != '\0' && *debug != '0') {
    args.insert(args.begin() + 1, {"--debug", "--apdu"});
  }
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0600);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid = -1;
  int rc = ::posix_spawn(&pid, kPcscdBinary, &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return Status::IoError(std::string("cannot start pcscd: ") + std::strerror(rc));
  return pid;
}

std::optional<int> Reap(pid_t pid, std::chrono::milliseconds timeout) {
  const auto deadline = SteadyClock::now() + timeout;
  for (;;) {
    int status = 0;
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
    }
    if (r < 0 && errno != EINTR) return -1;
    if (SteadyClock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(10ms);
  }
}

}  // namespace

std::optional<std::string> PrivatePcscd::WhyUnavailable() {
  if (::access(kPcscdBinary, X_OK) != 0) return std::string("pcscd is not installed");
  if (::access(kVpcdDriver, R_OK) != 0) {
    return std::string("the vpcd driver is not installed (Debian package vsmartcard-vpcd)");
  }
  if (SocketAnswers(kPcscdSocket)) {
    std::optional<pid_t> pid = PidInFile(kPcscdPidFile);
    return "another pcscd" + (pid ? " (pid " + std::to_string(*pid) + ")" : std::string()) +
           " is serving " + kPcscdSocket +
           "; pcsc-lite has one socket per machine, so stop it (systemctl stop pcscd.socket "
           "pcscd) to run the PC/SC tests";
  }
  std::error_code ec;
  std::filesystem::create_directories("/run/pcscd", ec);
  if (ec || ::access("/run/pcscd", W_OK) != 0) {
    return std::string("/run/pcscd is not writable: pcscd needs root here");
  }
  return std::nullopt;
}

Result<std::unique_ptr<PrivatePcscd>> PrivatePcscd::Start(const std::filesystem::path& dir,
                                                          std::chrono::milliseconds ready_timeout) {
  if (std::optional<std::string> why = WhyUnavailable())
    return Status::ConditionsNotSatisfied(*why);
  std::unique_ptr<PrivatePcscd> pcscd(new PrivatePcscd());
  if (::geteuid() == 0) {
    Result<std::unique_ptr<PrivateNetwork>> net = PrivateNetwork::Enter();
    if (net.ok()) pcscd->network_ = std::move(net).value();
    // else: the host's namespace (a container without CAP_SYS_ADMIN)
  }
  TESSERA_ASSIGN_OR_RETURN(pcscd->port_, FreePortPair());
  pcscd->conf_dir_ = dir / "reader.conf.d";
  TESSERA_RETURN_IF_ERROR(WriteReaderConf(pcscd->conf_dir_, pcscd->port_));
  pcscd->log_ = dir / "pcscd.log";
  pcscd->socket_existed_before_ = std::filesystem::exists(kPcscdSocket);
  TESSERA_ASSIGN_OR_RETURN(pcscd->pid_, SpawnPcscd(pcscd->conf_dir_, pcscd->log_, false));
  TESSERA_RETURN_IF_ERROR(pcscd->WaitUntilReady(ready_timeout));
  return pcscd;
}

Status PrivatePcscd::Restart(std::chrono::milliseconds ready_timeout) {
  Stop();
  TESSERA_ASSIGN_OR_RETURN(pid_, SpawnPcscd(conf_dir_, log_, /*append=*/true));
  return WaitUntilReady(ready_timeout);
}

Status PrivatePcscd::WaitUntilReady(std::chrono::milliseconds timeout) {
  const auto deadline = SteadyClock::now() + timeout;
  const std::string reader = ReaderName(0);
  std::string last;
  for (;;) {
    if (std::optional<int> code = Reap(pid_, 0ms)) {
      pid_ = -1;
      return Status::IoError("pcscd exited with " + std::to_string(*code) +
                             " during start-up; its log:\n" + Log());
    }
    Result<std::vector<std::string>> readers = ListReaders();
    if (readers.ok()) {
      for (const std::string& r : *readers) {
        if (r == reader) return Status::Ok();
      }
      last = "readers listed, but not " + reader;
    } else {
      last = readers.status().message();
    }
    if (SteadyClock::now() >= deadline) {
      return Status::IoError("pcscd did not list " + reader + " (" + last + "); its log:\n" +
                             Log());
    }
    std::this_thread::sleep_for(50ms);
  }
}

PrivatePcscd::~PrivatePcscd() {
  Stop();
  network_.reset();  // back to the host's namespace, after pcscd is gone
}

int PrivatePcscd::Stop() {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  std::optional<int> code = Reap(pid_, kStopTimeout);
  if (!code) {
    ::kill(pid_, SIGKILL);
    code = Reap(pid_, kStopTimeout);
  }
  RemoveLeftovers();
  pid_ = -1;
  return code.value_or(-1);
}

void PrivatePcscd::RemoveLeftovers() const {
  // A pcscd stopped by SIGTERM removes its files; one we had to kill leaves
  // them, and the next pcscd would then refuse to start.
  std::optional<pid_t> owner = PidInFile(kPcscdPidFile);
  bool ours = owner ? *owner == pid_ : !socket_existed_before_;
  if (!ours || SocketAnswers(kPcscdSocket)) return;
  if (owner) ::unlink(kPcscdPidFile);
  ::unlink(kPcscdSocket);
}

std::string PrivatePcscd::ReaderName(int slot) {
  char suffix[16];
  std::snprintf(suffix, sizeof(suffix), " 00 %02X", slot);
  return std::string("Tessera vpcd") + suffix;
}

std::string PrivatePcscd::Log() const { return Slurp(log_); }

}  // namespace tessera::testing
