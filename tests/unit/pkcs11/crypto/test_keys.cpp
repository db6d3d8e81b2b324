#include "tests/unit/pkcs11/crypto/test_keys.hpp"

#include <gtest/gtest.h>
#include <openssl/rsa.h>

namespace tessera::p11::crypto::testing {
namespace {

EVP_PKEY* Keep(EVP_PKEY* key) {
  if (key == nullptr) ADD_FAILURE() << "key generation: " << ossl::DrainErrors();
  return key;  // kept for the life of the test process
}

}  // namespace

EVP_PKEY* Rsa2048() {
  static EVP_PKEY* key = Keep(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{2048}));
  return key;
}
EVP_PKEY* Rsa1025() {
  static EVP_PKEY* key = Keep(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{1025}));
  return key;
}
EVP_PKEY* P256() {
  static EVP_PKEY* key = Keep(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  return key;
}
EVP_PKEY* P384() {
  static EVP_PKEY* key = Keep(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"));
  return key;
}
EVP_PKEY* Ed25519() {
  static EVP_PKEY* key = Keep(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  return key;
}
EVP_PKEY* X25519() {
  static EVP_PKEY* key = Keep(EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519"));
  return key;
}

Bytes RawRsaPrivate(EVP_PKEY* key, ByteView block) {
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new(key, nullptr));
  auto len = static_cast<std::size_t>(EVP_PKEY_get_size(key));
  Bytes out(len);
  if (!ctx || EVP_PKEY_decrypt_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_NO_PADDING) != 1 ||
      EVP_PKEY_decrypt(ctx.get(), out.data(), &len, block.data(), block.size()) != 1) {
    ADD_FAILURE() << "raw RSA: " << ossl::DrainErrors();
    return {};
  }
  out.resize(len);
  return out;
}

Bytes SignDigest(EVP_PKEY* key, ByteView digest) {
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new(key, nullptr));
  std::size_t len = 0;
  if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1 ||
      EVP_PKEY_sign(ctx.get(), nullptr, &len, digest.data(), digest.size()) != 1) {
    ADD_FAILURE() << "sign init: " << ossl::DrainErrors();
    return {};
  }
  Bytes out(len);
  if (EVP_PKEY_sign(ctx.get(), out.data(), &len, digest.data(), digest.size()) != 1) {
    ADD_FAILURE() << "sign: " << ossl::DrainErrors();
    return {};
  }
  out.resize(len);
  return out;
}

Bytes BnParam(EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) {
    ADD_FAILURE() << "no parameter " << name;
    return {};
  }
  ossl::BnPtr owned(bn);
  return ossl::BnToBytes(owned.get());
}

Bytes FlipBit(ByteView data, std::size_t index) {
  Bytes out(data.begin(), data.end());
  out.at(index) ^= 0x01;
  return out;
}

}  // namespace tessera::p11::crypto::testing
