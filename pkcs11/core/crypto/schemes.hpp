// Plain descriptions of the asymmetric schemes the PKCS#11 module drives: which
// padding or encoding, which hashes, which salt. The PKCS#11 front end builds
// these from a CK_MECHANISM (CKM_SHA256_RSA_PKCS_PSS → kRsaPss, hash kSha256,
// ...); everything under core/crypto/ works from them and never sees CK_ types.
// Value types; thread-compatible.
#pragma once

#include <cstddef>
#include <optional>

#include "common/bytes.hpp"
#include "pkcs11/core/crypto/hash.hpp"

namespace tessera::p11::crypto {

enum class SignScheme { kRsaPkcs1, kRsaPss, kRsaRaw, kEcdsa, kEddsa };

struct SignParams {
  SignScheme scheme = SignScheme::kRsaPkcs1;
  // Set: hash-and-sign, the input is the message (CKM_SHA256_RSA_PKCS, ...).
  // Unset: the input is already what gets signed: a DigestInfo or raw block
  // for CKM_RSA_PKCS, the digest for CKM_RSA_PKCS_PSS and CKM_ECDSA, the
  // message for CKM_EDDSA.
  std::optional<Hash> hash = std::nullopt;
  // PSS only (CK_RSA_PKCS_PSS_PARAMS). With `hash` set they must agree.
  Hash pss_hash = Hash::kSha256;
  Hash mgf1 = Hash::kSha256;
  std::size_t salt_len = 32;
};

enum class CipherScheme { kRsaPkcs1, kRsaOaep, kRsaRaw };

struct CipherParams {
  CipherScheme scheme = CipherScheme::kRsaPkcs1;
  // OAEP only (CK_RSA_PKCS_OAEP_PARAMS; the label is pSourceData).
  Hash oaep_hash = Hash::kSha1;
  Hash mgf1 = Hash::kSha1;
  Bytes label = {};
};

}  // namespace tessera::p11::crypto
