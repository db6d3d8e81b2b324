// softtoken_bench's issuances through the real CLI (softtoken_bench.hpp),
// as a user runs them: on the device `tessera softtoken request
// --device-token D --deliver both --out FILE`, and once it prints its
// one-time password, on the computer `tessera softtoken confirm --id-token
// C --otp OTP --yes --pin-file PIN --out FILE`; an issuance is done when
// both exit 0 (the request once it has polled the soft token). One pair of
// tokens per thread; both processes get this process's environment
// (TESSERA_HOME, TESSERA_SIM_DIR, TESSERA_PKCS11_MODULE from the script).
// The request's stdout comes through a pipe, read as it is written; stderr
// goes to files in --work-dir, kept for a failure's message.
//
// Each process sees only its own token, as a phone sees its secure element
// and a computer its card reader: TESSERA_SIM_DIR is a directory of its own
// holding a symbolic link to that one token's socket. With the whole run
// directory, each process's token discovery (the module's C_GetTokenInfo,
// keyman's) sends SELECT and GET commands to every token, and the
// simulator's sockets serve frames from several clients one at a time with
// no exclusive access: another pair's card then answered a VERIFY after a
// foreign SELECT (C_Login: CKR_FUNCTION_NOT_SUPPORTED), 3 of 77 issuances
// with 4 pairs at once.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "tests/bench/services/softtoken_bench.hpp"

extern char** environ;  // NOLINT: POSIX

namespace tessera::stbench {
namespace {

// This process's environment with `sim_dir` as TESSERA_SIM_DIR.
std::vector<std::string> EnvironmentWith(const std::string& sim_dir) {
  std::vector<std::string> out;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::string_view(*e).rfind("TESSERA_SIM_DIR=", 0) != 0) out.emplace_back(*e);
  }
  out.push_back("TESSERA_SIM_DIR=" + sim_dir);
  return out;
}

// A directory that shows one token of the simulator's run directory.
Result<std::string> OneTokenDir(const std::string& dir, std::uint32_t serial) {
  const char* run = std::getenv("TESSERA_SIM_DIR");
  if (run == nullptr) return Status::InvalidArgument("TESSERA_SIM_DIR is not set");
  const std::string name = std::to_string(serial) + ".sock";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::filesystem::remove(dir + "/" + name, ec);
  std::filesystem::create_symlink(std::string(run) + "/" + name, dir + "/" + name, ec);
  if (ec) return Status::IoError(dir + ": " + ec.message());
  return dir;
}

