#include "tests/integration/services/http/tesserad_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;  // NOLINT: POSIX

namespace tessera::testing {
namespace {

std::string Slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

int ExitCodeOf(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

TesseradProcess::TesseradProcess(const std::vector<std::string>& args,
                                 const std::filesystem::path& log_dir)
    : stderr_path_(log_dir / "tesserad.stderr") {
  std::vector<std::string> copies;
  copies.push_back(TESSERAD_BINARY);
  copies.insert(copies.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : copies) argv.push_back(a.data());
  argv.push_back(nullptr);
  const std::string out = (log_dir / "tesserad.stdout").string();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, stderr_path_.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (::posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ) != 0) pid_ = -1;
  posix_spawn_file_actions_destroy(&actions);
}

TesseradProcess::~TesseradProcess() {
  if (pid_ > 0 && exit_code_ < 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
}

bool TesseradProcess::WaitListening(std::size_t count, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (addresses().size() >= count) return true;
    int status = 0;
    if (pid_ <= 0) return false;
    if (exit_code_ >= 0) return false;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      exit_code_ = ExitCodeOf(status);
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

std::vector<std::string> TesseradProcess::addresses() const {
  std::vector<std::string> found;
  std::istringstream lines(Stderr());
  std::string line;
  const std::string marker = "tesserad: listening on ";
  while (std::getline(lines, line)) {
    if (line.rfind(marker, 0) == 0) found.push_back(line.substr(marker.size()));
  }
  return found;
}

int TesseradProcess::PortOf(const std::string& scheme) const {
  for (const std::string& address : addresses()) {
    if (address.rfind(scheme, 0) == 0) return std::stoi(address.substr(address.rfind(':') + 1));
  }
  return -1;
}

void TesseradProcess::Signal(int signal) const {
  if (pid_ > 0 && exit_code_ < 0) ::kill(pid_, signal);
}

int TesseradProcess::Wait(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (exit_code_ < 0 && pid_ > 0) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      exit_code_ = ExitCodeOf(status);
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return exit_code_;
}

std::string TesseradProcess::Stderr() const { return Slurp(stderr_path_); }

UniqueFd ConnectTcp(int port) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) return {};
  return fd;
}

UniqueFd ConnectUnix(const std::string& path) {
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) return {};
  return fd;
}

bool SendAll(int fd, const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

namespace {

// True when `data` holds one whole response: its header and Content-Length body.
bool WholeResponse(const std::string& data) {
  const std::size_t end = data.find("\r\n\r\n");
  if (end == std::string::npos) return false;
  std::string header = data.substr(0, end);
  for (char& c : header) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const std::size_t at = header.find("content-length:");
  if (at == std::string::npos) return true;
  const std::size_t length = std::stoul(header.substr(at + 15));
  return data.size() >= end + 4 + length;
}

}  // namespace

std::string Receive(int fd, std::chrono::milliseconds timeout, bool until_response) {
  std::string data;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (until_response && WholeResponse(data)) return data;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return data;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return data;
    char buffer[16384];
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return data;
    data.append(buffer, static_cast<std::size_t>(n));
  }
}

bool ClosedWithin(int fd, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char buffer[4096];
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return true;
  }
}

}  // namespace tessera::testing
