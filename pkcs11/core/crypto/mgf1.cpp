#include "pkcs11/core/crypto/mgf1.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

namespace tessera::p11::crypto {

Result<SecureBytes> Mgf1(Hash hash, ByteView seed, std::size_t length) {
  const std::size_t h_len = HashSize(hash);
  SecureBytes out(length);
  SecureBytes block(h_len);
  ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx) return ossl::Error("EVP_MD_CTX_new");
  std::uint32_t counter = 0;
  for (std::size_t done = 0; done < length; done += h_len, ++counter) {
    const std::array<std::uint8_t, 4> c = {
        static_cast<std::uint8_t>(counter >> 24), static_cast<std::uint8_t>(counter >> 16),
        static_cast<std::uint8_t>(counter >> 8), static_cast<std::uint8_t>(counter)};
    if (EVP_DigestInit_ex(ctx.get(), HashMd(hash), nullptr) != 1 ||
        EVP_DigestUpdate(ctx.get(), seed.data(), seed.size()) != 1 ||
        EVP_DigestUpdate(ctx.get(), c.data(), c.size()) != 1 ||
        EVP_DigestFinal_ex(ctx.get(), block.data(), nullptr) != 1) {
      return ossl::Error("MGF1 digest");
    }
    std::copy_n(block.data(), std::min(h_len, length - done), out.data() + done);
  }
  return out;
}

void XorInto(std::span<std::uint8_t> dst, ByteView mask) {
  for (std::size_t i = 0; i < dst.size(); ++i) dst[i] ^= mask[i];
}

}  // namespace tessera::p11::crypto
