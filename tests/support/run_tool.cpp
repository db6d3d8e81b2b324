#include "tests/support/run_tool.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/support/temp_dir.hpp"

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

std::string ToolResult::Describe() const {
  return "exit " + std::to_string(exit_code) + "\nstdout:\n" + out + "\nstderr:\n" + err;
}

ToolResult RunTool(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) {
  using SteadyClock = std::chrono::steady_clock;
  ToolResult result;
  if (argv.empty()) return result;
  TempDir logs("tessera-tool");
  const std::filesystem::path out = logs / "out";
  const std::filesystem::path err = logs / "err";

  std::vector<std::string> copies = argv;
  std::vector<char*> args;
  args.reserve(copies.size() + 1);
  for (std::string& a : copies) args.push_back(a.data());
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid = -1;
  int rc = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    result.err = "cannot start " + argv[0] + ": " + std::strerror(rc);
    return result;
  }

  const auto deadline = SteadyClock::now() + timeout;
  bool killed = false;
  for (;;) {
    int status = 0;
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      result.exit_code = ExitCodeOf(status);
      break;
    }
    if (r < 0 && errno != EINTR) break;
    if (!killed && SteadyClock::now() >= deadline) {
      ::kill(pid, SIGKILL);
      killed = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  result.out = Slurp(out);
  result.err = Slurp(err);
  if (killed) result.err += "\n[killed after " + std::to_string(timeout.count()) + " ms]";
  return result;
}

ToolResult RunTesseraCli(const std::string& binary, const std::vector<std::string>& env,
                         const std::vector<std::string>& args) {
  // env's -u options come before its assignments.
  std::vector<std::string> argv = {
      "env",          "-u", "TESSERA_HSM_PIN",  "-u", "TESSERA_HSM_MODULE", "-u",
      "TESSERA_CONF", "-u", "TESSERA_DIRECTORY"};
  argv.insert(argv.end(), env.begin(), env.end());
  argv.push_back(binary);
  argv.insert(argv.end(), args.begin(), args.end());
  return RunTool(argv, std::chrono::seconds(120));
}

}  // namespace tessera::testing
