#include "openssl_oracle.hpp"

#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/rsa.h>

namespace tessera::sim::testing {
namespace {

ossl::PkeyPtr Checked(EVP_PKEY* key, const char* what) {
  if (key == nullptr) ADD_FAILURE() << what << ": " << ossl::DrainErrors();
  return ossl::PkeyPtr(key);
}

Bytes Digest(const EVP_MD* md, ByteView data) {
  Bytes out(EVP_MD_get_size(md));
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, md, nullptr) != 1) {
    ADD_FAILURE() << "EVP_Digest";
    return {};
  }
  return out;
}

}  // namespace

ossl::PkeyPtr OpensslRsaKey(unsigned bits) {
  return Checked(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(bits)), "RSA");
}

ossl::PkeyPtr OpensslEcKey(const char* curve) {
  return Checked(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve), "EC");
}

ossl::PkeyPtr OpensslRawKey(const char* type) {
  return Checked(EVP_PKEY_Q_keygen(nullptr, nullptr, type), type);
}

Bytes Sha256(ByteView data) { return Digest(EVP_sha256(), data); }
Bytes Sha384(ByteView data) { return Digest(EVP_sha384(), data); }

Bytes PrivateDer(EVP_PKEY* key) {
  unsigned char* buf = nullptr;
  int n = i2d_PrivateKey(key, &buf);
  if (n <= 0) {
    ADD_FAILURE() << "i2d_PrivateKey";
    return {};
  }
  Bytes out(buf, buf + n);
  OPENSSL_clear_free(buf, static_cast<size_t>(n));
  return out;
}

Bytes PublicDer(EVP_PKEY* key) {
  unsigned char* buf = nullptr;
  int n = i2d_PUBKEY(key, &buf);
  if (n <= 0) {
    ADD_FAILURE() << "i2d_PUBKEY";
    return {};
  }
  Bytes out(buf, buf + n);
  OPENSSL_free(buf);
  return out;
}

Bytes BnParam(EVP_PKEY* key, const char* name, std::size_t width) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) {
    ADD_FAILURE() << "EVP_PKEY_get_bn_param " << name;
    return {};
  }
  ossl::BnPtr owned(bn);
  Bytes out(std::max<std::size_t>(width, BN_num_bytes(bn)));
  BN_bn2binpad(bn, out.data(), static_cast<int>(out.size()));
  return out;
}

std::string GroupName(EVP_PKEY* key) {
  char name[80] = {};
  size_t len = 0;
  if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, name, sizeof name, &len) !=
      1) {
    return {};
  }
  return name;
}

Bytes EcPoint(EVP_PKEY* key) {
  Bytes out(200);
  size_t len = 0;
  if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, out.data(), out.size(), &len) !=
      1) {
    ADD_FAILURE() << "EC public point";
    return {};
  }
  out.resize(len);
  return out;
}

Bytes RawPublic(EVP_PKEY* key) {
  Bytes out(32);
  size_t len = out.size();
  if (EVP_PKEY_get_raw_public_key(key, out.data(), &len) != 1) {
    ADD_FAILURE() << "raw public key";
    return {};
  }
  out.resize(len);
  return out;
}

bool EcdsaVerifies(EVP_PKEY* key, ByteView tbs, ByteView der_sig) {
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  return ctx && EVP_PKEY_verify_init(ctx.get()) == 1 &&
         EVP_PKEY_verify(ctx.get(), der_sig.data(), der_sig.size(), tbs.data(), tbs.size()) == 1;
}

bool Ed25519Verifies(EVP_PKEY* key, ByteView message, ByteView sig) {
  ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
  return ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key) == 1 &&
         EVP_DigestVerify(ctx.get(), sig.data(), sig.size(), message.data(), message.size()) == 1;
}

// RFC 8017 §9.2: EM = 00 01 FF..FF 00 T, k bytes.
Bytes Pkcs1Sha256Block(std::size_t k, ByteView sha256) {
  const Bytes t = Concat({HexOrDie("3031300d060960864801650304020105000420"), sha256});
  const Bytes padding(k - t.size() - 3, 0xFF);
  return Concat({Bytes{0x00, 0x01}, padding, Bytes{0x00}, t});
}

Bytes RsaPublicRaw(EVP_PKEY* key, ByteView block) {
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  Bytes out(static_cast<std::size_t>(EVP_PKEY_get_size(key)));
  size_t len = out.size();
  if (!ctx || EVP_PKEY_encrypt_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_NO_PADDING) != 1 ||
      EVP_PKEY_encrypt(ctx.get(), out.data(), &len, block.data(), block.size()) != 1) {
    ADD_FAILURE() << "RSA public operation: " << ossl::DrainErrors();
    return {};
  }
  out.resize(len);
  return out;
}

Bytes Derive(EVP_PKEY* ours, EVP_PKEY* peer) {
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, ours, nullptr));
  size_t len = 0;
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 ||
      EVP_PKEY_derive_set_peer(ctx.get(), peer) != 1 ||
      EVP_PKEY_derive(ctx.get(), nullptr, &len) != 1) {
    ADD_FAILURE() << "derive: " << ossl::DrainErrors();
    return {};
  }
  Bytes out(len);
  if (EVP_PKEY_derive(ctx.get(), out.data(), &len) != 1) {
    ADD_FAILURE() << "derive: " << ossl::DrainErrors();
    return {};
  }
  out.resize(len);
  return out;
}

}  // namespace tessera::sim::testing
