// GenerateKey, AlgorithmOf and KeyBits from keys.hpp.
#include <string>

#include "common/piv/key_material.hpp"
#include "firmware-sim/crypto/keys.hpp"
#include "firmware-sim/crypto/rsa_keygen.hpp"

namespace tessera::sim {
namespace {

// Rejection sampling: field-size Rng bytes until the scalar is in [1, n-1]
// (FIPS 186-4 §B.4.2). For P-256 and P-384 almost every draw is accepted.
Result<ossl::PkeyPtr> GenerateEcKey(const piv::Curve& curve, Rng& rng) {
  TESSERA_ASSIGN_OR_RETURN(ossl::EcGroupPtr group, piv::NewGroup(curve));
  for (;;) {
    SecureBytes candidate = rng.GenerateSecret(curve.field_bytes);
    TESSERA_ASSIGN_OR_RETURN(ossl::BnPtr d, piv::SecretBnFromBytes(candidate.view()));
    if (piv::IsValidScalar(group.get(), d.get())) {
      return piv::EcKeyFromScalar(curve, d.get());
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
  if (const piv::Curve* curve = piv::CurveOf(alg)) return GenerateEcKey(*curve, rng);
  if (alg == piv::Algorithm::kEd25519) return GenerateRawKey(EVP_PKEY_ED25519, rng);
  if (alg == piv::Algorithm::kX25519) return GenerateRawKey(EVP_PKEY_X25519, rng);
  return Status::InvalidArgument("no key pair for algorithm " +
                                 std::string(piv::AlgorithmName(alg)));
}

}  // namespace tessera::sim
