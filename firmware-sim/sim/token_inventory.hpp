// The simulator's tokens in its state directory: one "<serial>.token" state
// file per token, next to the manufacturer CA.
//
// LoadOrManufacture loads every state file there and manufactures new
// tokens until there are `count`. Serials are 8-digit numbers drawn from an
// Rng: SeededRng(seed, "serials") when a seed is given, so two fresh state
// directories get the same serials, else the system Rng. Each token's own
// Rng is SeededRng(seed, "token-<serial>") or a SystemRng (TokenRng). A file
// that fails to load is an error naming it: a token is never silently
// re-created. Called once at start-up, before any thread; not thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

#include "firmware-sim/crypto/manufacturer_ca.hpp"
#include "firmware-sim/os/clock.hpp"
#include "firmware-sim/os/latency.hpp"
#include "firmware-sim/token/token.hpp"

namespace tessera::sim {

struct InventoryOptions {
  std::filesystem::path state_dir;
  std::size_t count = 1;
  std::optional<std::uint64_t> seed;
  LatencyModel latency = LatencyModel::None();
  Clock* clock = nullptr;  // borrowed; outlives the tokens
};

inline constexpr std::string_view kTokenFileSuffix = ".token";

std::unique_ptr<Rng> TokenRng(std::optional<std::uint64_t> seed, std::uint32_t serial);

// Every token of the state directory, sorted by serial.
Result<std::vector<std::unique_ptr<Token>>> LoadOrManufacture(const InventoryOptions& options,
                                                              const ManufacturerCa& ca);

}  // namespace tessera::sim
