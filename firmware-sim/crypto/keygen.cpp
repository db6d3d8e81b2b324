// GenerateKey, AlgorithmOf and KeyBits from keys.hpp.
#include <string>

#include "firmware-sim/crypto/key_material.hpp"
#include "firmware-sim/crypto/keys.hpp"
#include "firmware-sim/crypto/rsa_keygen.hpp"

namespace tessera::sim {
namespace {

// Rejection sampling: field-size Rng bytes until the scalar is in [1, n-1]
// (FIPS 186-4 §B.4.2). For P-256 and P-384 almost every draw is accepted.
Result<ossl::PkeyPtr> GenerateEcKey(const internal::Curve& curve, Rng& rng) {
  TESSERA_ASSIGN_OR_RETURN(ossl::EcGroupPtr group, internal::NewGroup(curve));
  for (;;) {
    SecureBytes candidate = rng.GenerateSecret(curve.field_bytes);
    TESSERA_ASSIGN_OR_RETURN(ossl::BnPtr d, internal::SecretBnFromBytes(candidate.view()));
    if (internal::IsValidScalar(group.get(), d.get())) {
      return internal::EcKeyFromScalar(curve, d.get());
    }
  }
}

// Ed25519 and X25519 private keys are 32 uniformly random bytes (RFC 8032
// §5.1.5, RFC 7748 §6.1); OpenSSL derives the public key.
Result<ossl::PkeyPtr> GenerateRawKey(int type, Rng& rng) {
  SecureBytes secret = rng.GenerateSecret(32);
  ossl::PkeyPtr key(EVP_PKEY_new_raw_private_key(type, nullptr, secret.data(), secret.size()));
  if (!key) return ossl::Error("EVP_PKEY_new_raw_private_key");
  return key;
}

}  // namespace

Result<ossl::PkeyPtr> GenerateKey(piv::Algorithm alg, Rng& rng) {
  if (piv::IsRsa(alg)) return internal::GenerateRsaKey(piv::RsaBits(alg), rng);
  if (const internal::Curve* curve = internal::CurveOf(alg)) return GenerateEcKey(*curve, rng);
  if (alg == piv::Algorithm::kEd25519) return GenerateRawKey(EVP_PKEY_ED25519, rng);
  if (alg == piv::Algorithm::kX25519) return GenerateRawKey(EVP_PKEY_X25519, rng);
  return Status::InvalidArgument("no key pair for algorithm " +
                                 std::string(piv::AlgorithmName(alg)));
}

Result<piv::Algorithm> AlgorithmOf(EVP_PKEY* key) {
  if (key == nullptr) return Status::InvalidArgument("no key");
  if (EVP_PKEY_is_a(key, "RSA") == 1) {
    switch (EVP_PKEY_get_bits(key)) {
      case 1024:
        return piv::Algorithm::kRsa1024;
      case 2048:
        return piv::Algorithm::kRsa2048;
      case 3072:
        return piv::Algorithm::kRsa3072;
      case 4096:
        return piv::Algorithm::kRsa4096;
      default:
        return Status::InvalidArgument("RSA-" + std::to_string(EVP_PKEY_get_bits(key)) +
                                       " is not a PIV key size");
    }
  }
  if (EVP_PKEY_is_a(key, "EC") == 1) {
    if (const internal::Curve* curve = internal::CurveOf(key)) return curve->alg;
    return Status::InvalidArgument("EC key on a curve PIV does not use");
  }
  if (EVP_PKEY_is_a(key, "ED25519") == 1) return piv::Algorithm::kEd25519;
  if (EVP_PKEY_is_a(key, "X25519") == 1) return piv::Algorithm::kX25519;
  const char* type = EVP_PKEY_get0_type_name(key);
  return Status::InvalidArgument(std::string("key type ") + (type != nullptr ? type : "?") +
                                 " is not a PIV algorithm");
}

std::size_t KeyBits(EVP_PKEY* key) {
  if (key == nullptr) return 0;
  // OpenSSL says 253 for X25519 and 256 for Ed25519; report both as the
  // 256-bit keys they are stored as.
  if (EVP_PKEY_is_a(key, "ED25519") == 1 || EVP_PKEY_is_a(key, "X25519") == 1) return 256;
  int bits = EVP_PKEY_get_bits(key);
  return bits > 0 ? static_cast<std::size_t>(bits) : 0;
}

}  // namespace tessera::sim
