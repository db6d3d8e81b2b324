#include "firmware-sim/os/rng.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstdlib>

#include "common/ossl.hpp"

namespace tessera::sim {

Bytes Rng::Generate(std::size_t n) {
  Bytes out(n);
  Fill(out);
  return out;
}

SecureBytes Rng::GenerateSecret(std::size_t n) {
  SecureBytes out(n);
  Fill(out.span());
  return out;
}

std::uint64_t Rng::Uniform(std::uint64_t bound) {
  // Rejection sampling keeps the result unbiased.
  const std::uint64_t limit = UINT64_MAX - (UINT64_MAX % bound);
  for (;;) {
    Bytes b = Generate(8);
    std::uint64_t v = GetU64(b);
    if (v < limit) return v % bound;
  }
}

void SystemRng::Fill(std::span<std::uint8_t> out) {
  if (out.empty()) return;
  if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1)
    std::abort();  // no entropy: unrecoverable
}

struct SeededRng::State {
  ossl::CipherCtxPtr ctx{EVP_CIPHER_CTX_new()};
};

SeededRng::SeededRng(std::uint64_t seed, std::string_view label)
    : seed_(seed), label_(label), state_(std::make_unique<State>()) {
  Key(label_);
}

void SeededRng::Reseed(std::string_view context) { Key(label_ + "/" + std::string(context)); }

void SeededRng::Key(std::string_view label) {
  Bytes material(AsBytes("tessera-sim rng").begin(), AsBytes("tessera-sim rng").end());
  PutU64(material, seed_);
  Append(material, AsBytes(label));
  SecureBytes key(32);
  unsigned int len = 0;
  static constexpr std::uint8_t kZeroIv[16] = {};
  if (!state_->ctx ||
      EVP_Digest(material.data(), material.size(), key.data(), &len, EVP_sha256(), nullptr) != 1 ||
      EVP_EncryptInit_ex(state_->ctx.get(), EVP_aes_256_ctr(), nullptr, key.data(), kZeroIv) != 1) {
    std::abort();  // OpenSSL without SHA-256 or AES-CTR: unrecoverable
  }
}

SeededRng::~SeededRng() = default;

void SeededRng::Fill(std::span<std::uint8_t> out) {
  // Keystream = AES-256-CTR encryption of zeros.
  std::fill(out.begin(), out.end(), 0);
  std::size_t off = 0;
  while (off < out.size()) {
    int chunk = static_cast<int>(std::min<std::size_t>(out.size() - off, 1 << 20));
    int n = 0;
    if (EVP_EncryptUpdate(state_->ctx.get(), out.data() + off, &n, out.data() + off, chunk) != 1)
      std::abort();
    off += static_cast<std::size_t>(chunk);
  }
}

}  // namespace tessera::sim
