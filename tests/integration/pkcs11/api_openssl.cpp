#include "tests/integration/pkcs11/api_openssl.hpp"

#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/rsa.h>

#include <cstring>

namespace tessera::testing {
namespace {

// Verifies `tbs` (a digest, or raw data with md == nullptr) with EVP_PKEY_verify.
bool PkeyVerify(EVP_PKEY* key, const SignSpec& spec, const EVP_MD* md, ByteView tbs,
                ByteView signature) {
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1) return false;
  if (spec.scheme == Scheme::kRsaPkcs1 &&
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1) {
    return false;
  }
  if (spec.scheme == Scheme::kRsaPss &&
      (EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PSS_PADDING) != 1 ||
       EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), spec.pss_hash) != 1 ||
       EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx.get(), spec.salt_len) != 1)) {
    return false;
  }
  if (md != nullptr && EVP_PKEY_CTX_set_signature_md(ctx.get(), md) != 1) return false;
  return EVP_PKEY_verify(ctx.get(), signature.data(), signature.size(), tbs.data(), tbs.size()) ==
         1;
}

bool RawRsaVerify(EVP_PKEY* key, ByteView data, ByteView signature) {
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  if (!ctx || EVP_PKEY_verify_recover_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_NO_PADDING) != 1) {
    return false;
  }
  Bytes out(EVP_PKEY_get_size(key));
  std::size_t len = out.size();
  if (EVP_PKEY_verify_recover(ctx.get(), out.data(), &len, signature.data(), signature.size()) !=
      1) {
    return false;
  }
  out.resize(len);
  Bytes expected(out.size() > data.size() ? out.size() - data.size() : 0, 0);
  Append(expected, data);
  return out == expected;
}

Bytes EcdsaRawToDer(ByteView raw) {
  const std::size_t half = raw.size() / 2;
  ECDSA_SIG* sig = ECDSA_SIG_new();
  BIGNUM* r = BN_bin2bn(raw.data(), static_cast<int>(half), nullptr);
  BIGNUM* s = BN_bin2bn(raw.data() + half, static_cast<int>(half), nullptr);
  ECDSA_SIG_set0(sig, r, s);
  unsigned char* der = nullptr;
  const int len = i2d_ECDSA_SIG(sig, &der);
  Bytes out(der, der + std::max(len, 0));
  OPENSSL_free(der);
  ECDSA_SIG_free(sig);
  return out;
}

bool EdVerify(EVP_PKEY* key, ByteView data, ByteView signature) {
  ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key) != 1) return false;
  return EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), data.data(),
                          data.size()) == 1;
}

}  // namespace

const EVP_MD* MdOf(CK_MECHANISM_TYPE digest_mechanism) {
  switch (digest_mechanism) {
    case CKM_SHA_1: return EVP_sha1();
    case CKM_SHA224: return EVP_sha224();
    case CKM_SHA256: return EVP_sha256();
    case CKM_SHA384: return EVP_sha384();
    case CKM_SHA512: return EVP_sha512();
    default: return nullptr;
  }
}

Bytes Digest(const EVP_MD* md, ByteView data) {
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned int len = 0;
  EXPECT_EQ(EVP_Digest(data.data(), data.size(), out.data(), &len, md, nullptr), 1);
  out.resize(len);
  return out;
}

Bytes DigestInfo(const EVP_MD* md, ByteView digest) {
  const char* prefix = "";
  switch (EVP_MD_get_type(md)) {
    case NID_sha1: prefix = "3021300906052b0e03021a05000414"; break;
    case NID_sha224: prefix = "302d300d06096086480165030402040500041c"; break;
    case NID_sha256: prefix = "3031300d060960864801650304020105000420"; break;
    case NID_sha384: prefix = "3041300d060960864801650304020205000430"; break;
    case NID_sha512: prefix = "3051300d060960864801650304020305000440"; break;
    default: ADD_FAILURE() << "no DigestInfo prefix for this hash";
  }
  Bytes out = HexOrDie(prefix);
  Append(out, digest);
  return out;
}

