// Message authentication codes: AES-CMAC (NIST SP 800-38B, RFC 4493) and HMAC
// (RFC 2104) with SHA-1 and SHA-2, one-shot and multi-part. Used by the token's
// secret-key operations, SCP03 and the module's session keys. MacStream is
// move-only and owns its OpenSSL context; one owner at a time. The free
// functions are stateless and thread-safe.
#pragma once

#include <cstddef>
#include <memory>

#include "common/bytes.hpp"
#include "common/crypto/hash.hpp"
#include "common/secure_bytes.hpp"
#include "common/status.hpp"

namespace tessera::crypto {

// The full 16-byte tag; kInvalidArgument for a key that is not 16, 24 or 32 bytes.
[[nodiscard]] Result<Bytes> AesCmac(ByteView key, ByteView data);
// The same tag in SecureBytes, for when it is key material: a PRF block of a
// KDF (SP 800-108, as SCP03 derives its session keys).
[[nodiscard]] Result<SecureBytes> AesCmacSecret(ByteView key, ByteView data);
// The full HashSize(hash)-byte tag; any key length (RFC 2104 §2), an empty
// key included.
[[nodiscard]] Result<Bytes> Hmac(Hash hash, ByteView key, ByteView data);

class MacStream {
 public:
  [[nodiscard]] static Result<MacStream> Cmac(ByteView key);
  [[nodiscard]] static Result<MacStream> Hmac(Hash hash, ByteView key);

  MacStream(MacStream&&) noexcept;
  MacStream& operator=(MacStream&&) noexcept;
  MacStream(const MacStream&) = delete;
  MacStream& operator=(const MacStream&) = delete;
  ~MacStream();

  // The full tag length: 16 for CMAC, HashSize for HMAC.
  std::size_t size() const { return size_; }
  // kInternal after Finish.
  [[nodiscard]] Status Update(ByteView data);
  // The full tag; the stream cannot be used again.
  [[nodiscard]] Result<Bytes> Finish();

 private:
  struct Impl;
  explicit MacStream(std::unique_ptr<Impl> impl, std::size_t size);
  std::unique_ptr<Impl> impl_;
  std::size_t size_ = 0;
};

}  // namespace tessera::crypto
