#include "tests/unit/firmware-sim/piv/oracle.hpp"

#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/rsa.h>

#include <cstdlib>
#include <optional>

#include "common/tlv.hpp"

namespace tessera::sim::pivtest {
namespace {

using piv::Algorithm;

const EVP_CIPHER* EcbCipher(Algorithm alg) {
  switch (alg) {
    case Algorithm::kTdes: return EVP_des_ede3_ecb();
    case Algorithm::kAes128: return EVP_aes_128_ecb();
    case Algorithm::kAes192: return EVP_aes_192_ecb();
    case Algorithm::kAes256: return EVP_aes_256_ecb();
    default: return nullptr;
  }
}

Bytes Ecb(Algorithm alg, ByteView key, ByteView block, int encrypt) {
  ossl::CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  Bytes out(block.size() + 32);
  int n = 0;
  int fin = 0;
  if (EVP_CipherInit_ex(ctx.get(), EcbCipher(alg), nullptr, key.data(), nullptr, encrypt) != 1 ||
      EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1 ||
      EVP_CipherUpdate(ctx.get(), out.data(), &n, block.data(), static_cast<int>(block.size())) !=
          1 ||
      EVP_CipherFinal_ex(ctx.get(), out.data() + n, &fin) != 1) {
    ADD_FAILURE_AT(__FILE__, __LINE__);
    return {};
  }
  out.resize(static_cast<std::size_t>(n) + static_cast<std::size_t>(fin));
  return out;
}

ossl::PkeyPtr FromData(const char* type, OSSL_PARAM_BLD* bld) {
  ossl::ParamPtr params(OSSL_PARAM_BLD_to_param(bld));
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* key = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return nullptr;
  }
  return ossl::PkeyPtr(key);
}

std::optional<ByteView> Field(ByteView contents, std::uint32_t tag) {
  auto tlvs = ParseTlvs(contents);
  if (!tlvs.ok()) return std::nullopt;
  return FindTag(*tlvs, tag);
}

ossl::PkeyCtxPtr Ctx(EVP_PKEY* key) { return ossl::PkeyCtxPtr(EVP_PKEY_CTX_new(key, nullptr)); }

std::string NameCn(const X509_NAME* name) {
  char buf[256] = {};
  int n = X509_NAME_get_text_by_NID(const_cast<X509_NAME*>(name), NID_commonName, buf, sizeof buf);
  return n < 0 ? std::string() : std::string(buf, static_cast<std::size_t>(n));
}

Bytes Digest(const EVP_MD* md, ByteView data) {
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, md, nullptr) != 1) std::abort();
  out.resize(len);
  return out;
}

}  // namespace

Bytes EcbEncrypt(Algorithm alg, ByteView key, ByteView block) { return Ecb(alg, key, block, 1); }
Bytes EcbDecrypt(Algorithm alg, ByteView key, ByteView block) { return Ecb(alg, key, block, 0); }

ossl::PkeyPtr PublicKeyFrom7F49(Algorithm alg, ByteView contents) {
  ossl::ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (piv::IsRsa(alg)) {
    auto n = Field(contents, 0x81);
    auto e = Field(contents, 0x82);
    if (!n || !e) return nullptr;
    ossl::BnPtr bn_n = ossl::BnFromBytes(*n);
    ossl::BnPtr bn_e = ossl::BnFromBytes(*e);
    OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get());
    OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get());
    return FromData("RSA", bld.get());
  }
  auto point = Field(contents, 0x86);
  if (!point) return nullptr;
  if (alg == Algorithm::kEd25519 || alg == Algorithm::kX25519) {
    int type = alg == Algorithm::kEd25519 ? EVP_PKEY_ED25519 : EVP_PKEY_X25519;
    return ossl::PkeyPtr(EVP_PKEY_new_raw_public_key(type, nullptr, point->data(), point->size()));
  }
  const char* group = alg == Algorithm::kEccP256 ? "P-256" : "P-384";
  OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0);
  OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point->data(),
                                   point->size());
  return FromData("EC", bld.get());
}

bool RsaRawMatches(EVP_PKEY* pub, ByteView block, ByteView raw) {
  auto ctx = Ctx(pub);
  Bytes out(raw.size() + 16);
  std::size_t len = out.size();
  if (EVP_PKEY_encrypt_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_NO_PADDING) != 1 ||
      EVP_PKEY_encrypt(ctx.get(), out.data(), &len, raw.data(), raw.size()) != 1) {
    return false;
  }
  out.resize(len);
  return out == Bytes(block.begin(), block.end());
}

Bytes Pkcs1SignatureBlock(ByteView message, std::size_t size) {
  // RFC 8017 §9.2: 00 01 FF.. 00 DigestInfo(SHA-256).
  Bytes t = HexOrDie("3031300d060960864801650304020105000420");
  Append(t, Sha256(message));
  const Bytes padding(size - t.size() - 3, 0xFF);
  return Concat({Bytes{0x00, 0x01}, padding, Bytes{0x00}, t});
}

Bytes RsaEncryptPkcs1(EVP_PKEY* pub, ByteView message) {
  auto ctx = Ctx(pub);
  Bytes out(1024);
  std::size_t len = out.size();
  if (EVP_PKEY_encrypt_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1 ||
      EVP_PKEY_encrypt(ctx.get(), out.data(), &len, message.data(), message.size()) != 1) {
    return {};
  }
  out.resize(len);
  return out;
}

bool EcdsaVerifyDigest(EVP_PKEY* pub, ByteView digest, ByteView der_signature) {
  auto ctx = Ctx(pub);
  return EVP_PKEY_verify_init(ctx.get()) == 1 &&
         EVP_PKEY_verify(ctx.get(), der_signature.data(), der_signature.size(), digest.data(),
                         digest.size()) == 1;
}

