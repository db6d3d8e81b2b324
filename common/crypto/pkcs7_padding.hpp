// PKCS#7 padding (RFC 5652 §6.3) as CKM_AES_CBC_PAD and the other *_CBC_PAD
// mechanisms use it: 1 to block-size bytes, each holding the pad length.
// The check runs in constant time over the block, so a padding failure tells
// nothing of where the pad went wrong. Stateless; thread-safe.
#pragma once

#include <cstddef>

#include "common/bytes.hpp"
#include "common/status.hpp"

namespace tessera::crypto {

// The padding that completes `data_size` bytes to a multiple of `block`
// (always 1 to `block` bytes). Precondition: 1 <= block <= 255.
Bytes Pkcs7Padding(std::size_t data_size, std::size_t block);

// The data length within `last_block` (0 to size - 1), or
// Status::SignatureInvalid when its padding is malformed. Precondition:
// 1 <= last_block.size() <= 255.
[[nodiscard]] Result<std::size_t> Pkcs7UnpaddedLength(ByteView last_block);

}  // namespace tessera::crypto
