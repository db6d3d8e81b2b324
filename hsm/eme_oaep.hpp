// EME-OAEP with SHA-256, MGF1-SHA-256 and an empty label, done on the host
// (PKCS#1 v2.2 §7.1.1 step 2, §7.1.2 step 3). It is the padding half of
// RSA-OAEP for HSMs that do raw RSA (CKM_RSA_X_509) but not OAEP with
// SHA-256; rsa_oaep.hpp puts the two halves together.
//
// The encoded message EM is k bytes, k being the modulus length, leading 0x00
// included: what raw RSA takes and gives back. EM reveals the message, so it
// lives in SecureBytes like the message itself. Both are the shared codec
// (common/crypto/eme_oaep.hpp) with SHA-256 fixed. Stateless; thread-safe.
#pragma once

#include <cstddef>

#include "common/bytes.hpp"
#include "common/secure_bytes.hpp"
#include "common/status.hpp"

namespace tessera::hsm {

// The longest message EME-OAEP (SHA-256) carries under a k-byte modulus.
constexpr std::size_t EmeOaepSha256Capacity(std::size_t k) { return k < 66 ? 0 : k - 66; }

// kInvalidArgument if the message is longer than EmeOaepSha256Capacity(k);
// kInternal if OpenSSL fails (no randomness).
Result<SecureBytes> EmeOaepSha256Encode(ByteView message, std::size_t k);

// The message. `em` may come with or without its leading zero bytes, but no
// longer than k. Anything that is not a valid encoding is kInvalidArgument
// "not a valid EME-OAEP (SHA-256) encoding", with nothing said about why.
Result<SecureBytes> EmeOaepSha256Decode(ByteView em, std::size_t k);

}  // namespace tessera::hsm
