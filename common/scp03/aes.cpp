#include "common/scp03/aes.hpp"

#include <string>

#include "common/ossl.hpp"

namespace tessera::scp03 {
namespace {

enum class CipherMode : bool { kEcb, kCbc };

const EVP_CIPHER* AesCipher(CipherMode mode, std::size_t key_length) {
  bool ecb = mode == CipherMode::kEcb;
  switch (key_length) {
    case 16: return ecb ? EVP_aes_128_ecb() : EVP_aes_128_cbc();
    case 24: return ecb ? EVP_aes_192_ecb() : EVP_aes_192_cbc();
    case 32: return ecb ? EVP_aes_256_ecb() : EVP_aes_256_cbc();
    default: return nullptr;
  }
}

Result<SecureBytes> Crypt(CipherMode mode, ByteView key, ByteView iv, ByteView data, bool encrypt) {
  const EVP_CIPHER* cipher = AesCipher(mode, key.size());
  if (cipher == nullptr) {
    return Status::InvalidArgument("AES key must be 16, 24 or 32 bytes, not " +
                                   std::to_string(key.size()));
  }
  if (mode == CipherMode::kCbc && iv.size() != kAesBlock) {
    return Status::InvalidArgument("AES-CBC ICV must be 16 bytes");
  }
  if (data.empty() || data.size() % kAesBlock != 0) {
    return Status::InvalidArgument("AES data must be a non-zero multiple of 16 bytes, not " +
                                   std::to_string(data.size()));
  }
  ossl::CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx ||
      EVP_CipherInit_ex(ctx.get(), cipher, nullptr, key.data(),
                        mode == CipherMode::kCbc ? iv.data() : nullptr, encrypt ? 1 : 0) != 1 ||
      EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1) {
    return ossl::Error("EVP_CipherInit_ex");
  }
  SecureBytes out(data.size());
  int len = 0;
  if (EVP_CipherUpdate(ctx.get(), out.data(), &len, data.data(), static_cast<int>(data.size())) !=
          1 ||
      static_cast<std::size_t>(len) != out.size()) {
    return ossl::Error("EVP_CipherUpdate");
  }
  return out;
}

}  // namespace

bool IsAesKeyLength(std::size_t length) { return length == 16 || length == 24 || length == 32; }

Result<SecureBytes> AesEcbEncrypt(ByteView key, ByteView data) {
  return Crypt(CipherMode::kEcb, key, {}, data, /*encrypt=*/true);
}

Result<SecureBytes> AesCbcEncrypt(ByteView key, ByteView iv, ByteView data) {
  return Crypt(CipherMode::kCbc, key, iv, data, /*encrypt=*/true);
}

Result<SecureBytes> AesCbcDecrypt(ByteView key, ByteView iv, ByteView data) {
  return Crypt(CipherMode::kCbc, key, iv, data, /*encrypt=*/false);
}

SecureBytes Pad80(ByteView data) {
  SecureBytes out(data);
  std::size_t padded = (data.size() / kAesBlock + 1) * kAesBlock;
  out.Resize(padded);  // the new bytes are zero
  out[data.size()] = 0x80;
  return out;
}

Result<std::size_t> Unpad80Length(ByteView padded) {
  if (padded.empty() || padded.size() % kAesBlock != 0) {
    return Status::SecurityStatus("padded data is not a non-zero multiple of 16 bytes");
  }
  // The padding is 1..16 bytes, so the 80 lies in the last block.
  std::size_t i = padded.size();
  std::size_t floor = padded.size() - kAesBlock;
  while (i > floor && padded[i - 1] == 0x00) --i;
  if (i == floor || padded[i - 1] != 0x80) {
    return Status::SecurityStatus("bad 80 00.. padding after decryption");
  }
  return i - 1;
}

}  // namespace tessera::scp03
