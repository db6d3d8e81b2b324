// CKM_ECDH_AES_KEY_WRAP (PKCS#11 3.0 current mechanisms, "ECDH AES KEY WRAP"): a key
// wrapped to an EC public key.
//
// Wrapping: a fresh ephemeral key pair on the recipient's curve; Z = ECDH
// (ephemeral private, recipient public), the x coordinate (SEC 1 §3.3.1);
// KEK = the first aes_key_bytes of KDF(Z, shared data); the output is the
// ephemeral public key as an uncompressed point (04 || X || Y, as long as
// the recipient's own point) followed by AES-KWP (RFC 5649) of the key.
// Unwrapping splits the input at the recipient's point length (the spec:
// "the length of the first part is equal to the length of the public key
// material of the unwrapping EC key"), and does the rest in reverse.
//
// The KDF is X9.63 with SHA-1/SHA-2 (CKD_SHA*_KDF), or none (CKD_NULL: the
// KEK is the first bytes of Z; such a KEK binds no shared data).
// P-256 and P-384 recipients. Z and the KEK never leave these functions.
// Stateless; thread-safe.
#pragma once

#include <openssl/evp.h>

#include <cstddef>
#include <optional>

#include "common/bytes.hpp"
#include "common/crypto/hash.hpp"
#include "common/secure_bytes.hpp"
#include "common/status.hpp"

namespace tessera::crypto {

struct EcdhAesWrapParams {
  std::optional<Hash> kdf;         // nullopt: CKD_NULL
  std::size_t aes_key_bytes = 32;  // ulAESKeyBits / 8: 16, 24 or 32
  ByteView shared_data;            // must be empty with CKD_NULL
};

// The uncompressed point length of `key`'s curve: 65 for P-256, 97 for P-384.
[[nodiscard]] Result<std::size_t> EcPointLength(EVP_PKEY* key);

// `key_material`: a PKCS#8 PrivateKeyInfo or a secret key's raw value.
[[nodiscard]] Result<Bytes> EcdhAesKeyWrap(EVP_PKEY* recipient_public,
                                           const EcdhAesWrapParams& params, ByteView key_material);
// The same with a given ephemeral key (for known-answer tests).
[[nodiscard]] Result<Bytes> EcdhAesKeyWrapWith(EVP_PKEY* recipient_public, EVP_PKEY* ephemeral,
                                               const EcdhAesWrapParams& params,
                                               ByteView key_material);
// kInvalidArgument for a blob too short, with a point not on the curve, or
// whose wrapped part has no KWP length (not a multiple of 8);
// Status::SignatureInvalid when the KWP integrity check fails (a tampered
// blob, another recipient, other shared data).
[[nodiscard]] Result<SecureBytes> EcdhAesKeyUnwrap(EVP_PKEY* recipient_private,
                                                   const EcdhAesWrapParams& params, ByteView blob);

}  // namespace tessera::crypto
