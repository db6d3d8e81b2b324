#include "pkcs11/model/mechanism.hpp"

#include <array>

namespace tessera::p11 {
namespace {

using crypto::Hash;
using crypto::SignScheme;
using ::tessera::crypto::CipherMode;
namespace f = mech_flag;

constexpr std::uint64_t kRsaSign = f::kHw | f::kSign | f::kVerify;
constexpr std::uint64_t kRsaAll = kRsaSign | f::kEncrypt | f::kDecrypt;
constexpr std::uint64_t kEcFlags = f::kEcFp | f::kEcNamedCurve | f::kEcUncompress;
constexpr std::uint64_t kEcSign = f::kHw | f::kSign | f::kVerify | kEcFlags;
// Edwards and Montgomery keys have one encoding: no point compression to
// speak of (CKF_EC_UNCOMPRESS is for Weierstrass points).
constexpr std::uint64_t kCurve25519 = f::kHw | f::kEcFp | f::kEcNamedCurve;
constexpr std::uint64_t kCipher = f::kEncrypt | f::kDecrypt;
constexpr std::uint64_t kCipherWrap = kCipher | f::kWrap | f::kUnwrap;
// The AES key-wrap family wraps and unwraps keys only: C_Encrypt with it is
// not offered, so its info does not claim CKF_ENCRYPT (PKCS#11 3.0 current
// mechanisms, "AES Key Wrap": the encrypt and decrypt functions are optional).
constexpr std::uint64_t kWrapOnly = f::kWrap | f::kUnwrap;
constexpr std::uint64_t kMac = f::kSign | f::kVerify;

// Key sizes: bits for RSA and the curves, bytes for secret keys (the unit
// each mechanism's section gives). Card mechanisms carry CKF_HW; the
// secret-key mechanisms work on the card for token keys (AES-CMAC, HMAC,
// AES-GCM through Tessera's F5) and on the host for session keys.
constexpr std::array<MechanismInfo, 58> kMechanisms = {{
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
    // X25519's field is 255 bits; P-384's 384.
    {Mech::kEcdh1Derive, 255, 384, f::kHw | f::kDerive | kEcFlags},
    {Mech::kEcdhAesKeyWrap, 256, 384, f::kHw | f::kWrap | f::kUnwrap | kEcFlags},
    {Mech::kEcEdwardsKeyPairGen, 255, 255, kCurve25519 | f::kGenerateKeyPair},
    {Mech::kEddsa, 255, 255, kCurve25519 | f::kSign | f::kVerify},
    {Mech::kEcMontgomeryKeyPairGen, 255, 255, kCurve25519 | f::kGenerateKeyPair},
    {Mech::kSha1, 0, 0, f::kDigest},
    {Mech::kSha224, 0, 0, f::kDigest},
    {Mech::kSha256, 0, 0, f::kDigest},
    {Mech::kSha384, 0, 0, f::kDigest},
    {Mech::kSha512, 0, 0, f::kDigest},
    {Mech::kAesKeyGen, 16, 32, f::kHw | f::kGenerate},
    {Mech::kAesEcb, 16, 32, kCipherWrap},
    {Mech::kAesCbc, 16, 32, kCipherWrap},
    {Mech::kAesCbcPad, 16, 32, kCipherWrap},
    {Mech::kAesCtr, 16, 32, kCipher},
    {Mech::kAesGcm, 16, 32, f::kHw | kCipher},
    {Mech::kAesCmac, 16, 32, f::kHw | kMac},
    {Mech::kAesCmacGeneral, 16, 32, f::kHw | kMac},
    {Mech::kAesKeyWrap, 16, 32, kWrapOnly},
    {Mech::kAesKeyWrapPad, 16, 32, kWrapOnly},
    {Mech::kAesKeyWrapKwp, 16, 32, kWrapOnly},
    {Mech::kDes3KeyGen, 24, 24, f::kGenerate},
    {Mech::kDes3Ecb, 24, 24, kCipherWrap},
    {Mech::kDes3Cbc, 24, 24, kCipherWrap},
    {Mech::kGenericSecretKeyGen, 16, 64, f::kHw | f::kGenerate},
    {Mech::kSha1Hmac, 16, 64, kMac},
    {Mech::kSha1HmacGeneral, 16, 64, kMac},
    {Mech::kSha224Hmac, 16, 64, kMac},
    {Mech::kSha224HmacGeneral, 16, 64, kMac},
    {Mech::kSha256Hmac, 16, 64, f::kHw | kMac},
    {Mech::kSha256HmacGeneral, 16, 64, f::kHw | kMac},
    {Mech::kSha384Hmac, 16, 64, f::kHw | kMac},
    {Mech::kSha384HmacGeneral, 16, 64, f::kHw | kMac},
    {Mech::kSha512Hmac, 16, 64, f::kHw | kMac},
    {Mech::kSha512HmacGeneral, 16, 64, f::kHw | kMac},
    {Mech::kHkdfDerive, 16, 64, f::kHw | f::kDerive},
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

std::span<const MechanismInfo> AllMechanisms() { return kMechanisms; }

const MechanismInfo* FindMechanism(Mech type) {
  for (const auto& m : AllMechanisms()) {
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

std::optional<crypto::Hash> HmacHashOf(Mech type) {
  switch (type) {
    case Mech::kSha1Hmac:
    case Mech::kSha1HmacGeneral: return Hash::kSha1;
    case Mech::kSha224Hmac:
    case Mech::kSha224HmacGeneral: return Hash::kSha224;
    case Mech::kSha256Hmac:
    case Mech::kSha256HmacGeneral: return Hash::kSha256;
    case Mech::kSha384Hmac:
    case Mech::kSha384HmacGeneral: return Hash::kSha384;
    case Mech::kSha512Hmac:
    case Mech::kSha512HmacGeneral: return Hash::kSha512;
    default: return std::nullopt;
  }
}

bool IsGeneralMac(Mech type) {
  switch (type) {
    case Mech::kSha1HmacGeneral:
    case Mech::kSha224HmacGeneral:
    case Mech::kSha256HmacGeneral:
    case Mech::kSha384HmacGeneral:
    case Mech::kSha512HmacGeneral:
    case Mech::kAesCmacGeneral: return true;
    default: return false;
  }
}

std::optional<CipherMode> CipherModeOf(Mech type) {
  switch (type) {
    case Mech::kAesEcb: return CipherMode::kAesEcb;
    case Mech::kAesCbc: return CipherMode::kAesCbc;
    case Mech::kAesCbcPad: return CipherMode::kAesCbcPad;
    case Mech::kAesCtr: return CipherMode::kAesCtr;
    case Mech::kAesGcm: return CipherMode::kAesGcm;
    case Mech::kDes3Ecb: return CipherMode::kTdesEcb;
    case Mech::kDes3Cbc: return CipherMode::kTdesCbc;
    default: return std::nullopt;
  }
}

std::optional<KeyType> KeyTypeFor(Mech type) {
  if (auto sign = SignSchemeOf(type)) {
    switch (sign->scheme) {
      case SignScheme::kEcdsa: return KeyType::kEc;
      case SignScheme::kEddsa: return KeyType::kEcEdwards;
      default: return KeyType::kRsa;
    }
  }
  if (CipherSchemeOf(type)) return KeyType::kRsa;
  if (HmacHashOf(type)) return KeyType::kGenericSecret;
  switch (type) {
    case Mech::kEcdh1Derive:
    case Mech::kEcdhAesKeyWrap: return KeyType::kEc;
    case Mech::kDes3Ecb:
    case Mech::kDes3Cbc: return KeyType::kDes3;
    case Mech::kAesEcb:
    case Mech::kAesCbc:
    case Mech::kAesCbcPad:
    case Mech::kAesCtr:
    case Mech::kAesGcm:
    case Mech::kAesCmac:
    case Mech::kAesCmacGeneral:
    case Mech::kAesKeyWrap:
    case Mech::kAesKeyWrapPad:
    case Mech::kAesKeyWrapKwp: return KeyType::kAes;
    default: return std::nullopt;
  }
}

}  // namespace tessera::p11
