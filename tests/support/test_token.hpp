// TestToken: a freshly manufactured simulated token in its own temporary
// directory, with a seeded RNG and a fake clock, for tests that need a whole
// token behind some front end (the USB CCID model, for one). Aborts the test
// binary if manufacturing fails: nothing after it would mean anything.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <memory>

#include "firmware-sim/crypto/manufacturer_ca.hpp"
#include "firmware-sim/os/clock.hpp"
#include "firmware-sim/os/rng.hpp"
#include "firmware-sim/token/token.hpp"
#include "tests/support/temp_dir.hpp"

namespace tessera::testing {

class TestToken {
 public:
  explicit TestToken(std::uint32_t serial = 12345678) {
    sim::SeededRng ca_rng(1, "ca");
    auto ca = sim::ManufacturerCa::Create(ca_rng, clock_);
    if (!ca.ok()) std::abort();
    ca_ = std::make_unique<sim::ManufacturerCa>(std::move(ca).value());
    auto token = sim::Token::Manufacture(dir_ / "token.state", serial, *ca_,
                                         sim::TokenEnv{std::make_unique<sim::SeededRng>(7, "token"),
                                                       &clock_, sim::LatencyModel::None()});
    if (!token.ok()) std::abort();
    token_ = std::move(token).value();
  }

  sim::Token& token() { return *token_; }
  sim::Token* get() { return token_.get(); }

 private:
  TempDir dir_;
  sim::FakeClock clock_;
  std::unique_ptr<sim::ManufacturerCa> ca_;
  std::unique_ptr<sim::Token> token_;
};

}  // namespace tessera::testing
