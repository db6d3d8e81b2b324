#include "firmware-sim/crypto/rsa_keygen.hpp"

#include <vector>

#include "common/piv/key_material.hpp"

namespace tessera::sim::internal {
namespace {

// Odd primes used to discard most composites before a Miller-Rabin test.
// 2048 of them (up to 17863) leave about 11% of odd candidates.
constexpr std::size_t kSievePrimes = 2048;
// A walk from a random start normally meets a prime within a few thousand;
// past this distance we draw a fresh start instead.
constexpr BN_ULONG kMaxWalk = static_cast<BN_ULONG>(1) << 20;

const std::vector<BN_ULONG>& SmallOddPrimes() {
  static const std::vector<BN_ULONG> kPrimes = [] {
    std::vector<BN_ULONG> out;
    for (BN_ULONG n = 3; out.size() < kSievePrimes; n += 2) {
      bool prime = true;
      for (BN_ULONG p : out) {
        if (p * p > n) break;
        if (n % p == 0) {
          prime = false;
          break;
        }
      }
      if (prime) out.push_back(n);
    }
    return out;
  }();
  return kPrimes;
}

// A prime search walks start, start+2, ... and tracks start's residues so a
// candidate costs only word arithmetic until it survives the sieve.
class PrimeWalk {
 public:
  static Result<PrimeWalk> From(const BIGNUM* start) {
    PrimeWalk walk;
    const auto& primes = SmallOddPrimes();
    walk.residues_.reserve(primes.size());
    for (BN_ULONG p : primes) walk.residues_.push_back(BN_mod_word(start, p));
    walk.e_residue_ = BN_mod_word(start, piv::kRsaPublicExponent);
    for (BN_ULONG r : walk.residues_) {
      if (r == static_cast<BN_ULONG>(-1)) return ossl::Error("BN_mod_word");
    }
    return walk;
  }

  // True when start + delta has no small factor and gcd(start + delta - 1,
  // e) = 1. e = 65537 is prime, so the gcd test is (start + delta) mod e != 1.
  bool Survives(BN_ULONG delta) const {
    const auto& primes = SmallOddPrimes();
    for (std::size_t i = 0; i < primes.size(); ++i) {
      if ((residues_[i] + delta) % primes[i] == 0) return false;
    }
    return (e_residue_ + delta) % piv::kRsaPublicExponent != 1;
  }

 private:
  std::vector<BN_ULONG> residues_;
  BN_ULONG e_residue_ = 0;
};

// An odd start of exactly `bits` bits with the top two bits set, so that
// the product of two such primes has exactly 2*bits bits.
Result<ossl::BnPtr> DrawStart(int bits, Rng& rng) {
  SecureBytes seed = rng.GenerateSecret(static_cast<std::size_t>(bits) / 8);
  TESSERA_ASSIGN_OR_RETURN(ossl::BnPtr start, piv::SecretBnFromBytes(seed.view()));
  if (BN_set_bit(start.get(), bits - 1) != 1 || BN_set_bit(start.get(), bits - 2) != 1 ||
      BN_set_bit(start.get(), 0) != 1) {
    return ossl::Error("BN_set_bit");
  }
  return start;
}

// Walks up from an Rng-drawn start to the first probable prime p with
// gcd(p-1, e) = 1. BN_check_prime picks its Miller-Rabin rounds for the
// size (FIPS 186-4 Table C.2) and its witnesses from OpenSSL's own RNG; that
// changes only the (negligible) error probability, never which p is found.
Result<ossl::BnPtr> FindPrime(int bits, Rng& rng, BN_CTX* ctx) {
  for (;;) {
    TESSERA_ASSIGN_OR_RETURN(ossl::BnPtr start, DrawStart(bits, rng));
    TESSERA_ASSIGN_OR_RETURN(PrimeWalk walk, PrimeWalk::From(start.get()));
    ossl::BnPtr candidate(BN_secure_new());
    if (!candidate) return ossl::Error("BN_secure_new");
    for (BN_ULONG delta = 0; delta < kMaxWalk; delta += 2) {
      if (!walk.Survives(delta)) continue;
      if (BN_copy(candidate.get(), start.get()) == nullptr ||
          BN_add_word(candidate.get(), delta) != 1) {
        return ossl::Error("BN_add_word");
      }
      if (BN_num_bits(candidate.get()) != bits) break;  // walked off the top: redraw
      int prime = BN_check_prime(candidate.get(), ctx, nullptr);
      if (prime < 0) return ossl::Error("BN_check_prime");
      if (prime == 1) return candidate;
    }
  }
}

// FIPS 186-4 §B.3.3 step 5.4: |p - q| > 2^(nlen/2 - 100).
Result<bool> FarEnoughApart(const BIGNUM* p, const BIGNUM* q, int half_bits) {
  ossl::BnPtr diff(BN_secure_new());
  ossl::BnPtr bound(BN_new());
  if (!diff || !bound || BN_sub(diff.get(), p, q) != 1 ||
      BN_set_bit(bound.get(), half_bits - 100) != 1) {
    return ossl::Error("RSA |p - q|");
  }
  BN_set_negative(diff.get(), 0);
  return BN_cmp(diff.get(), bound.get()) > 0;
}

}  // namespace

Result<ossl::PkeyPtr> GenerateRsaKey(std::size_t bits, Rng& rng) {
  if (bits < 1024 || bits % 16 != 0) {
    return Status::InvalidArgument("RSA key size must be a multiple of 16, at least 1024");
  }
  const int half = static_cast<int>(bits / 2);
  ossl::BnCtxPtr ctx(BN_CTX_secure_new());
  if (!ctx) return ossl::Error("BN_CTX_secure_new");
  TESSERA_ASSIGN_OR_RETURN(ossl::BnPtr p, FindPrime(half, rng, ctx.get()));
  for (;;) {
    TESSERA_ASSIGN_OR_RETURN(ossl::BnPtr q, FindPrime(half, rng, ctx.get()));
    TESSERA_ASSIGN_OR_RETURN(bool apart, FarEnoughApart(p.get(), q.get(), half));
    if (!apart) continue;
    TESSERA_ASSIGN_OR_RETURN(piv::RsaComponents c, piv::RsaFromPrimes(p.get(), q.get()));
    // FIPS 186-4 §B.3.1 criterion 3(a): d > 2^(nlen/2); otherwise new q.
    if (BN_num_bits(c.d.get()) <= half) continue;
    return piv::BuildRsaPrivateKey(c);
  }
}

}  // namespace tessera::sim::internal
