// Mechanisms: the ones the module offers (PKCS#11 2.40 §2 and 3.0 §2.3.6 for
// EdDSA), with the spec's values, what each is for, and the
// CK_MECHANISM_INFO each token reports. A Mechanism is a parsed CK_MECHANISM:
// api/ reads the C parameter structures into it. Plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "common/bytes.hpp"
#include "pkcs11/core/attributes.hpp"
#include "pkcs11/core/crypto/schemes.hpp"

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
  kSha1 = 0x220,
  kSha256 = 0x250,
  kSha224 = 0x255,
  kSha384 = 0x260,
  kSha512 = 0x270,
  kEcKeyPairGen = 0x1040,
  kEcdsa = 0x1041,
  kEcdsaSha1 = 0x1042,
  kEcdsaSha224 = 0x1043,
  kEcdsaSha256 = 0x1044,
  kEcdsaSha384 = 0x1045,
  kEcdsaSha512 = 0x1046,
  kEcdh1Derive = 0x1050,
  kEcEdwardsKeyPairGen = 0x1055,
  kEcMontgomeryKeyPairGen = 0x1056,
  kEddsa = 0x1057,
};

// CK_MECHANISM_INFO flags (PKCS#11 2.40 §3.3 table 8).
namespace mech_flag {
inline constexpr std::uint64_t kHw = 0x1;
inline constexpr std::uint64_t kEncrypt = 0x100;
inline constexpr std::uint64_t kDecrypt = 0x200;
inline constexpr std::uint64_t kDigest = 0x400;
inline constexpr std::uint64_t kSign = 0x800;
inline constexpr std::uint64_t kVerify = 0x2000;
inline constexpr std::uint64_t kGenerateKeyPair = 0x10000;
inline constexpr std::uint64_t kDerive = 0x80000;
inline constexpr std::uint64_t kEcFp = 0x100000;
inline constexpr std::uint64_t kEcNamedCurve = 0x800000;
inline constexpr std::uint64_t kEcUncompress = 0x1000000;
}  // namespace mech_flag

struct MechanismInfo {
  Mech type{};
  unsigned long min_key_bits = 0;
  unsigned long max_key_bits = 0;
  std::uint64_t flags = 0;
};

// What a PIV token offers; sizes in bits as CK_MECHANISM_INFO wants them.
std::span<const MechanismInfo> PivMechanisms();
const MechanismInfo* FindMechanism(Mech type);

struct Mechanism {
  Mech type{};
  crypto::SignParams sign;      // sign and verify mechanisms
  crypto::CipherParams cipher;  // encrypt and decrypt mechanisms
  Bytes peer_public;            // CKM_ECDH1_DERIVE: the other side's point
};

// The signing scheme of a sign/verify mechanism, with hash-and-sign filled
// in; PSS parameters come from the caller. nullopt: not a signing mechanism.
std::optional<crypto::SignParams> SignSchemeOf(Mech type);
std::optional<crypto::CipherScheme> CipherSchemeOf(Mech type);
std::optional<crypto::Hash> DigestOf(Mech type);  // CKM_SHA* digests
// The key type a mechanism works with.
std::optional<KeyType> KeyTypeFor(Mech type);

}  // namespace tessera::p11
