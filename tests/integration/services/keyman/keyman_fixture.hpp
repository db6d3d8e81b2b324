// KeymanTest: a GoogleTest fixture for seed 003 end to end through the real
// binaries. It owns a temporary directory holding
//   home/    TESSERA_HOME of the `tessera` CLI (directory.db, softhsm2.conf,
//            softhsm/, hsm/NAME.pin: services/runtime/home.hpp)
//   state/   tessera-sim's token state files
//   run/     tessera-sim's sockets (TESSERA_SIM_DIR)
// and the tessera-sim started there with TokenCount() fresh tokens. All of it
// is gone when the test ends, pass or fail (SimProcess stops the simulator
// first, then TempDir removes the tree).
//
// Tessera() runs $TESSERA_BUILD_DIR/tools/tessera/tessera (ctest sets
// TESSERA_BUILD_DIR; else TESSERA_CLI_BINARY when the target defines it, else
// `tessera` from PATH) to completion with TESSERA_HOME, TESSERA_SIM_DIR,
// TESSERA_TRANSPORTS=sim and SOFTHSM2_CONF set, and TESSERA_CONF,
// TESSERA_HSM_MODULE and TESSERA_HSM_PIN unset, so the developer's own
// settings never leak in (pass them in `extra_env` to test them).
// The test process's environment is left as it is. Used from the test's
// thread.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "tests/integration/sim_harness.hpp"
#include "tests/support/run_tool.hpp"
#include "tests/support/temp_dir.hpp"

namespace tessera::testing {

// Exit code (128 + signal when killed, -1 when it could not start), stdout,
// stderr; Describe() for failure messages.
using RunResult = ToolResult;

std::filesystem::path TesseraBinary();

class KeymanTest : public ::testing::Test {
 protected:
  // Bulk runs over many tokens under ASan take a while.
  static constexpr std::chrono::seconds kToolTimeout{300};

  // Makes home/ and starts the simulator with TokenCount() tokens.
  void SetUp() override;
  // Override for another number of tokens (1 to 1000).
  virtual std::size_t TokenCount() const { return 2; }

  // `tessera args...` with the environment above; `extra_env` entries are
  // NAME=VALUE and win over the fixture's.
  RunResult Tessera(const std::vector<std::string>& args,
                    const std::vector<std::string>& extra_env = {},
                    std::chrono::milliseconds timeout = kToolTimeout) const;
  // Any program (looked up in PATH) with the same environment, e.g.
  // softhsm2-util --show-slots against SoftHsmConf().
  RunResult Run(const std::vector<std::string>& argv,
                const std::vector<std::string>& extra_env = {},
                std::chrono::milliseconds timeout = kToolTimeout) const;

  // (Re)starts the simulator on the same state and run directories; `extra`
  // adds options (--seed N, --trace FILE). Use with ASSERT_NO_FATAL_FAILURE.
  void StartSim(const std::vector<std::string>& extra = {});
  // Stops the simulator and expects a clean exit.
  void StopSim();
  // Serials of the tokens that have a socket now, ascending.
  std::vector<std::uint32_t> Serials() const;

  // Control channel (docs/tessera-sim.md "Control"); success when it said OK.
  // Tear: cut the power after `writes` more storage writes; the token stays
  // dead until PowerCycle.
  ::testing::AssertionResult Tear(std::uint32_t serial, std::size_t writes) const;
  ::testing::AssertionResult PowerCycle(std::uint32_t serial) const;
  ::testing::AssertionResult Remove(std::uint32_t serial) const;
  ::testing::AssertionResult Insert(std::uint32_t serial) const;
  // `tessera-sim ctl --run-dir RUN args...`
  ProcessResult Ctl(const std::vector<std::string>& args) const;

  std::filesystem::path home() const { return dir_ / "home"; }
  std::filesystem::path state_dir() const { return dir_ / "state"; }
  std::filesystem::path run_dir() const { return dir_ / "run"; }
  std::filesystem::path SoftHsmConf() const { return home() / "softhsm2.conf"; }
  std::filesystem::path DirectoryDb() const { return home() / "directory.db"; }
  SimProcess& sim() { return *sim_; }

 private:
  ::testing::AssertionResult CtlOk(const std::vector<std::string>& args) const;

  TempDir dir_{"tessera-km"};  // short: socket paths are limited to 107 bytes
  std::unique_ptr<SimProcess> sim_;
};

}  // namespace tessera::testing
