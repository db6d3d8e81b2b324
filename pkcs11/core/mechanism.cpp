#include "pkcs11/core/mechanism.hpp"

#include <array>

namespace tessera::p11 {
namespace {

using crypto::Hash;
using crypto::SignScheme;
namespace f = mech_flag;

constexpr std::uint64_t kRsaSign = f::kHw | f::kSign | f::kVerify;
constexpr std::uint64_t kRsaAll = kRsaSign | f::kEncrypt | f::kDecrypt;
constexpr std::uint64_t kEcFlags = f::kEcFp | f::kEcNamedCurve | f::kEcUncompress;
constexpr std::uint64_t kEcSign = f::kHw | f::kSign | f::kVerify | kEcFlags;

// RSA 1024–4096 and the PIV curves: P-256, P-384 (SP 800-78-4), Ed25519 and
// X25519 (YubiKey 5.7 extensions).
constexpr std::array<MechanismInfo, 31> kMechanisms = {{
    {Mech::kRsaPkcsKeyPairGen, 1024, 4096, f::kHw | f::kGenerateKeyPair},
    {Mech::kRsaPkcs, 1024, 4096, kRsaAll},
    {Mech::kRsaX509, 1024, 4096, kRsaAll},
    {Mech::kRsaPkcsOaep, 1024, 4096, f::kHw | f::kEncrypt | f::kDecrypt},
    {Mech::kRsaPkcsPss, 1024, 4096, kRsaSign},
    {Mech::kSha1RsaPkcs, 1024, 4096, kRsaSign},
    {Mech::kSha224RsaPkcs, 1024, 4096, kRsaSign},
    {Mech::kSha256RsaPkcs, 1024, 4096, kRsaSign},
    {Mech::kSha384RsaPkcs, 1024, 4096, kRsaSign},
    {Mech::kSha512RsaPkcs, 1024, 4096, kRsaSign},
    {Mech::kSha1RsaPkcsPss, 1024, 4096, kRsaSign},
    {Mech::kSha224RsaPkcsPss, 1024, 4096, kRsaSign},
    {Mech::kSha256RsaPkcsPss, 1024, 4096, kRsaSign},
    {Mech::kSha384RsaPkcsPss, 1024, 4096, kRsaSign},
    {Mech::kSha512RsaPkcsPss, 1024, 4096, kRsaSign},
    {Mech::kEcKeyPairGen, 256, 384, f::kHw | f::kGenerateKeyPair | kEcFlags},
    {Mech::kEcdsa, 256, 384, kEcSign},
    {Mech::kEcdsaSha1, 256, 384, kEcSign},
    {Mech::kEcdsaSha224, 256, 384, kEcSign},
    {Mech::kEcdsaSha256, 256, 384, kEcSign},
    {Mech::kEcdsaSha384, 256, 384, kEcSign},
    {Mech::kEcdsaSha512, 256, 384, kEcSign},
    {Mech::kEcdh1Derive, 256, 384, f::kHw | f::kDerive | kEcFlags},
    {Mech::kEcEdwardsKeyPairGen, 255, 255, f::kHw | f::kGenerateKeyPair | kEcFlags},
    {Mech::kEddsa, 255, 255, f::kHw | f::kSign | f::kVerify | kEcFlags},
    {Mech::kEcMontgomeryKeyPairGen, 255, 255, f::kHw | f::kGenerateKeyPair | kEcFlags},
    {Mech::kSha1, 0, 0, f::kDigest},
    {Mech::kSha224, 0, 0, f::kDigest},
    {Mech::kSha256, 0, 0, f::kDigest},
    {Mech::kSha384, 0, 0, f::kDigest},
    {Mech::kSha512, 0, 0, f::kDigest},
}};

crypto::SignParams Params(SignScheme scheme, std::optional<Hash> hash) {
  crypto::SignParams p;
  p.scheme = scheme;
  p.hash = hash;
  if (hash) {
    p.pss_hash = *hash;
    p.mgf1 = *hash;
    p.salt_len = crypto::HashSize(*hash);
  }
  return p;
}

}  // namespace

std::span<const MechanismInfo> PivMechanisms() { return kMechanisms; }

const MechanismInfo* FindMechanism(Mech type) {
  for (const auto& m : kMechanisms) {
    if (m.type == type) return &m;
  }
  return nullptr;
}

std::optional<crypto::SignParams> SignSchemeOf(Mech type) {
  switch (type) {
    case Mech::kRsaPkcs: return Params(SignScheme::kRsaPkcs1, std::nullopt);
    case Mech::kRsaX509: return Params(SignScheme::kRsaRaw, std::nullopt);
    case Mech::kRsaPkcsPss: return Params(SignScheme::kRsaPss, std::nullopt);
    case Mech::kSha1RsaPkcs: return Params(SignScheme::kRsaPkcs1, Hash::kSha1);
    case Mech::kSha224RsaPkcs: return Params(SignScheme::kRsaPkcs1, Hash::kSha224);
    case Mech::kSha256RsaPkcs: return Params(SignScheme::kRsaPkcs1, Hash::kSha256);
    case Mech::kSha384RsaPkcs: return Params(SignScheme::kRsaPkcs1, Hash::kSha384);
    case Mech::kSha512RsaPkcs: return Params(SignScheme::kRsaPkcs1, Hash::kSha512);
    case Mech::kSha1RsaPkcsPss: return Params(SignScheme::kRsaPss, Hash::kSha1);
    case Mech::kSha224RsaPkcsPss: return Params(SignScheme::kRsaPss, Hash::kSha224);
    case Mech::kSha256RsaPkcsPss: return Params(SignScheme::kRsaPss, Hash::kSha256);
    case Mech::kSha384RsaPkcsPss: return Params(SignScheme::kRsaPss, Hash::kSha384);
    case Mech::kSha512RsaPkcsPss: return Params(SignScheme::kRsaPss, Hash::kSha512);
    case Mech::kEcdsa: return Params(SignScheme::kEcdsa, std::nullopt);
    case Mech::kEcdsaSha1: return Params(SignScheme::kEcdsa, Hash::kSha1);
    case Mech::kEcdsaSha224: return Params(SignScheme::kEcdsa, Hash::kSha224);
    case Mech::kEcdsaSha256: return Params(SignScheme::kEcdsa, Hash::kSha256);
    case Mech::kEcdsaSha384: return Params(SignScheme::kEcdsa, Hash::kSha384);
    case Mech::kEcdsaSha512: return Params(SignScheme::kEcdsa, Hash::kSha512);
    case Mech::kEddsa: return Params(SignScheme::kEddsa, std::nullopt);
    default: return std::nullopt;
  }
}

std::optional<crypto::CipherScheme> CipherSchemeOf(Mech type) {
  switch (type) {
    case Mech::kRsaPkcs: return crypto::CipherScheme::kRsaPkcs1;
    case Mech::kRsaPkcsOaep: return crypto::CipherScheme::kRsaOaep;
    case Mech::kRsaX509: return crypto::CipherScheme::kRsaRaw;
    default: return std::nullopt;
  }
}

std::optional<crypto::Hash> DigestOf(Mech type) {
  switch (type) {
    case Mech::kSha1: return Hash::kSha1;
    case Mech::kSha224: return Hash::kSha224;
    case Mech::kSha256: return Hash::kSha256;
    case Mech::kSha384: return Hash::kSha384;
    case Mech::kSha512: return Hash::kSha512;
    default: return std::nullopt;
  }
}

std::optional<KeyType> KeyTypeFor(Mech type) {
  auto sign = SignSchemeOf(type);
  if (sign) {
    switch (sign->scheme) {
      case SignScheme::kEcdsa: return KeyType::kEc;
      case SignScheme::kEddsa: return KeyType::kEcEdwards;
      default: return KeyType::kRsa;
    }
  }
  if (CipherSchemeOf(type)) return KeyType::kRsa;
  if (type == Mech::kEcdh1Derive) return KeyType::kEc;
  return std::nullopt;
}

}  // namespace tessera::p11
