#include "tests/integration/hsm/test_rsa.hpp"

#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/rsa.h>

#include <utility>

#include "common/ossl.hpp"
#include "hsm/attribute_template.hpp"
#include "hsm/key_ops.hpp"

namespace tessera::hsm::testing {
namespace {

Bytes BnParam(EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  EXPECT_EQ(EVP_PKEY_get_bn_param(key, name, &bn), 1);
  ossl::BnPtr owned(bn);
  return ossl::BnToBytes(bn);
}

void SetPadding(EVP_PKEY_CTX* ctx, RsaPadding padding) {
  if (padding == RsaPadding::kNone) {
    EXPECT_EQ(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_NO_PADDING), 1);
    return;
  }
  const EVP_MD* md = padding == RsaPadding::kOaepSha256 ? EVP_sha256() : EVP_sha1();
  EXPECT_EQ(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING), 1);
  EXPECT_EQ(EVP_PKEY_CTX_set_rsa_oaep_md(ctx, md), 1);
  EXPECT_EQ(EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, md), 1);
}

}  // namespace

EVP_PKEY* SharedRsa3072() {
  static const ossl::PkeyPtr kShared = [] {
    ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
    EVP_PKEY* made = nullptr;
    EXPECT_EQ(EVP_PKEY_keygen_init(ctx.get()), 1);
    EXPECT_EQ(EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), 3072), 1);
    EXPECT_EQ(EVP_PKEY_generate(ctx.get(), &made), 1);
    return ossl::PkeyPtr(made);
  }();
  return kShared.get();
}

void PlantRsaPair(HsmToken& token, const std::string& label, EVP_PKEY* key) {
  AttributeTemplate pub;
  pub.Add(Attr::kClass, ObjectClass::kPublicKey)
      .Add(Attr::kKeyType, KeyType::kRsa)
      .Add(Attr::kToken, true)
      .Add(Attr::kEncrypt, true)
      .Add(Attr::kLabel, std::string_view(label))
      .Add(Attr::kModulus, ByteView(BnParam(key, OSSL_PKEY_PARAM_RSA_N)))
      .Add(Attr::kPublicExponent, ByteView(BnParam(key, OSSL_PKEY_PARAM_RSA_E)));
  auto made_public = CreateObject(token.session(), std::move(pub), "test public");
  ASSERT_TRUE(made_public.ok()) << made_public.status().ToString();
  (void)std::move(*made_public).Keep();
  AttributeTemplate priv;
  priv.Add(Attr::kClass, ObjectClass::kPrivateKey)
      .Add(Attr::kKeyType, KeyType::kRsa)
      .Add(Attr::kToken, true)
      .Add(Attr::kPrivate, true)
      .Add(Attr::kSensitive, true)
      .Add(Attr::kDecrypt, true)
      .Add(Attr::kLabel, std::string_view(label))
      .Add(Attr::kModulus, ByteView(BnParam(key, OSSL_PKEY_PARAM_RSA_N)))
      .Add(Attr::kPublicExponent, ByteView(BnParam(key, OSSL_PKEY_PARAM_RSA_E)));
  const std::pair<CK_ATTRIBUTE_TYPE, const char*> parts[] = {
      {CKA_PRIVATE_EXPONENT, OSSL_PKEY_PARAM_RSA_D},
      {CKA_PRIME_1, OSSL_PKEY_PARAM_RSA_FACTOR1},
      {CKA_PRIME_2, OSSL_PKEY_PARAM_RSA_FACTOR2},
      {CKA_EXPONENT_1, OSSL_PKEY_PARAM_RSA_EXPONENT1},
      {CKA_EXPONENT_2, OSSL_PKEY_PARAM_RSA_EXPONENT2},
      {CKA_COEFFICIENT, OSSL_PKEY_PARAM_RSA_COEFFICIENT1}};
  for (const auto& [type, name] : parts) {
    priv.Add(static_cast<Attr>(type), ByteView(BnParam(key, name)));
  }
  auto made = CreateObject(token.session(), std::move(priv), "test private");
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  (void)std::move(*made).Keep();
}

Bytes ReferenceRsaEncrypt(EVP_PKEY* key, RsaPadding padding, ByteView data) {
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  EXPECT_EQ(EVP_PKEY_encrypt_init(ctx.get()), 1);
  SetPadding(ctx.get(), padding);
  Bytes out(static_cast<std::size_t>(EVP_PKEY_get_size(key)));
  std::size_t size = out.size();
  EXPECT_EQ(EVP_PKEY_encrypt(ctx.get(), out.data(), &size, data.data(), data.size()), 1);
  out.resize(size);
  return out;
}

std::optional<Bytes> ReferenceRsaDecrypt(EVP_PKEY* key, RsaPadding padding, ByteView data) {
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  EXPECT_EQ(EVP_PKEY_decrypt_init(ctx.get()), 1);
  SetPadding(ctx.get(), padding);
  Bytes out(static_cast<std::size_t>(EVP_PKEY_get_size(key)));
  std::size_t size = out.size();
  if (EVP_PKEY_decrypt(ctx.get(), out.data(), &size, data.data(), data.size()) != 1) {
    ERR_clear_error();
    return std::nullopt;
  }
  out.resize(size);
  return out;
}

}  // namespace tessera::hsm::testing
