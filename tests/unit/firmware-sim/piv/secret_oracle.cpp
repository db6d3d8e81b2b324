#include "tests/unit/firmware-sim/piv/secret_oracle.hpp"

#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

namespace tessera::sim::pivtest {
namespace {

// Local handles, so the oracle depends on nothing the code under test adds.
template <auto Fn>
struct Free {
  template <typename T>
  void operator()(T* p) const noexcept {
    Fn(p);
  }
};
using MacPtr = std::unique_ptr<EVP_MAC, Free<EVP_MAC_free>>;
using MacCtxPtr = std::unique_ptr<EVP_MAC_CTX, Free<EVP_MAC_CTX_free>>;
using KdfPtr = std::unique_ptr<EVP_KDF, Free<EVP_KDF_free>>;
using KdfCtxPtr = std::unique_ptr<EVP_KDF_CTX, Free<EVP_KDF_CTX_free>>;
using CipherPtr = std::unique_ptr<EVP_CIPHER, Free<EVP_CIPHER_free>>;

// "AES-256-GCM" and the like, for a key of `key_bytes`.
std::string CipherName(std::size_t key_bytes, const char* mode) {
  return "AES-" + std::to_string(key_bytes * 8) + "-" + mode;
}

OSSL_PARAM Octets(const char* name, ByteView v) {
  static const unsigned char kEmpty = 0;
  return OSSL_PARAM_construct_octet_string(
      name, const_cast<unsigned char*>(v.empty() ? &kEmpty : v.data()), v.size());
}

OSSL_PARAM Text(const char* name, const char* value) {
  return OSSL_PARAM_construct_utf8_string(name, const_cast<char*>(value), 0);
}

Bytes Mac(const char* algorithm, OSSL_PARAM param, ByteView key, ByteView message) {
  MacPtr mac(EVP_MAC_fetch(nullptr, algorithm, nullptr));
  MacCtxPtr ctx(mac ? EVP_MAC_CTX_new(mac.get()) : nullptr);
  OSSL_PARAM params[] = {param, OSSL_PARAM_construct_end()};
  static const unsigned char kEmpty = 0;
  Bytes out(64);
  std::size_t len = 0;
  if (!ctx ||
      EVP_MAC_init(ctx.get(), key.empty() ? &kEmpty : key.data(), key.size(), params) != 1 ||
      EVP_MAC_update(ctx.get(), message.data(), message.size()) != 1 ||
      EVP_MAC_final(ctx.get(), out.data(), &len, out.size()) != 1) {
    ADD_FAILURE() << "OpenSSL " << algorithm << " failed";
    return {};
  }
  out.resize(len);
  return out;
}

Bytes Kdf(const char* algorithm, OSSL_PARAM* params, std::size_t length) {
  KdfPtr kdf(EVP_KDF_fetch(nullptr, algorithm, nullptr));
  KdfCtxPtr ctx(kdf ? EVP_KDF_CTX_new(kdf.get()) : nullptr);
  Bytes out(length);
  if (!ctx || EVP_KDF_derive(ctx.get(), out.data(), out.size(), params) != 1) {
    ADD_FAILURE() << "OpenSSL " << algorithm << " failed";
    return {};
  }
  return out;
}

Bytes KwpWrap(ByteView kek, ByteView key) {
  ossl::CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  CipherPtr cipher(EVP_CIPHER_fetch(nullptr, CipherName(kek.size(), "WRAP-PAD").c_str(), nullptr));
  Bytes out(key.size() + 16);
  int n = 0;
  int fin = 0;
  const bool ok =
      cipher != nullptr &&
      EVP_EncryptInit_ex2(ctx.get(), cipher.get(), kek.data(), nullptr, nullptr) == 1 &&
      EVP_EncryptUpdate(ctx.get(), out.data(), &n, key.data(), static_cast<int>(key.size())) == 1 &&
      EVP_EncryptFinal_ex(ctx.get(), out.data() + n, &fin) == 1;
  if (!ok) {
    ADD_FAILURE() << "OpenSSL KWP failed";
    return {};
  }
  out.resize(static_cast<std::size_t>(n) + static_cast<std::size_t>(fin));
  return out;
}

Bytes EncodedPoint(EVP_PKEY* key) {
  Bytes point(133);
  std::size_t len = 0;
  EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point.data(),
                                  point.size(), &len);
  point.resize(len);
  return point;
}

Bytes Agree(EVP_PKEY* own, EVP_PKEY* peer) {
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new(own, nullptr));
  Bytes z(66);
  std::size_t len = z.size();
  if (EVP_PKEY_derive_init(ctx.get()) != 1 || EVP_PKEY_derive_set_peer(ctx.get(), peer) != 1 ||
      EVP_PKEY_derive(ctx.get(), z.data(), &len) != 1) {
    ADD_FAILURE() << "OpenSSL ECDH failed";
    return {};
  }
  z.resize(len);
  return z;
}

}  // namespace

