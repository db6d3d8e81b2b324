// The typed requests and results of PivClient's Tessera extension methods
// (docs/piv-extensions.md): unwrapping a key wrapped to the token (F2), and
// secret-key objects in slots C0..DF (F4 manage, F5 operate, GET METADATA).
// The wire constants are common/piv/secret_keys.hpp and
// common/piv/wrapped_key.hpp; these types only carry values. Requests borrow
// nothing; key values travel as ByteView and come back as SecureBytes. Plain
// value types; thread-compatible.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "common/bytes.hpp"
#include "common/crypto/hash.hpp"
#include "common/ossl.hpp"
#include "common/piv/piv_constants.hpp"
#include "common/piv/secret_keys.hpp"
#include "common/status.hpp"

namespace tessera::host {

// What a new secret key carries besides its value.
struct SecretKeyAttributes {
  std::uint16_t usage = 0;                               // piv::secret::usage bits
  piv::PinPolicy pin_policy = piv::PinPolicy::kDefault;  // kDefault: the token's (once)
  Bytes label;                                           // 0..32 bytes, CKA_LABEL
  Bytes id;                                              // 0..32 bytes, CKA_ID
};

// A secret key as the token describes it (GET METADATA C0..DF, the F5 list,
// the answers of F2 and F4). The value itself never leaves the token.
struct SecretKeyInfo {
  std::uint8_t slot = 0;  // C0..DF
  piv::secret::KeyType type = piv::secret::KeyType::kAes256;
  std::size_t length = 0;  // bytes
  piv::PinPolicy pin_policy = piv::PinPolicy::kOnce;
  piv::KeyOrigin origin = piv::KeyOrigin::kGenerated;
  std::uint16_t usage = 0;
  Bytes label;
  Bytes id;
};

// Parses metadata tags 01, 02, 03, 0A, 0B, 0C, [0D], 0E. `slot` fills in
// when 0D is absent (GET METADATA answers without it); kInvalidArgument when
// a tag is missing, the wrong size, or of an unknown value.
Result<SecretKeyInfo> ParseSecretKeyInfo(ByteView metadata, std::optional<std::uint8_t> slot);

// A CKM_ECDH_AES_KEY_WRAP blob for one token, as an issuer delivers it.
struct WrappedKeyBlob {
  crypto::Hash kdf = crypto::Hash::kSha256;  // X9.63 with SHA-256, -384 or -512
  std::size_t kek_bytes = 32;                // 16, 24 or 32
  Bytes shared_data;  // piv::wrap::EncodeSharedData: "TSW1" | serial | target | context
  Bytes blob;         // ephemeral P-256 point || AES-KWP output
};

struct UnwrapRequest {
  // P2: a PIV key slot, a secret-key slot C0..DF, or FF for the lowest free
  // secret-key slot (when the shared data's target is FF).
  std::uint8_t target = 0;
  // Tag 80: a piv::Algorithm byte for a PIV slot, a piv::secret::KeyType
  // byte for a secret-key slot: the exact algorithm the key inside must be.
  std::optional<std::uint8_t> algorithm;
  // Tag 85: the key's family, a PKCS#11 CKK_ value's low byte (00 RSA, 03 EC,
  // 40 Ed25519, 41 X25519, 1F AES, 10 generic secret), for callers that know
  // the type but not the size.
  std::optional<std::uint8_t> key_family;
  WrappedKeyBlob wrapped;
  // PIV slots only (tags AA, AB); kDefault sends nothing.
  piv::PinPolicy pin_policy = piv::PinPolicy::kDefault;
  piv::TouchPolicy touch_policy = piv::TouchPolicy::kDefault;
  // Secret-key slots only.
  SecretKeyAttributes secret;
};

struct UnwrapResult {
  std::uint8_t slot = 0;
  ossl::PkeyPtr public_key;                 // set when the key went to a PIV slot
  std::optional<SecretKeyInfo> secret_key;  // set when it went to a secret-key slot
};

// F4 03: ECDH between a PIV slot key (or the token key F0) and a peer.
struct EcdhDeriveRequest {
  std::uint8_t target = piv::secret::kAnyFreeSlot;  // C0..DF or FF
  piv::secret::KeyType type = piv::secret::KeyType::kGeneric;
  std::size_t length = 0;  // 0: the type's size (generic: 32)
  std::uint8_t base = 0;   // 9A, 9C, 9D, 9E, 82..95 or F0
  Bytes peer_public;       // uncompressed P-256/P-384 point, or 32 bytes X25519
  piv::secret::EcdhKdf kdf = piv::secret::EcdhKdf::kHkdfSha256;
  Bytes salt;  // HKDF only; empty sends none (the same result)
  Bytes info;  // HKDF only
  SecretKeyAttributes attributes;
};

// F4 04: HKDF-SHA-256 from a secret key with the derive usage.
struct HkdfDeriveRequest {
  std::uint8_t target = piv::secret::kAnyFreeSlot;
  piv::secret::KeyType type = piv::secret::KeyType::kGeneric;
  std::size_t length = 0;  // 0: the type's size (generic: 32)
  std::uint8_t base = 0;   // C0..DF
  piv::secret::HkdfMode mode = piv::secret::HkdfMode::kExtractExpand;
  Bytes salt;  // extract-and-expand only
  Bytes info;
  SecretKeyAttributes attributes;
};

}  // namespace tessera::host
