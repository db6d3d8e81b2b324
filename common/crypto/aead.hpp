// AES-GCM (NIST SP 800-38D) in one call, as the token's secret-key operation
// and the registration protocol use it. The ciphertext carries its tag at the
// end (PKCS#11's convention for CKM_AES_GCM). Stateless; thread-safe.
#pragma once

#include <cstddef>

#include "common/bytes.hpp"
#include "common/secure_bytes.hpp"
#include "common/status.hpp"

namespace tessera::crypto {

// `key` 16, 24 or 32 bytes; `iv` 1 to 128 bytes; `tag_len` 12 to 16.
// Returns ciphertext || tag.
[[nodiscard]] Result<Bytes> AesGcmSeal(ByteView key, ByteView iv, ByteView aad, ByteView plaintext,
                                       std::size_t tag_len);
// The plaintext, or Status::SignatureInvalid when the tag does not verify
// (nothing of the plaintext is returned then). kInvalidArgument for bad
// lengths, an input shorter than its tag among them.
[[nodiscard]] Result<SecureBytes> AesGcmOpen(ByteView key, ByteView iv, ByteView aad,
                                             ByteView ciphertext_and_tag, std::size_t tag_len);

}  // namespace tessera::crypto
