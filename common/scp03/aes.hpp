// The AES building blocks under SCP03 (Amd D §6.2.6-§6.2.7, and Tessera's
// key derivation and key data in docs/card-manager.md "Keys" and "PUT KEY"):
// ECB and CBC without padding over one whole number of blocks, and the
// ISO/IEC 9797-1 method 2 padding (80 00 ..) that secure messaging uses.
//
// The AES variant follows the key length (16, 24 or 32 bytes); any other
// length is kInvalidArgument. Outputs are SecureBytes because most of them
// are keys or plain data. Stateless functions; thread-safe.
#pragma once

#include <cstddef>

#include "common/bytes.hpp"
#include "common/secure_bytes.hpp"
#include "common/status.hpp"

namespace tessera::scp03 {

inline constexpr std::size_t kAesBlock = 16;

// True for 16, 24 and 32: the AES key lengths.
bool IsAesKeyLength(std::size_t length);

// `data` must be a non-zero multiple of 16 bytes, else kInvalidArgument.
Result<SecureBytes> AesEcbEncrypt(ByteView key, ByteView data);
// `iv` must be 16 bytes; `data` as for ECB.
Result<SecureBytes> AesCbcEncrypt(ByteView key, ByteView iv, ByteView data);
Result<SecureBytes> AesCbcDecrypt(ByteView key, ByteView iv, ByteView data);

// `data` || 80 || 00.. up to the next multiple of 16; always adds 1..16 bytes
// (GP Card Spec v2.3 §B.2.3, ISO/IEC 9797-1 method 2).
SecureBytes Pad80(ByteView data);
// The length of `padded` without its 80 00.. padding; kSecurityStatus when
// the last block does not end in such padding (a tampered or wrongly keyed
// ciphertext).
Result<std::size_t> Unpad80Length(ByteView padded);

}  // namespace tessera::scp03