// A child process; its stdout through a pipe when asked. Killed (SIGKILL)
// by the destructor if still running. One thread.
class Child {
 public:
  Child(std::vector<std::string> argv, std::vector<std::string> env, bool pipe_stdout,
        const std::string& err_file)
      : err_file_(err_file) {
    int fds[2] = {-1, -1};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    // O_CLOEXEC: the children other threads start must not hold the write end.
    if (pipe_stdout && ::pipe2(fds, O_CLOEXEC) == 0) {
      posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    } else {
      posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    }
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_file.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    std::vector<char*> argp, envp;
    for (std::string& a : argv) argp.push_back(a.data());
    argp.push_back(nullptr);
    for (std::string& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    if (posix_spawn(&pid_, argp[0], &actions, nullptr, argp.data(), envp.data()) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    if (fds[1] >= 0) ::close(fds[1]);
    out_ = fds[0];
  }
  ~Child() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (out_ >= 0) ::close(out_);
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  bool started() const { return pid_ > 0; }
  // The rest of the first stdout line starting with `prefix`; nullopt at EOF.
  std::optional<std::string> ReadLine(const std::string& prefix) {
    for (;;) {
      for (std::size_t nl; (nl = buffer_.find('\n')) != std::string::npos;) {
        const std::string line = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        if (line.rfind(prefix, 0) == 0) return line.substr(prefix.size());
      }
      char chunk[512];
      const ssize_t n = out_ < 0 ? 0 : ::read(out_, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return std::nullopt;
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }
  // Reads stdout to EOF, then the exit code (128 + signal when killed).
  int Wait() {
    while (ReadLine("\x01").has_value()) {
    }
    int status = 0;
    if (pid_ <= 0 || ::waitpid(pid_, &status, 0) != pid_) return -1;
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  std::string Stderr() const {
    std::ifstream in(err_file_);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  std::string buffer_;
  std::string err_file_;
};

std::string FirstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

// Each pair's processes' environments: the device's, the computer's.
struct PairEnv {
  std::vector<std::string> device, computer;
};

Status IssueOne(const Options& o, std::size_t w, const PairEnv& env, Split& t) {
  const std::string dir = o.work_dir + "/pair-" + std::to_string(w);
  const std::vector<std::string> server = {"--server", o.server, "--ca-file", o.ca_file};
  std::vector<std::string> request = {o.tessera,
                                      "softtoken",
                                      "request",
                                      "--device-token",
                                      std::to_string(o.devices[w]),
                                      "--deliver",
                                      "both",
                                      "--format",
                                      o.format,
                                      "--timeout",
                                      "60",
                                      "--out",
                                      dir + "-device.token"};
  request.insert(request.end(), server.begin(), server.end());
  const auto start = Clock::now();
  Child device(request, env.device, true, dir + "-request.err");
  if (!device.started()) return Status::Internal("cannot start " + o.tessera);
  std::optional<std::string> otp = device.ReadLine("otp: ");
  const auto shown = Clock::now();
  t.seconds["request_to_otp"] += std::chrono::duration<double>(shown - start).count();
  if (!otp) {
    device.Wait();
    return Status::Internal("softtoken request printed no otp: " + FirstLine(device.Stderr()));
  }
  std::vector<std::string> confirm = {
      o.tessera, "softtoken",  "confirm",  "--id-token", std::to_string(o.cards[w]), "--otp", *otp,
      "--yes",   "--pin-file", o.pin_file, "--out",      dir + "-computer.token"};
  confirm.insert(confirm.end(), server.begin(), server.end());
  int confirmed = -1;
  {
    Child computer(confirm, env.computer, false, dir + "-confirm.err");
    confirmed = computer.Wait();
    if (confirmed != 0) {
      return Status::Internal("softtoken confirm exited " + std::to_string(confirmed) + ": " +
                              FirstLine(computer.Stderr()));
    }
  }
  const auto approved = Clock::now();
  t.seconds["confirm"] += std::chrono::duration<double>(approved - shown).count();
  const int requested = device.Wait();
  t.seconds["confirm_to_device_exit"] +=
      std::chrono::duration<double>(Clock::now() - approved).count();
  if (requested != 0) {
    return Status::Internal("softtoken request exited " + std::to_string(requested) + ": " +
                            FirstLine(device.Stderr()));
  }
  return Status::Ok();
}

}  // namespace

Figure IssueByCli(const Options& o) {
  Figure figure{"issue-cli"};
  if (o.tessera.empty() || o.work_dir.empty()) {
    return figure.Failed(Status::InvalidArgument("the cli phase needs --tessera and --work-dir"));
  }
  std::vector<PairEnv> envs;
  for (std::size_t w = 0; w < o.cli_threads; ++w) {
    const std::string dir = o.work_dir + "/pair-" + std::to_string(w);
    Result<std::string> device = OneTokenDir(dir + "-device-sim", o.devices[w]);
    Result<std::string> computer = OneTokenDir(dir + "-computer-sim", o.cards[w]);
    if (!device.ok()) return figure.Failed(device.status());
    if (!computer.ok()) return figure.Failed(computer.status());
    envs.push_back({EnvironmentWith(*device), EnvironmentWith(*computer)});
  }
  return Run(figure, o.cli_threads, o.cli_seconds, [&](std::size_t w, Split& t) -> Result<bool> {
    TESSERA_RETURN_IF_ERROR(IssueOne(o, w, envs[w], t));
    return true;
  });
}

}  // namespace tessera::stbench