bool VerifiedByOpenSsl(EVP_PKEY* key, const SignSpec& spec, ByteView data, ByteView signature) {
  Bytes tbs(data.begin(), data.end());
  if (spec.hash != nullptr) tbs = Digest(spec.hash, data);
  switch (spec.scheme) {
    case Scheme::kRsaPkcs1: return PkeyVerify(key, spec, spec.hash, tbs, signature);
    case Scheme::kRsaRaw: return RawRsaVerify(key, data, signature);
    case Scheme::kRsaPss: return PkeyVerify(key, spec, spec.pss_hash, tbs, signature);
    case Scheme::kEcdsa: return PkeyVerify(key, spec, nullptr, tbs, EcdsaRawToDer(signature));
    case Scheme::kEddsa: return EdVerify(key, data, signature);
  }
  return false;
}

Bytes RsaEncrypt(EVP_PKEY* key, int padding, const EVP_MD* oaep, ByteView label, ByteView plain) {
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  EXPECT_EQ(EVP_PKEY_encrypt_init(ctx.get()), 1);
  EXPECT_EQ(EVP_PKEY_CTX_set_rsa_padding(ctx.get(), padding), 1);
  if (padding == RSA_PKCS1_OAEP_PADDING) {
    EXPECT_EQ(EVP_PKEY_CTX_set_rsa_oaep_md(ctx.get(), oaep), 1);
    EXPECT_EQ(EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), oaep), 1);
    if (!label.empty()) {
      auto* copy = static_cast<unsigned char*>(OPENSSL_memdup(label.data(), label.size()));
      EXPECT_EQ(EVP_PKEY_CTX_set0_rsa_oaep_label(ctx.get(), copy, static_cast<int>(label.size())),
                1);
    }
  }
  Bytes out(EVP_PKEY_get_size(key));
  std::size_t len = out.size();
  EXPECT_EQ(EVP_PKEY_encrypt(ctx.get(), out.data(), &len, plain.data(), plain.size()), 1);
  out.resize(len);
  return out;
}

Bytes SharedSecret(EVP_PKEY* mine, EVP_PKEY* peer) {
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, mine, nullptr));
  EXPECT_EQ(EVP_PKEY_derive_init(ctx.get()), 1);
  EXPECT_EQ(EVP_PKEY_derive_set_peer(ctx.get(), peer), 1);
  std::size_t len = 0;
  EXPECT_EQ(EVP_PKEY_derive(ctx.get(), nullptr, &len), 1);
  Bytes out(len);
  EXPECT_EQ(EVP_PKEY_derive(ctx.get(), out.data(), &len), 1);
  out.resize(len);
  return out;
}

ossl::PkeyPtr NewKey(const std::string& kind) {
  EVP_PKEY* key = nullptr;
  if (kind == "P-256" || kind == "P-384") {
    key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", kind.c_str());
  } else if (kind == "RSA") {
    key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(2048));
  } else {
    key = EVP_PKEY_Q_keygen(nullptr, nullptr, kind.c_str());
  }
  EXPECT_NE(key, nullptr) << kind;
  return ossl::PkeyPtr(key);
}

Bytes EcPrivateScalar(EVP_PKEY* key) {
  BIGNUM* d = nullptr;
  EXPECT_EQ(EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_PRIV_KEY, &d), 1);
  const std::size_t width = (EVP_PKEY_get_bits(key) + 7) / 8;
  Bytes out = ossl::BnToBytes(d, width);
  BN_clear_free(d);
  return out;
}

Bytes EcPublicPoint(EVP_PKEY* key) {
  Bytes out(256);
  std::size_t len = 0;
  EXPECT_EQ(
      EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, out.data(), out.size(), &len),
      1);
  out.resize(len);
  return out;
}

Bytes RsaPart(EVP_PKEY* key, const char* ossl_param) {
  BIGNUM* bn = nullptr;
  EXPECT_EQ(EVP_PKEY_get_bn_param(key, ossl_param, &bn), 1) << ossl_param;
  Bytes out = ossl::BnToBytes(bn);
  BN_clear_free(bn);
  return out;
}

Bytes SelfSignedCertificate(EVP_PKEY* key, const std::string& common_name, long serial) {
  ossl::X509Ptr cert(X509_new());
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600L * 24 * 365);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("Tessera tests"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509_set_pubkey(cert.get(), key);
  const bool ed = EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519;
  EXPECT_GT(X509_sign(cert.get(), key, ed ? nullptr : EVP_sha256()), 0);
  auto der = ossl::CertToDer(cert.get());
  EXPECT_TRUE(der.ok());
  return der.ok() ? *der : Bytes{};
}

}  // namespace tessera::testing
