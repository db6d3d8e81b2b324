// Rng: the token's source of randomness, a seam for reproducible runs.
//
// SystemRng draws from OpenSSL's RAND_bytes. SeededRng is deterministic: an
// AES-256-CTR keystream keyed by SHA-256("tessera-sim rng" | seed | label),
// so `tessera-sim --seed N` gives every token the same keys on every run;
// Reseed(context) switches to the label "label/context".
// Not thread-safe; one per token.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "common/bytes.hpp"
#include "common/secure_bytes.hpp"

namespace tessera::sim {

class Rng {
 public:
  virtual ~Rng() = default;
  virtual void Fill(std::span<std::uint8_t> out) = 0;
  // Starts a new stream for `context` (a token's boot number). A seeded Rng
  // re-keys from (seed, label/context) so restarts do not replay old keys
  // yet stay reproducible; the system Rng has nothing to do.
  virtual void Reseed(std::string_view /*context*/) {}

  Bytes Generate(std::size_t n);
  SecureBytes GenerateSecret(std::size_t n);
  // Uniform in [0, bound), bound > 0.
  std::uint64_t Uniform(std::uint64_t bound);
};

class SystemRng final : public Rng {
 public:
  void Fill(std::span<std::uint8_t> out) override;
};

class SeededRng final : public Rng {
 public:
  SeededRng(std::uint64_t seed, std::string_view label);
  ~SeededRng() override;
  SeededRng(const SeededRng&) = delete;
  SeededRng& operator=(const SeededRng&) = delete;
  void Fill(std::span<std::uint8_t> out) override;
  void Reseed(std::string_view context) override;

 private:
  void Key(std::string_view label);

  std::uint64_t seed_;
  std::string label_;
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace tessera::sim
