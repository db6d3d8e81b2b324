// LatencyModel: makes operations take about as long as on a real card.
//
// The default profile (None) charges nothing. Realistic charges each APDU
// exchange and each expensive operation with a figure in the range measured
// on USB PIV tokens (docs/tessera-sim.md lists the table). Charging sleeps on
// the token's Clock, so FakeClock-based tests stay fast. Immutable after
// construction; safe to share between threads.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string_view>

#include "firmware-sim/os/clock.hpp"

namespace tessera::sim {

enum class Cost {
  kApdu,  // one command/response exchange
  kPinCheck,
  kSymmetric,   // management-key block operation
  kRsaPrivate,  // sign or decrypt; scaled by key size
  kRsaGenerate,
  kEcPrivate,  // ECDSA, ECDH
  kEcGenerate,
  kEdPrivate,     // Ed25519, X25519
  kStorageWrite,  // one transaction commit
};

class LatencyModel {
 public:
  static LatencyModel None() { return LatencyModel(false); }
  static LatencyModel Realistic() { return LatencyModel(true); }
  // "none" or "realistic"; nullopt for anything else.
  static std::optional<LatencyModel> FromName(std::string_view name);

  bool enabled() const { return realistic_; }
  std::chrono::microseconds CostOf(Cost cost, std::size_t key_bits = 0) const;
  void Charge(Clock& clock, Cost cost, std::size_t key_bits = 0) const;

 private:
  explicit LatencyModel(bool realistic) : realistic_(realistic) {}
  bool realistic_;
};

}  // namespace tessera::sim
