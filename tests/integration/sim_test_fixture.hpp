// SimTest: a GoogleTest fixture that owns a temporary directory and the
// tessera-sim process started in it (state in DIR/state, sockets in
// DIR/run); both are gone when the test ends, pass or fail.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/integration/piv_client.hpp"
#include "tests/integration/sim_harness.hpp"

namespace tessera::testing {

class SimTest : public ::testing::Test {
 protected:
  std::filesystem::path state_dir() const { return dir_.path() / "state"; }
  std::filesystem::path run_dir() const { return dir_.path() / "run"; }

  // Starts (or restarts) the simulator; use with ASSERT_NO_FATAL_FAILURE.
  void StartSim(const std::vector<std::string>& extra = {}) {
    sim_.reset();
    auto sim = SimProcess::Start(state_dir(), run_dir(), extra);
    ASSERT_TRUE(sim.ok()) << sim.status().message();
    sim_ = std::move(sim).value();
  }

  // Stops the simulator and expects a clean exit.
  void StopSim() {
    ASSERT_NE(sim_, nullptr);
    std::string log = sim_->Stderr();
    EXPECT_EQ(sim_->Stop(), 0) << log;
    sim_.reset();
  }

  // The only token's serial (fails the test if there is not exactly one).
  std::uint32_t OnlySerial() {
    std::vector<std::uint32_t> serials = sim_->Serials();
    EXPECT_EQ(serials.size(), 1u);
    return serials.empty() ? 0 : serials.front();
  }

  std::unique_ptr<host::SimSocketTransport> Connect(std::uint32_t serial) {
    auto transport = sim_->Connect(serial);
    EXPECT_TRUE(transport.ok()) << transport.status().message();
    return transport.ok() ? std::move(transport).value() : nullptr;
  }

  TempDir dir_;
  std::unique_ptr<SimProcess> sim_;
};

}  // namespace tessera::testing
