// AES key wrap: RFC 3394 (KW, PKCS#11 CKM_AES_KEY_WRAP) and RFC 5649 (KWP,
// key wrap with padding, CKM_AES_KEY_WRAP_KWP). The KEK is 16, 24 or 32
// bytes. Unwrapping checks the integrity value; a wrong KEK or a tampered
// input is Status::SignatureInvalid, and nothing of the output is kept. An
// input whose length no wrap can have (KW: under 24 bytes or not a multiple
// of 8; KWP: under 16 or not a multiple of 8) is kInvalidArgument, as is a
// KEK of another length. Stateless; thread-safe.
#pragma once

#include "common/bytes.hpp"
#include "common/secure_bytes.hpp"
#include "common/status.hpp"

namespace tessera::crypto {

// KW: `key` a multiple of 8 bytes, at least 16; output 8 bytes longer.
[[nodiscard]] Result<Bytes> AesKeyWrap(ByteView kek, ByteView key);
[[nodiscard]] Result<SecureBytes> AesKeyUnwrap(ByteView kek, ByteView wrapped);
// KWP: `key` 1 byte or more; output the length rounded up to 8, plus 8.
[[nodiscard]] Result<Bytes> AesKeyWrapPad(ByteView kek, ByteView key);
[[nodiscard]] Result<SecureBytes> AesKeyUnwrapPad(ByteView kek, ByteView wrapped);

}  // namespace tessera::crypto
