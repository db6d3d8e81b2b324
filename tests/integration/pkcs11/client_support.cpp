#include "tests/integration/pkcs11/client_support.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

namespace tessera::testing {
namespace {

// The environment of RunClient plus `extra` (NAME=VALUE, later wins).
std::vector<std::string> ChildEnvironment(const std::filesystem::path& run_dir,
                                          const std::vector<std::string>& extra) {
  std::vector<std::string> overrides = {"TESSERA_SIM_DIR=" + run_dir.string()};
  const std::string preload = TESSERA_SANITIZER_PRELOAD;
  if (!preload.empty()) {
    overrides.push_back("LD_PRELOAD=" + preload);
    overrides.emplace_back("ASAN_OPTIONS=detect_leaks=0");
  }
  auto name_of = [](const std::string& kv) { return kv.substr(0, kv.find('=')); };
  for (const std::string& kv : extra) {
    std::erase_if(overrides, [&](const std::string& o) { return name_of(o) == name_of(kv); });
    overrides.push_back(kv);
  }
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string kv = *e;
    const bool overridden = std::any_of(overrides.begin(), overrides.end(),
                                        [&](const auto& o) { return name_of(o) == name_of(kv); });
    if (!overridden) env.push_back(kv);
  }
  env.insert(env.end(), overrides.begin(), overrides.end());
  return env;
}

std::vector<char*> CStrings(const std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (const std::string& s : strings) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

// Only async-signal-safe calls: everything was allocated before fork().
[[noreturn]] void ExecInChild(char* const* argv, char* const* envp, int log_fd) {
  const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (null_fd < 0 || ::dup2(null_fd, STDIN_FILENO) < 0 || ::dup2(log_fd, STDOUT_FILENO) < 0 ||
      ::dup2(log_fd, STDERR_FILENO) < 0) {
    ::_exit(127);
  }
  ::execvpe(argv[0], argv, envp);
  ::_exit(127);
}

}  // namespace

void ClientTest::SetUp() {
  ASSERT_NO_FATAL_FAILURE(StartSim());
  serial_ = OnlySerial();
  ASSERT_NE(serial_, 0u);
}

std::string ClientTest::TokenLabel() const { return "Tessera PIV #" + std::to_string(serial_); }

std::string ClientTest::ObjectUri(std::string_view id_hex, std::string_view type, bool pin) const {
  std::string uri = "pkcs11:token=" + Pkcs11UriEncode(TokenLabel()) +
                    ";id=" + Pkcs11UriEncodeHex(id_hex) + ";type=" + std::string(type);
  if (pin) uri += std::string("?pin-value=") + kUserPin;
  return uri;
}

std::filesystem::path ClientTest::WriteFile(std::string_view name, std::string_view content) const {
  std::filesystem::path path = File(name);
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

CommandResult ClientTest::Run(const std::vector<std::string>& argv) const {
  return RunClient(argv, run_dir());
}

CommandResult ClientTest::Tool(const std::vector<std::string>& args, bool login) const {
  std::vector<std::string> argv = {"pkcs11-tool", "--module", ModulePath().string()};
  if (login) argv.insert(argv.end(), {"--login", "--pin", kUserPin});
  argv.insert(argv.end(), args.begin(), args.end());
  return Run(argv);
}

void ClientTest::GenerateKey(std::string_view id_hex, std::string_view key_type) {
  CommandResult r = Tool({"--keypairgen", "--key-type", std::string(key_type), "--id",
                          std::string(id_hex), "--label", std::string("k").append(id_hex)},
                         /*login=*/true);
  ASSERT_EQ(r.exit_code, 0) << r.output;
}

void ClientTest::SelfSignWithEngine(std::string_view id_hex, const std::filesystem::path& pem) {
  CommandResult r = Run({"env", "PKCS11_MODULE_PATH=" + ModulePath().string(), "openssl", "req",
                         "-new", "-x509", "-days", "2", "-engine", "pkcs11", "-keyform", "engine",
                         "-key", ObjectUri(id_hex, "private", /*pin=*/true), "-subj",
                         "/CN=Tessera client test", "-out", pem.string()});
  ASSERT_EQ(r.exit_code, 0) << r.output;
}

void ClientTest::ReadPublicKeyWithEngine(std::string_view id_hex,
                                         const std::filesystem::path& pem) {
  CommandResult r = Run({"env", "PKCS11_MODULE_PATH=" + ModulePath().string(), "openssl", "pkey",
                         "-engine", "pkcs11", "-inform", "engine", "-pubin", "-in",
                         ObjectUri(id_hex, "public"), "-pubout", "-out", pem.string()});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ASSERT_NE(ReadFile(pem).find("-----BEGIN PUBLIC KEY-----"), std::string::npos) << r.output;
}

void ClientTest::WriteCertificate(const std::filesystem::path& pem, std::string_view id_hex) {
  std::filesystem::path der = pem;
  der.replace_extension(".der");
  CommandResult r =
      Run({"openssl", "x509", "-in", pem.string(), "-outform", "DER", "-out", der.string()});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = Tool({"--write-object", der.string(), "--type", "cert", "--id", std::string(id_hex)},
           /*login=*/true);
  ASSERT_EQ(r.exit_code, 0) << r.output;
}

void ClientTest::ProvisionAuthKeyWithCertificate(const std::filesystem::path& pem) {
  ASSERT_NO_FATAL_FAILURE(GenerateKey(kAuthKeyId));
  ASSERT_NO_FATAL_FAILURE(SelfSignWithEngine(kAuthKeyId, pem));
  ASSERT_NO_FATAL_FAILURE(WriteCertificate(pem, kAuthKeyId));
}

std::unique_ptr<BackgroundProcess> BackgroundProcess::Start(const std::vector<std::string>& argv,
                                                            const std::vector<std::string>& env,
                                                            const std::filesystem::path& run_dir,
                                                            const std::filesystem::path& log) {
  if (argv.empty()) return nullptr;
  // Emptied here, before the child runs, so that WaitForLine never reads
  // what an earlier process left in the same file.
  const int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (log_fd < 0) return nullptr;
  const std::vector<std::string> environment = ChildEnvironment(run_dir, env);
  const std::vector<char*> c_argv = CStrings(argv);
  const std::vector<char*> c_envp = CStrings(environment);
  const pid_t pid = ::fork();
  if (pid == 0) ExecInChild(c_argv.data(), c_envp.data(), log_fd);
  ::close(log_fd);
  if (pid < 0) return nullptr;
  return std::unique_ptr<BackgroundProcess>(new BackgroundProcess(pid, log));
}

BackgroundProcess::~BackgroundProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    Reap(/*block=*/true);
  }
}

bool BackgroundProcess::Reap(bool block) {
  if (pid_ <= 0) return true;
  int status = 0;
  pid_t got = ::waitpid(pid_, &status, block ? 0 : WNOHANG);
  if (got != pid_) return false;
  exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  pid_ = -1;
  return true;
}

std::string BackgroundProcess::Log() const { return ReadFile(log_); }

std::optional<std::string> BackgroundProcess::WaitForLine(std::string_view prefix,
                                                          std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (true) {
    std::istringstream lines(Log());
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind(prefix, 0) == 0) return line;
    }
    if (Reap(/*block=*/false) || std::chrono::steady_clock::now() > deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

int BackgroundProcess::Wait(std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!Reap(/*block=*/false)) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      Reap(/*block=*/true);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return exit_code_;
}

std::optional<std::string> AcceptedPort(const std::string& accept_line) {
  const std::size_t colon = accept_line.rfind(':');
  if (colon == std::string::npos || colon + 1 == accept_line.size()) return std::nullopt;
  std::string port = accept_line.substr(colon + 1);
  for (char c : port) {
    if (std::isdigit(static_cast<unsigned char>(c)) == 0) return std::nullopt;
  }
  return port;
}

}  // namespace tessera::testing
