#include "tests/fuzz/pkcs11_fuzz_sim.hpp"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>

#include "common/sim_socket_protocol.hpp"
#include "common/unique_fd.hpp"
#include "host/card/apdu_channel.hpp"
#include "host/card/piv_client.hpp"
#include "host/transport/sim_socket_transport.hpp"

namespace tessera::fuzz {
namespace {

[[noreturn]] void Die(const std::string& why) {
  std::fprintf(stderr, "fuzz_pkcs11_api: %s\n", why.c_str());
  std::abort();
}

UniqueFd ConnectUnix(const std::filesystem::path& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) {
    return UniqueFd();
  }
  return fd;
}

// Wrong values that alternate, so one of them is always not the current one.
ByteView Wrong(int i) {
  static const std::uint8_t kA[] = {'0', '0', '0', '0', '0', '0', '0', '0'};
  static const std::uint8_t kB[] = {'9', '8', '7', '6', '5', '4', '3', '2'};
  return (i % 2) == 0 ? ByteView(kA) : ByteView(kB);
}

// Tries `attempt` with wrong values until the card says the reference is blocked.
template <typename Attempt>
void BlockReference(Attempt attempt, const char* what) {
  for (int i = 0; i < 32; ++i) {
    Status s = attempt(Wrong(i));
    if (s.code() == Code::kAuthBlocked) return;
    if (!s.ok() && s.code() != Code::kPinIncorrect) Die(std::string(what) + ": " + s.message());
  }
  Die(std::string("the card never blocked its ") + what);
}

// At exit: stop the simulator and remove its directory (a crash leaves the
// directory under /tmp; PR_SET_PDEATHSIG still stops the simulator).
void StopAtExit() {
  FuzzSim& sim = FuzzSim::Get();
  sim.Stop();
}

}  // namespace

FuzzSim& FuzzSim::Get() {
  static FuzzSim* sim = new FuzzSim();
  return *sim;
}

FuzzSim::FuzzSim() {
  std::string pattern = "/tmp/tessera-fuzz-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) Die("mkdtemp failed");
  dir_ = pattern;
  run_dir_ = dir_ / "run";
  const std::string state = (dir_ / "state").string();
  const std::string run = run_dir_.string();
  const std::string log = (dir_ / "sim.log").string();
  const pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ < 0) Die("fork failed");
  if (pid_ == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(1);
    int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (out >= 0) {
      ::dup2(out, STDOUT_FILENO);
      ::dup2(out, STDERR_FILENO);
    }
    // TESSERA_FUZZ_SIM_TRACE=FILE: the simulator's APDU trace, to see what an input does.
    const char* trace = ::getenv("TESSERA_FUZZ_SIM_TRACE");  // NOLINT(concurrency-mt-unsafe)
    if (trace != nullptr && *trace != '\0') {
      ::execl(TESSERA_SIM_BINARY, TESSERA_SIM_BINARY, "--state", state.c_str(), "--run-dir",
              run.c_str(), "--seed", "1", "--trace", trace, static_cast<char*>(nullptr));
    }
    ::execl(TESSERA_SIM_BINARY, TESSERA_SIM_BINARY, "--state", state.c_str(), "--run-dir",
            run.c_str(), "--seed", "1", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (!ConnectUnix(run_dir_ / simsock::kControlSocketName).valid()) {
    CheckAlive();
    if (std::chrono::steady_clock::now() > deadline) Die("tessera-sim did not start");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  auto sockets = host::ListSimSockets(run_dir_);
  if (!sockets.ok() || sockets->size() != 1) Die("expected one token socket");
  serial_ = sockets->front().serial;
  ::setenv("TESSERA_SIM_DIR", run.c_str(), 1);
  std::atexit(StopAtExit);
}

void FuzzSim::Stop() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void FuzzSim::CheckAlive() {
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    Die("tessera-sim exited (status " + std::to_string(status) + "); see " +
        (dir_ / "sim.log").string());
  }
}

bool FuzzSim::Ctl(std::string_view verb) {
  UniqueFd fd = ConnectUnix(run_dir_ / simsock::kControlSocketName);
  if (!fd.valid()) return false;
  const std::string line = std::string(verb) + " " + std::to_string(serial_) + "\n";
  if (::write(fd.get(), line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
    return false;
  }
  std::string reply;
  char buf[256];
  ssize_t n = 0;
  while ((n = ::read(fd.get(), buf, sizeof buf)) > 0)
    reply.append(buf, static_cast<std::size_t>(n));
  return reply.rfind("OK") != std::string::npos;
}

void FuzzSim::ResetToken() {
  CheckAlive();
  const std::filesystem::path socket = simsock::TokenSocketPath(run_dir_, serial_);
  std::error_code ec;
  if (!std::filesystem::exists(socket, ec)) (void)Ctl("insert");
  auto transport = host::SimSocketTransport::Connect(socket);
  if (!transport.ok()) Die("cannot connect to the token: " + transport.status().message());
  host::ApduChannel channel(**transport);
  host::PivClient client(channel);
  if (auto r = client.Select(); !r.ok()) Die("SELECT: " + r.status().message());
  BlockReference([&](ByteView wrong) { return client.VerifyPin(wrong); }, "PIN");
  BlockReference([&](ByteView wrong) { return client.ChangePuk(wrong, wrong); }, "PUK");
  if (Status s = client.Reset(); !s.ok()) Die("RESET: " + s.message());
}

}  // namespace tessera::fuzz