bool Ed25519Verify(EVP_PKEY* pub, ByteView message, ByteView signature) {
  ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
  return EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pub) == 1 &&
         EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message.data(),
                          message.size()) == 1;
}

Bytes Sha256(ByteView data) { return Digest(EVP_sha256(), data); }
Bytes Sha384(ByteView data) { return Digest(EVP_sha384(), data); }

HostKey NewHostKey(Algorithm alg) {
  HostKey h;
  if (alg == Algorithm::kX25519) {
    h.key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519"));
    Bytes raw(32);
    std::size_t len = raw.size();
    EVP_PKEY_get_raw_public_key(h.key.get(), raw.data(), &len);
    h.public_encoding = raw;
    return h;
  }
  const char* group = alg == Algorithm::kEccP256 ? "P-256" : "P-384";
  h.key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", group));
  Bytes point(200);
  std::size_t len = 0;
  EVP_PKEY_get_octet_string_param(h.key.get(), OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point.data(),
                                  point.size(), &len);
  point.resize(len);
  h.public_encoding = point;
  return h;
}

Bytes Derive(EVP_PKEY* own, EVP_PKEY* peer) {
  auto ctx = Ctx(own);
  std::size_t len = 0;
  if (EVP_PKEY_derive_init(ctx.get()) != 1 || EVP_PKEY_derive_set_peer(ctx.get(), peer) != 1 ||
      EVP_PKEY_derive(ctx.get(), nullptr, &len) != 1) {
    return {};
  }
  Bytes out(len);
  if (EVP_PKEY_derive(ctx.get(), out.data(), &len) != 1) return {};
  out.resize(len);
  return out;
}

std::string SubjectCn(X509* cert) { return NameCn(X509_get_subject_name(cert)); }
std::string IssuerCn(X509* cert) { return NameCn(X509_get_issuer_name(cert)); }

Bytes ExtensionValue(X509* cert, const std::string& oid) {
  for (int i = 0; i < X509_get_ext_count(cert); ++i) {
    X509_EXTENSION* ext = X509_get_ext(cert, i);
    char buf[128] = {};
    OBJ_obj2txt(buf, sizeof buf, X509_EXTENSION_get_object(ext), 1);
    if (oid == buf) {
      const ASN1_OCTET_STRING* data = X509_EXTENSION_get_data(ext);
      return Bytes(data->data, data->data + data->length);
    }
  }
  return {};
}

bool SignedBy(X509* cert, EVP_PKEY* issuer_key) { return X509_verify(cert, issuer_key) == 1; }
bool SamePublicKey(EVP_PKEY* a, EVP_PKEY* b) { return EVP_PKEY_eq(a, b) == 1; }

}  // namespace tessera::sim::pivtest

namespace tessera::sim::pivtest {
namespace {

Bytes BnParam(EVP_PKEY* key, const char* name, std::size_t width) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) return {};
  ossl::BnPtr owned(bn);
  return ossl::BnToBytes(owned.get(), width);
}

Bytes RawPrivate(EVP_PKEY* key) {
  Bytes raw(32);
  std::size_t len = raw.size();
  EVP_PKEY_get_raw_private_key(key, raw.data(), &len);
  return raw;
}

}  // namespace

ImportedKey NewImportableKey(Algorithm alg) {
  ImportedKey k;
  if (piv::IsRsa(alg)) {
    const std::size_t half = piv::RsaBits(alg) / 16;
    k.key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", piv::RsaBits(alg)));
    const char* names[] = {OSSL_PKEY_PARAM_RSA_FACTOR1, OSSL_PKEY_PARAM_RSA_FACTOR2,
                           OSSL_PKEY_PARAM_RSA_EXPONENT1, OSSL_PKEY_PARAM_RSA_EXPONENT2,
                           OSSL_PKEY_PARAM_RSA_COEFFICIENT1};
    std::uint32_t tag = 0x01;
    for (const char* name : names) AppendTlv(k.data, tag++, BnParam(k.key.get(), name, half));
  } else if (piv::IsEcdsaCurve(alg)) {
    const bool p256 = alg == Algorithm::kEccP256;
    k.key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", p256 ? "P-256" : "P-384"));
    AppendTlv(k.data, 0x06, BnParam(k.key.get(), OSSL_PKEY_PARAM_PRIV_KEY, p256 ? 32 : 48));
  } else if (alg == Algorithm::kEd25519) {
    k.key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
    AppendTlv(k.data, 0x07, RawPrivate(k.key.get()));
  } else {
    k.key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519"));
    AppendTlv(k.data, 0x08, RawPrivate(k.key.get()));
  }
  return k;
}

bool ChainVerifies(X509* leaf, X509* intermediate, X509* root, std::time_t at) {
  std::unique_ptr<X509_STORE, ossl::Deleter<X509_STORE_free>> store(X509_STORE_new());
  std::unique_ptr<X509_STORE_CTX, ossl::Deleter<X509_STORE_CTX_free>> ctx(X509_STORE_CTX_new());
  struct StackFree {
    void operator()(STACK_OF(X509) * s) const noexcept { sk_X509_free(s); }
  };
  std::unique_ptr<STACK_OF(X509), StackFree> chain(sk_X509_new_null());
  if (X509_STORE_add_cert(store.get(), root) != 1 || sk_X509_push(chain.get(), intermediate) <= 0 ||
      X509_STORE_CTX_init(ctx.get(), store.get(), leaf, chain.get()) != 1) {
    return false;
  }
  X509_STORE_CTX_set_time(ctx.get(), 0, at);
  bool ok = X509_verify_cert(ctx.get()) == 1;
  if (!ok) {
    ADD_FAILURE() << X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get()));
  }
  return ok;
}

}  // namespace tessera::sim::pivtest
