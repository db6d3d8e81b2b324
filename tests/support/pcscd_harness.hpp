// PrivatePcscd: a pcscd of the test's own, with one vsmartcard vpcd reader
// on a free TCP port, stopped when the object goes away (docs/pcsc.md).
//
// Start() writes DIR/reader.conf.d/tessera-vpcd (FRIENDLYNAME "Tessera
// vpcd", CHANNELID = the port) and runs `pcscd -f -i -c DIR/reader.conf.d`
// with its log in DIR/pcscd.log. vpcd opens two reader slots, "Tessera vpcd
// 00 00" on PORT and "Tessera vpcd 00 01" on PORT+1; Start() returns once
// pcscd lists the first one. pcsc-lite 1.9.9 always serves
// /run/pcscd/pcscd.comm, so there can be only one pcscd per machine: the
// tests take the ctest RESOURCE_LOCK pcscd, and WhyUnavailable() names any
// other pcscd that is alive (the tests then skip).
//
// Network: vpcd listens on 0.0.0.0. As root, the harness first moves the
// calling thread into a fresh network namespace (PrivateNetwork), so pcscd
// and every process the test starts afterwards (tessera-sim, the tools)
// share a loopback of their own and nothing is reachable from outside.
// Where that is not allowed it runs pcscd in the host's namespace; isolated()
// says which. Set TESSERA_PCSCD_DEBUG=1 for pcscd's debug and APDU log.
//
// Stopping: SIGTERM, then SIGKILL after 5 s; /run/pcscd/pcscd.{pid,comm} are
// removed afterwards only when they were left by this pcscd. Use from one
// thread (the one that started it).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "common/status.hpp"
#include "tests/support/net_namespace.hpp"

namespace tessera::testing {

inline constexpr char kVpcdDriver[] = "/usr/lib/pcsc/drivers/serial/libifdvpcd.so";
inline constexpr char kPcscdSocket[] = "/run/pcscd/pcscd.comm";
inline constexpr char kPcscdPidFile[] = "/run/pcscd/pcscd.pid";

class PrivatePcscd {
 public:
  // Why no private pcscd can run here (no pcscd or vpcd driver installed,
  // another pcscd alive, /run/pcscd not writable), or nullopt.
  static std::optional<std::string> WhyUnavailable();

  // `dir` must exist and outlive the object.
  static Result<std::unique_ptr<PrivatePcscd>> Start(
      const std::filesystem::path& dir,
      std::chrono::milliseconds ready_timeout = std::chrono::seconds(20));
  ~PrivatePcscd();
  PrivatePcscd(const PrivatePcscd&) = delete;
  PrivatePcscd& operator=(const PrivatePcscd&) = delete;

  // vpcd's first slot listens here, the second on port() + 1.
  std::uint16_t port() const { return port_; }
  // "Tessera vpcd 00 00" for slot 0.
  static std::string ReaderName(int slot = 0);
  bool isolated() const { return network_ != nullptr; }
  std::string Log() const;

  // SIGTERM, then SIGKILL; the exit code (128 + signal when killed).
  int Stop();
  // Stops pcscd and starts it again with the same reader and port (a pcscd
  // restart as a card sees it: the connection drops, vpcd listens again).
  Status Restart(std::chrono::milliseconds ready_timeout = std::chrono::seconds(20));

 private:
  PrivatePcscd() = default;
  Status WaitUntilReady(std::chrono::milliseconds timeout);
  void RemoveLeftovers() const;

  std::unique_ptr<PrivateNetwork> network_;  // null: host namespace
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  std::filesystem::path conf_dir_;
  std::filesystem::path log_;
  bool socket_existed_before_ = false;
};

}  // namespace tessera::testing
