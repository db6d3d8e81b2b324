#include "tests/integration/browser/server_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
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

using Clock = std::chrono::steady_clock;

std::string NameOf(const std::string& kv) { return kv.substr(0, kv.find('=')); }

}  // namespace

Result<std::unique_ptr<ServerProcess>> ServerProcess::Start(const std::vector<std::string>& argv,
                                                            const std::vector<std::string>& env,
                                                            const std::filesystem::path& log) {
  if (argv.empty()) return Status::InvalidArgument("no program");
  std::vector<std::string> environment;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string kv = *e;
    bool overridden = false;
    for (const std::string& o : env) overridden = overridden || NameOf(o) == NameOf(kv);
    if (!overridden) environment.push_back(kv);
  }
  environment.insert(environment.end(), env.begin(), env.end());
  std::vector<std::string> args = argv;
  std::vector<char*> c_argv;
  for (std::string& a : args) c_argv.push_back(a.data());
  c_argv.push_back(nullptr);
  std::vector<char*> c_env;
  for (std::string& e : environment) c_env.push_back(e.data());
  c_env.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  pid_t pid = -1;
  const int rc = ::posix_spawnp(&pid, c_argv[0], &actions, &attr, c_argv.data(), c_env.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) return Status::Unavailable("cannot run " + argv[0] + ": " + std::strerror(rc));
  return std::unique_ptr<ServerProcess>(new ServerProcess(pid, log));
}

ServerProcess::~ServerProcess() {
  if (pid_ <= 0) return;
  const pid_t group = pid_;
  ::kill(-group, SIGTERM);
  if (!Reap(std::chrono::seconds(5))) {
    ::kill(-group, SIGKILL);
    Reap(std::chrono::seconds(10));
  }
  // Children of the server (p11-kit's per-connection p11-kit-remote).
  ::kill(-group, SIGKILL);
}

bool ServerProcess::Reap(std::chrono::milliseconds limit) {
  const auto deadline = Clock::now() + limit;
  while (pid_ > 0) {
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_ || (r < 0 && errno == ECHILD)) {
      pid_ = -1;
      break;
    }
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

bool ServerProcess::running() { return !Reap(std::chrono::milliseconds(0)); }

std::string ServerProcess::Log() const {
  std::ifstream in(log_, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::optional<std::string> ServerProcess::WaitForLine(std::string_view prefix,
                                                      std::chrono::seconds limit) {
  const auto deadline = Clock::now() + limit;
  for (;;) {
    std::istringstream lines(Log());
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind(prefix, 0) == 0) return line;
    }
    if (!running() || Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace tessera::testing
