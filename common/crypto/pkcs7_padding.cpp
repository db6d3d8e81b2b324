#include "common/crypto/pkcs7_padding.hpp"

#include <cstdint>

namespace tessera::crypto {
namespace {

// All ones when a < b, else zero; for a, b < 2^31 (the sign bit of a - b).
std::uint32_t LessMask(std::uint32_t a, std::uint32_t b) { return 0U - ((a - b) >> 31); }

}  // namespace

Bytes Pkcs7Padding(std::size_t data_size, std::size_t block) {
  std::size_t n = block - data_size % block;
  Bytes pad(n, static_cast<std::uint8_t>(n));  // not braces: that would be a 2-byte list
  return pad;
}

Result<std::size_t> Pkcs7UnpaddedLength(ByteView last_block) {
  const auto size = static_cast<std::uint32_t>(last_block.size());
  const std::uint32_t pad = last_block[size - 1];
  // Bad when pad == 0 or pad > size; then every byte of the last `pad`
  // positions must equal pad. No branch depends on the bytes until the end.
  std::uint32_t bad = LessMask(pad, 1) | LessMask(size, pad);
  for (std::uint32_t from_end = 0; from_end < size; ++from_end) {
    std::uint32_t in_pad = LessMask(from_end, pad);
    bad |= in_pad & (last_block[size - 1 - from_end] ^ pad);
  }
  if (bad != 0) return Status::SignatureInvalid("bad CBC padding");
  return static_cast<std::size_t>(size - pad);
}

}  // namespace tessera::crypto
