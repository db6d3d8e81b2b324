// Test oracle for the SCP03 tests: AES-CMAC, AES-ECB, AES-CBC and SHA-256 written
// straight against OpenSSL's EVP API, apart from common/scp03/, so a test can
// compute an expected value without going through the code under test. No
// Status plumbing: on an OpenSSL failure it returns an empty buffer, which no
// expected value equals. Header-only; thread-safe.
#pragma once

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <string>

#include "common/bytes.hpp"

namespace tessera::scp03::oracle {

inline Bytes Cmac(ByteView key, ByteView data) {
  std::string cipher = key.size() == 16   ? "AES-128-CBC"
                       : key.size() == 24 ? "AES-192-CBC"
                                          : "AES-256-CBC";
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "CMAC", nullptr);
  EVP_MAC_CTX* ctx = mac != nullptr ? EVP_MAC_CTX_new(mac) : nullptr;
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("cipher", cipher.data(), 0),
                         OSSL_PARAM_construct_end()};
  Bytes tag(16);
  std::size_t len = 0;
  bool ok = ctx != nullptr && EVP_MAC_init(ctx, key.data(), key.size(), params) == 1 &&
            EVP_MAC_update(ctx, data.data(), data.size()) == 1 &&
            EVP_MAC_final(ctx, tag.data(), &len, tag.size()) == 1 && len == 16;
  EVP_MAC_CTX_free(ctx);
  EVP_MAC_free(mac);
  return ok ? tag : Bytes{};
}

// AES in ECB (iv empty) or CBC, no padding, encrypting.
inline Bytes AesEncrypt(ByteView key, ByteView iv, ByteView data) {
  const EVP_CIPHER* cipher = nullptr;
  if (iv.empty()) {
    cipher = key.size() == 16 ? EVP_aes_128_ecb() : EVP_aes_256_ecb();
  } else {
    cipher = key.size() == 16 ? EVP_aes_128_cbc() : EVP_aes_256_cbc();
  }
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  Bytes out(data.size() + 16);
  int len = 0;
  int fin = 0;
  bool ok =
      ctx != nullptr &&
      EVP_EncryptInit_ex(ctx, cipher, nullptr, key.data(), iv.empty() ? nullptr : iv.data()) == 1 &&
      EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 &&
      EVP_EncryptUpdate(ctx, out.data(), &len, data.data(), static_cast<int>(data.size())) == 1 &&
      EVP_EncryptFinal_ex(ctx, out.data() + len, &fin) == 1;
  EVP_CIPHER_CTX_free(ctx);
  if (!ok) return {};
  out.resize(static_cast<std::size_t>(len) + static_cast<std::size_t>(fin));
  return out;
}

inline Bytes Ecb(ByteView key, ByteView data) { return AesEncrypt(key, {}, data); }

inline Bytes Sha256(ByteView data) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  Bytes digest(32);
  unsigned int len = 0;
  bool ok = ctx != nullptr && EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) == 1 &&
            EVP_DigestUpdate(ctx, data.data(), data.size()) == 1 &&
            EVP_DigestFinal_ex(ctx, digest.data(), &len) == 1 && len == 32;
  EVP_MD_CTX_free(ctx);
  return ok ? digest : Bytes{};
}

// data || 80 || 00.. to a multiple of 16, always at least one byte.
inline Bytes Pad(ByteView data) {
  Bytes out(data.begin(), data.end());
  out.push_back(0x80);
  while (out.size() % 16 != 0) out.push_back(0x00);
  return out;
}

}  // namespace tessera::scp03::oracle
