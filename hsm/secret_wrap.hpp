// The registration gateway's secrets inside the HSM (issue 14 design §4.4):
// the KEK that keeps each registration's K and each session's record keys at
// rest in the directory, HMAC with an unwrapped K, and the UIDC key.
//
// - The KEK ("tessera-reg-kek"): AES-256, a token object, private, sensitive,
//   not extractable, CKA_WRAP/UNWRAP/ENCRYPT/DECRYPT (nothing else).
// - K at rest: WrapSecret imports K as a session CKK_GENERIC_SECRET (sensitive,
//   extractable only so that it can be wrapped), wraps it with
//   CKM_AES_KEY_WRAP_PAD (RFC 5649; 40 bytes for 32) and destroys it.
//   UnwrapHmacKey brings it back as a session object with CKA_SIGN only,
//   sensitive, not extractable, destroyed when its KeyObject goes; every use
//   of K is then HmacSign (C_Sign CKM_SHA256_HMAC) inside the HSM. No AAD:
//   the directory is trusted for integrity (design §7 "K at rest").
// - Record keys at rest: GcmSeal/GcmOpen, AES-256-GCM under the KEK with a
//   fresh 96-bit IV from the HSM's RNG per seal (SP 800-38D §8.2.2) and the
//   caller's AAD; the blob is IV (12) || ciphertext || tag (16).
// - The UIDC key ("tessera-reg-uidc"): a 32-byte CKK_GENERIC_SECRET token
//   object, sensitive, not extractable, CKA_SIGN only; HmacSign with it.
//
// The templates state every usage flag. SoftHSM2 2.6.1 has every mechanism
// used here (pkcs11-tool -M: AES-GCM, mechanism 0x210A = AES-KWP,
// SHA256-HMAC with keys of at least 32 bytes, GENERIC-SECRET-KEY-GEN); its
// KWP zero-fill quirk (key_wrap_pad_zero_fills) does not arise, as K is a
// multiple of 8 bytes.
//
// Errors: kAlreadyExists (Generate* when the label is taken), kNotFound
// (Find* when it is not), kInvalidArgument (a secret or blob of the wrong
// size), kSignatureInvalid (a blob that does not unwrap, a GCM tag that does
// not verify: wrong key, changed bytes or other AAD); the HSM's errors
// otherwise, naming the token and the step. Stateless; the session's thread.
#pragma once

#include <p11-kit/pkcs11.h>

#include <cstddef>
#include <string>

#include "common/bytes.hpp"
#include "common/secure_bytes.hpp"
#include "common/status.hpp"
#include "hsm/hsm_session.hpp"
#include "hsm/key_object.hpp"

namespace tessera::hsm {

inline constexpr std::size_t kWrappedSecretInputBytes = 32;  // K
inline constexpr std::size_t kWrappedSecretBytes = 40;       // RFC 5649 of 32 bytes
inline constexpr std::size_t kHmacBytes = 32;                // HMAC-SHA-256
inline constexpr std::size_t kGcmIvBytes = 12;
inline constexpr std::size_t kGcmTagBytes = 16;

// The KEK. Generate: kAlreadyExists when a secret key has `label`.
Result<CK_OBJECT_HANDLE> GenerateSecretKek(HsmSession& session, const std::string& label);
Result<CK_OBJECT_HANDLE> FindSecretKek(HsmSession& session, const std::string& label);

// K (exactly 32 bytes) wrapped under `kek`: 40 bytes.
Result<Bytes> WrapSecret(HsmSession& session, CK_OBJECT_HANDLE kek, const SecureBytes& secret);
// The wrapped K as a session HMAC key (CKA_SIGN only), destroyed with the
// KeyObject; keep the KeyObject inside the session's lifetime.
Result<KeyObject> UnwrapHmacKey(HsmSession& session, CK_OBJECT_HANDLE kek, ByteView wrapped);
// HMAC-SHA-256(key, data), 32 bytes; `key` is an unwrapped K or the UIDC key.
Result<SecureBytes> HmacSign(HsmSession& session, CK_OBJECT_HANDLE key, ByteView data);

// AES-256-GCM under `kek`: IV || ciphertext || tag, and back.
Result<Bytes> GcmSeal(HsmSession& session, CK_OBJECT_HANDLE kek, ByteView aad, ByteView plaintext);
Result<SecureBytes> GcmOpen(HsmSession& session, CK_OBJECT_HANDLE kek, ByteView aad,
                            ByteView sealed);

// The UIDC key. Generate: kAlreadyExists when a secret key has `label`.
Result<CK_OBJECT_HANDLE> GenerateHmacKey(HsmSession& session, const std::string& label);
Result<CK_OBJECT_HANDLE> FindHmacKey(HsmSession& session, const std::string& label);

}  // namespace tessera::hsm
