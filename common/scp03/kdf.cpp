#include "common/scp03/kdf.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <memory>
#include <string>

#include "common/ossl.hpp"
#include "common/scp03/aes.hpp"

namespace tessera::scp03 {
namespace {

using MacPtr = std::unique_ptr<EVP_MAC, ossl::Deleter<EVP_MAC_free>>;
using MacCtxPtr = std::unique_ptr<EVP_MAC_CTX, ossl::Deleter<EVP_MAC_CTX_free>>;

// CMAC's underlying cipher is named as its CBC variant (OpenSSL EVP_MAC-CMAC).
const char* CmacCipherName(std::size_t key_length) {
  switch (key_length) {
    case 16: return "AES-128-CBC";
    case 24: return "AES-192-CBC";
    default: return "AES-256-CBC";
  }
}

}  // namespace

Result<SecureBytes> AesCmac(ByteView key, ByteView data) {
  if (!IsAesKeyLength(key.size())) {
    return Status::InvalidArgument("AES-CMAC key must be 16, 24 or 32 bytes, not " +
                                   std::to_string(key.size()));
  }
  MacPtr mac(EVP_MAC_fetch(nullptr, "CMAC", nullptr));
  if (!mac) return ossl::Error("EVP_MAC_fetch(CMAC)");
  MacCtxPtr ctx(EVP_MAC_CTX_new(mac.get()));
  if (!ctx) return ossl::Error("EVP_MAC_CTX_new");
  std::string cipher = CmacCipherName(key.size());
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, cipher.data(), 0),
      OSSL_PARAM_construct_end(),
  };
  if (EVP_MAC_init(ctx.get(), key.data(), key.size(), params) != 1) {
    return ossl::Error("EVP_MAC_init(CMAC)");
  }
  if (!data.empty() && EVP_MAC_update(ctx.get(), data.data(), data.size()) != 1) {
    return ossl::Error("EVP_MAC_update(CMAC)");
  }
  SecureBytes tag(kAesBlock);
  std::size_t len = 0;
  if (EVP_MAC_final(ctx.get(), tag.data(), &len, tag.size()) != 1 || len != kAesBlock) {
    return ossl::Error("EVP_MAC_final(CMAC)");
  }
  return tag;
}

Prf CmacPrf(ByteView key) {
  // std::function needs a copyable callable: the copies share one SecureBytes,
  // wiped when the last of them goes.
  auto held = std::make_shared<const SecureBytes>(key);
  return [held](ByteView data) { return AesCmac(held->view(), data); };
}

// Amd D §6.2.1 (v1.1.2 §4.1.5): the SP 800-108 fixed input data, with the
// label (11 zero bytes || constant) and the separator before L and i.
Bytes KdfInput(std::uint8_t constant, std::uint16_t l_bits, std::uint8_t i, ByteView context) {
  Bytes d(11, 0x00);
  d.push_back(constant);
  d.push_back(0x00);
  PutU16(d, l_bits);
  d.push_back(i);
  Append(d, context);
  return d;
}

Result<SecureBytes> Kdf(const Prf& prf, std::uint8_t constant, std::uint16_t l_bits,
                        ByteView context) {
  if (l_bits == 0 || l_bits % 8 != 0) {
    return Status::InvalidArgument("KDF output length must be a non-zero multiple of 8 bits");
  }
  std::size_t want = l_bits / 8;
  if (want > 255 * kAesBlock) {
    return Status::InvalidArgument("KDF output too long for a 1-byte block counter");
  }
  SecureBytes out;
  for (std::uint8_t i = 1; out.size() < want; ++i) {
    TESSERA_ASSIGN_OR_RETURN(SecureBytes block, prf(KdfInput(constant, l_bits, i, context)));
    if (block.size() != kAesBlock) return Status::Internal("KDF PRF did not return 16 bytes");
    out.Append(block.view());
  }
  out.Resize(want);
  return out;
}

}  // namespace tessera::scp03
