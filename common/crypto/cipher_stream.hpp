// CipherStream: a symmetric encryption or decryption in parts, with PKCS#11's
// multi-part semantics (PKCS#11 3.0 §5.8, §5.9; mechanisms in the 3.0 current
// mechanisms spec §2.10 for AES, §2.14 for 3DES):
// - ECB and CBC without padding: the total must be a whole number of blocks,
//   else Finish is kInvalidArgument (CKR_DATA_LEN_RANGE /
//   CKR_ENCRYPTED_DATA_LEN_RANGE at the module's edge);
// - CBC_PAD: PKCS#7 padding, added on encryption and checked on decryption
//   (a bad pad is kSignatureInvalid, so no padding oracle is told apart);
// - CTR: the counter is the low `counter_bits` of the 16-byte counter block
//   (CK_AES_CTR_PARAMS); a stream that would wrap it is kInvalidArgument;
// - GCM: encryption returns ciphertext as it goes and the tag from Finish;
//   decryption returns nothing before Finish, which verifies the tag and
//   only then releases the plaintext (kSignatureInvalid otherwise).
// Single DES is not offered: it is broken (docs/pkcs11-module.md).
//
// Move-only; owns its OpenSSL context and wipes what it buffers. One owner at
// a time.
#pragma once

#include <cstddef>
#include <memory>

#include "common/bytes.hpp"
#include "common/secure_bytes.hpp"
#include "common/status.hpp"

namespace tessera::crypto {

enum class CipherMode { kAesEcb, kAesCbc, kAesCbcPad, kAesCtr, kAesGcm, kTdesEcb, kTdesCbc };

struct CipherSpec {
  CipherMode mode = CipherMode::kAesCbcPad;
  ByteView key;                    // AES: 16, 24, 32 bytes; 3DES: 24 (or 16, two-key)
  ByteView iv;                     // CBC: one block; CTR: 16; GCM: 1..128; ECB: empty
  ByteView aad;                    // GCM only
  std::size_t tag_len = 16;        // GCM only: 12..16 (PKCS#11 ulTagBits / 8); 4 and 8 too
  std::size_t counter_bits = 128;  // CTR only: 1..128
};

class CipherStream {
 public:
  [[nodiscard]] static Result<CipherStream> Start(const CipherSpec& spec, bool encrypt);

  CipherStream(CipherStream&&) noexcept;
  CipherStream& operator=(CipherStream&&) noexcept;
  CipherStream(const CipherStream&) = delete;
  CipherStream& operator=(const CipherStream&) = delete;
  ~CipherStream();

  std::size_t block_size() const;  // 16 for AES, 8 for 3DES, 1 for CTR and GCM
  // The most output Update(in_len) or Finish() can give now: for the §5.2
  // size queries before any work is done.
  std::size_t MaxUpdateOutput(std::size_t in_len) const;
  std::size_t MaxFinishOutput() const;

  [[nodiscard]] Result<SecureBytes> Update(ByteView input);
  // The rest: the last block(s), the padding or the GCM tag. The stream
  // cannot be used again.
  [[nodiscard]] Result<SecureBytes> Finish();

 private:
  struct Impl;
  explicit CipherStream(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tessera::crypto
