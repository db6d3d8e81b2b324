#include "common/piv/block_cipher.hpp"

#include <string>

#include "common/ossl.hpp"

namespace tessera::piv {
namespace {

// SP 800-78-4 Table 6-2: 03 is three-key 3DES, 08/0A/0C AES.
const EVP_CIPHER* EcbCipher(piv::Algorithm alg) {
  switch (alg) {
    case piv::Algorithm::kTdes: return EVP_des_ede3_ecb();
    case piv::Algorithm::kAes128: return EVP_aes_128_ecb();
    case piv::Algorithm::kAes192: return EVP_aes_192_ecb();
    case piv::Algorithm::kAes256: return EVP_aes_256_ecb();
    default: return nullptr;
  }
}

Result<Bytes> Crypt(piv::Algorithm alg, ByteView key, ByteView block, bool encrypt) {
  const EVP_CIPHER* cipher = EcbCipher(alg);
  if (cipher == nullptr) {
    return Status::InvalidArgument(std::string(piv::AlgorithmName(alg)) + " is not a block cipher");
  }
  if (key.size() != piv::SymmetricKeySize(alg)) {
    return Status::InvalidArgument(std::string(piv::AlgorithmName(alg)) + " key must be " +
                                   std::to_string(piv::SymmetricKeySize(alg)) + " bytes");
  }
  if (block.size() != piv::BlockSize(alg)) {
    return Status::InvalidArgument(std::string(piv::AlgorithmName(alg)) + " block must be " +
                                   std::to_string(piv::BlockSize(alg)) + " bytes");
  }
  ossl::CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx ||
      EVP_CipherInit_ex(ctx.get(), cipher, nullptr, key.data(), nullptr, encrypt ? 1 : 0) != 1 ||
      EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1) {
    return ossl::Error("EVP_CipherInit_ex");
  }
  Bytes out(block.size());
  int len = 0;
  if (EVP_CipherUpdate(ctx.get(), out.data(), &len, block.data(), static_cast<int>(block.size())) !=
          1 ||
      static_cast<std::size_t>(len) != out.size()) {
    return ossl::Error("EVP_CipherUpdate");
  }
  return out;
}

}  // namespace

Result<Bytes> BlockEncrypt(piv::Algorithm alg, ByteView key, ByteView block) {
  return Crypt(alg, key, block, /*encrypt=*/true);
}

Result<Bytes> BlockDecrypt(piv::Algorithm alg, ByteView key, ByteView block) {
  return Crypt(alg, key, block, /*encrypt=*/false);
}

}  // namespace tessera::piv
