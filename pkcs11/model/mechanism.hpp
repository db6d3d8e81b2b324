// Mechanisms: the ones the module offers (PKCS#11 3.0 current mechanisms:
// RSA §2.1, EC §2.3, AES §2.10 ff., 3DES §2.14, SHA-2 and HMAC §2.18 ff.,
// HKDF §2.46, EdDSA §2.3.14), with the spec's values, what each is for, and
// the CK_MECHANISM_INFO each token reports. A Mechanism is a parsed
// CK_MECHANISM: api/ reads the C parameter structures into it. Plain values.
//
// Single DES (CKM_DES_*) is not offered: DES is broken (56-bit keys), and a
// token that lists it invites its use. 3DES stays because PIV's management
// key is 3DES and tools expect it (docs/pkcs11-module.md).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "common/bytes.hpp"
#include "common/crypto/cipher_stream.hpp"
#include "pkcs11/core/crypto/schemes.hpp"
#include "pkcs11/model/attributes.hpp"

namespace tessera::p11 {

enum class Mech : std::uint64_t {
  kRsaPkcsKeyPairGen = 0x0,
  kRsaPkcs = 0x1,
  kRsaX509 = 0x3,
  kSha1RsaPkcs = 0x6,
  kRsaPkcsOaep = 0x9,
  kRsaPkcsPss = 0xD,
  kSha1RsaPkcsPss = 0xE,
  kSha256RsaPkcs = 0x40,
  kSha384RsaPkcs = 0x41,
  kSha512RsaPkcs = 0x42,
  kSha256RsaPkcsPss = 0x43,
  kSha384RsaPkcsPss = 0x44,
  kSha512RsaPkcsPss = 0x45,
  kSha224RsaPkcs = 0x46,
  kSha224RsaPkcsPss = 0x47,
  kDes3KeyGen = 0x131,
  kDes3Ecb = 0x132,
  kDes3Cbc = 0x133,
  kSha1 = 0x220,
  kSha1Hmac = 0x221,
  kSha1HmacGeneral = 0x222,
  kSha256 = 0x250,
  kSha256Hmac = 0x251,
  kSha256HmacGeneral = 0x252,
  kSha224 = 0x255,
  kSha224Hmac = 0x256,
  kSha224HmacGeneral = 0x257,
  kSha384 = 0x260,
  kSha384Hmac = 0x261,
  kSha384HmacGeneral = 0x262,
  kSha512 = 0x270,
  kSha512Hmac = 0x271,
  kSha512HmacGeneral = 0x272,
  kGenericSecretKeyGen = 0x350,
  kEcKeyPairGen = 0x1040,
  kEcdsa = 0x1041,
  kEcdsaSha1 = 0x1042,
  kEcdsaSha224 = 0x1043,
  kEcdsaSha256 = 0x1044,
  kEcdsaSha384 = 0x1045,
  kEcdsaSha512 = 0x1046,
  kEcdh1Derive = 0x1050,
  kEcdhAesKeyWrap = 0x1053,
  kEcEdwardsKeyPairGen = 0x1055,
  kEcMontgomeryKeyPairGen = 0x1056,
  kEddsa = 0x1057,
  kAesKeyGen = 0x1080,
  kAesEcb = 0x1081,
  kAesCbc = 0x1082,
  kAesCbcPad = 0x1085,
  kAesCtr = 0x1086,
  kAesGcm = 0x1087,
  kAesCmac = 0x108A,
  kAesCmacGeneral = 0x108B,
  kAesKeyWrap = 0x2109,
  kAesKeyWrapPad = 0x210A,
  kAesKeyWrapKwp = 0x210B,
  kHkdfDerive = 0x402A,
};

// CK_MECHANISM_INFO flags (PKCS#11 3.0 §3.3 table 12).
namespace mech_flag {
inline constexpr std::uint64_t kHw = 0x1;
inline constexpr std::uint64_t kEncrypt = 0x100;
inline constexpr std::uint64_t kDecrypt = 0x200;
inline constexpr std::uint64_t kDigest = 0x400;
inline constexpr std::uint64_t kSign = 0x800;
inline constexpr std::uint64_t kVerify = 0x2000;
inline constexpr std::uint64_t kGenerate = 0x8000;
inline constexpr std::uint64_t kGenerateKeyPair = 0x10000;
inline constexpr std::uint64_t kWrap = 0x20000;
inline constexpr std::uint64_t kUnwrap = 0x40000;
inline constexpr std::uint64_t kDerive = 0x80000;
inline constexpr std::uint64_t kEcFp = 0x100000;
inline constexpr std::uint64_t kEcNamedCurve = 0x800000;
inline constexpr std::uint64_t kEcUncompress = 0x1000000;
}  // namespace mech_flag

struct MechanismInfo {
  Mech type{};
  unsigned long min_key_size = 0;  // bits, or bytes for secret keys (the spec's unit per mechanism)
  unsigned long max_key_size = 0;
  std::uint64_t flags = 0;
};

// What every token offers, card and host mechanisms alike.
std::span<const MechanismInfo> AllMechanisms();
const MechanismInfo* FindMechanism(Mech type);

// Parameters of a secret-key cipher or MAC mechanism.
struct SymmetricParams {
  ::tessera::crypto::CipherMode mode = ::tessera::crypto::CipherMode::kAesCbcPad;  // ciphers
  Bytes iv;                                                                        // CBC, CTR, GCM
  Bytes aad;                                                                       // GCM
  std::size_t tag_len = 16;    // GCM tag, or a *_GENERAL MAC's length
  std::size_t ctr_bits = 128;  // CTR: CK_AES_CTR_PARAMS ulCounterBits
};

// CKM_HKDF_DERIVE (CK_HKDF_PARAMS) and the ECDH KDFs.
struct HkdfParams {
  bool extract = true;
  bool expand = true;
  p11::crypto::Hash hash = p11::crypto::Hash::kSha256;
  std::optional<Bytes> salt;   // CKF_HKDF_SALT_DATA; nullopt with CKF_HKDF_SALT_NULL
  std::uint64_t salt_key = 0;  // CKF_HKDF_SALT_KEY: a key handle
  Bytes info;
};

// CKM_ECDH1_DERIVE and CKM_ECDH_AES_KEY_WRAP: the KDF over the shared secret.
struct EcdhParams {
  std::optional<p11::crypto::Hash> kdf;  // nullopt: CKD_NULL
  Bytes kdf_info;                        // the KDF's shared data (pSharedData)
  Bytes peer_public;                     // ECDH1_DERIVE only
  std::size_t aes_key_bits = 256;        // ECDH_AES_KEY_WRAP only
};

struct Mechanism {
  Mech type{};
  crypto::SignParams sign;      // asymmetric sign and verify mechanisms
  crypto::CipherParams cipher;  // RSA encrypt and decrypt mechanisms
  SymmetricParams symmetric;    // AES, 3DES, CMAC, HMAC
  EcdhParams ecdh;              // ECDH1_DERIVE, ECDH_AES_KEY_WRAP
  HkdfParams hkdf;              // HKDF_DERIVE
};

// The signing scheme of a sign/verify mechanism, with hash-and-sign filled
// in; PSS parameters come from the caller. nullopt: not a signing mechanism.
std::optional<crypto::SignParams> SignSchemeOf(Mech type);
std::optional<crypto::CipherScheme> CipherSchemeOf(Mech type);
std::optional<crypto::Hash> DigestOf(Mech type);  // CKM_SHA* digests
// The HMAC mechanisms' hash, and whether the MAC length is a parameter.
std::optional<crypto::Hash> HmacHashOf(Mech type);
bool IsGeneralMac(Mech type);  // CKM_*_HMAC_GENERAL, CKM_AES_CMAC_GENERAL
// The cipher mode of a secret-key encryption mechanism.
std::optional<::tessera::crypto::CipherMode> CipherModeOf(Mech type);
// The key type a mechanism works with.
std::optional<KeyType> KeyTypeFor(Mech type);

}  // namespace tessera::p11