Bytes OsslCmac(ByteView key, ByteView message) {
  const std::string cipher = CipherName(key.size(), "CBC");
  return Mac("CMAC", Text(OSSL_MAC_PARAM_CIPHER, cipher.c_str()), key, message);
}

Bytes OsslHmac(const char* digest, ByteView key, ByteView message) {
  return Mac("HMAC", Text(OSSL_MAC_PARAM_DIGEST, digest), key, message);
}

Bytes OsslGcmSeal(ByteView key, ByteView iv, ByteView aad, ByteView plaintext,
                  std::size_t tag_len) {
  ossl::CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  CipherPtr cipher(EVP_CIPHER_fetch(nullptr, CipherName(key.size(), "GCM").c_str(), nullptr));
  std::size_t iv_len = iv.size();
  OSSL_PARAM params[] = {OSSL_PARAM_construct_size_t(OSSL_CIPHER_PARAM_AEAD_IVLEN, &iv_len),
                         OSSL_PARAM_construct_end()};
  Bytes out(plaintext.size() + tag_len);
  int n = 0;
  int fin = 0;
  bool ok = cipher != nullptr &&
            EVP_EncryptInit_ex2(ctx.get(), cipher.get(), nullptr, nullptr, params) == 1 &&
            EVP_EncryptInit_ex2(ctx.get(), nullptr, key.data(), iv.data(), nullptr) == 1 &&
            (aad.empty() || EVP_EncryptUpdate(ctx.get(), nullptr, &n, aad.data(),
                                              static_cast<int>(aad.size())) == 1) &&
            EVP_EncryptUpdate(ctx.get(), out.data(), &n, plaintext.data(),
                              static_cast<int>(plaintext.size())) == 1 &&
            EVP_EncryptFinal_ex(ctx.get(), out.data() + n, &fin) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_GET_TAG, static_cast<int>(tag_len),
                                out.data() + plaintext.size()) == 1;
  if (!ok) ADD_FAILURE() << "OpenSSL GCM failed";
  return ok ? out : Bytes{};
}

Bytes OsslHkdf(ByteView ikm, ByteView salt, ByteView info, std::size_t length) {
  OSSL_PARAM params[] = {Text(OSSL_KDF_PARAM_DIGEST, "SHA256"), Octets(OSSL_KDF_PARAM_KEY, ikm),
                         Octets(OSSL_KDF_PARAM_SALT, salt), Octets(OSSL_KDF_PARAM_INFO, info),
                         OSSL_PARAM_construct_end()};
  return Kdf("HKDF", params, length);
}

Bytes OsslHkdfExpand(ByteView prk, ByteView info, std::size_t length) {
  int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY;
  OSSL_PARAM params[] = {Text(OSSL_KDF_PARAM_DIGEST, "SHA256"),
                         OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode),
                         Octets(OSSL_KDF_PARAM_KEY, prk), Octets(OSSL_KDF_PARAM_INFO, info),
                         OSSL_PARAM_construct_end()};
  return Kdf("HKDF", params, length);
}

Bytes OsslX963(const char* digest, ByteView z, ByteView shared_info, std::size_t length) {
  OSSL_PARAM params[] = {Text(OSSL_KDF_PARAM_DIGEST, digest), Octets(OSSL_KDF_PARAM_KEY, z),
                         Octets(OSSL_KDF_PARAM_INFO, shared_info), OSSL_PARAM_construct_end()};
  return Kdf("X963KDF", params, length);
}

Bytes OsslEcdhAesWrap(EVP_PKEY* recipient, const char* digest, std::size_t kek_bytes,
                      ByteView shared_data, ByteView key_material) {
  ossl::PkeyPtr ephemeral(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  Bytes z = Agree(ephemeral.get(), recipient);
  Bytes kek = OsslX963(digest, z, shared_data, kek_bytes);
  return Concat({EncodedPoint(ephemeral.get()), KwpWrap(kek, key_material)});
}

Pkcs8Key NewPkcs8Key(const std::string& type, unsigned bits) {
  Pkcs8Key k;
  if (type == "RSA") {
    k.key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(bits)));
  } else if (type == "P-256" || type == "P-384") {
    k.key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", type.c_str()));
  } else {
    k.key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, type.c_str()));
  }
  ossl::Pkcs8InfoPtr info(k.key ? EVP_PKEY2PKCS8(k.key.get()) : nullptr);
  unsigned char* der = nullptr;
  const int len = info ? i2d_PKCS8_PRIV_KEY_INFO(info.get(), &der) : -1;
  if (len <= 0) {
    ADD_FAILURE() << "OpenSSL could not make a " << type << " PKCS#8 key";
    return k;
  }
  k.der.assign(der, der + len);
  OPENSSL_clear_free(der, static_cast<std::size_t>(len));
  return k;
}

}  // namespace tessera::sim::pivtest
