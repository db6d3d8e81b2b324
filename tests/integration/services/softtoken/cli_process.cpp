#include "tests/integration/services/softtoken/cli_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

extern char** environ;  // NOLINT: POSIX

namespace tessera::testing {
namespace {

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

CliProcess::CliProcess(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                       const std::filesystem::path& log_dir) {
  static int counter = 0;
  ++counter;
  std::filesystem::create_directories(log_dir);
  out_ = log_dir / ("cli-" + std::to_string(counter) + ".out");
  err_ = log_dir / ("cli-" + std::to_string(counter) + ".err");
  // The environment: the caller's, with `env` replacing names it sets.
  std::map<std::string, std::string> vars;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string item = *e;
    vars[item.substr(0, item.find('='))] = item;
  }
  for (const std::string& item : env) vars[item.substr(0, item.find('='))] = item;
  std::vector<std::string> env_items;
  for (const auto& [name, item] : vars) env_items.push_back(item);
  std::vector<char*> envp;
  for (std::string& item : env_items) envp.push_back(item.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = argv;
  std::vector<char*> argp;
  for (std::string& a : args) argp.push_back(a.data());
  argp.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (posix_spawnp(&pid_, argp[0], &actions, nullptr, argp.data(), envp.data()) != 0) pid_ = -1;
  posix_spawn_file_actions_destroy(&actions);
}

CliProcess::~CliProcess() { Kill(); }

void CliProcess::Kill() {
  if (pid_ <= 0) return;
  if (!Reap(false)) {
    ::kill(pid_, SIGKILL);
    Reap(true);
  }
}

bool CliProcess::Reap(bool block) {
  if (pid_ <= 0) return true;
  int status = 0;
  const pid_t done = ::waitpid(pid_, &status, block ? 0 : WNOHANG);
  if (done != pid_) return false;
  exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  pid_ = -1;
  return true;
}

std::optional<std::string> CliProcess::WaitForLine(const std::string& prefix,
                                                   std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    std::istringstream lines(ReadFile(out_));
    std::string line;
    while (std::getline(lines, line)) {
      if (line.rfind(prefix, 0) == 0 && !lines.eof()) return line.substr(prefix.size());
    }
    if (Reap(false) && pid_ <= 0) {
      // Ended: one last look, a last line without its newline included.
      std::istringstream rest(ReadFile(out_));
      while (std::getline(rest, line)) {
        if (line.rfind(prefix, 0) == 0) return line.substr(prefix.size());
      }
      return std::nullopt;
    }
    if (std::chrono::steady_clock::now() > deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

int CliProcess::Wait(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!Reap(false)) {
    if (std::chrono::steady_clock::now() > deadline) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return exit_code_;
}

std::string CliProcess::Stdout() const { return ReadFile(out_); }
std::string CliProcess::Stderr() const { return ReadFile(err_); }

}  // namespace tessera::testing
