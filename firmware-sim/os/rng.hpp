// Rng: the token's source of randomness, a seam for reproducible runs.
//
// SystemRng draws from OpenSSL's RAND_bytes. SeededRng is deterministic: an
// AES-256-CTR keystream keyed by SHA-256("tessera-sim rng" | seed | label),
// so `tessera-sim --seed N` gives every token the same keys on every run.
// Not thread-safe; one per token.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "common/bytes.hpp"
#include "common/secure_bytes.hpp"

namespace tessera::sim {

class Rng {
 public:
  virtual ~Rng() = default;
  virtual void Fill(std::span<std::uint8_t> out) = 0;

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

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace tessera::sim
