#include "pkcs11/core/crypto/key_import.hpp"

#include <gtest/gtest.h>
#include <openssl/core_names.h>

#include "pkcs11/core/crypto/key_codec.hpp"
#include "pkcs11/core/crypto/public_ops.hpp"
#include "tests/unit/pkcs11/crypto/test_keys.hpp"

namespace tessera::p11::crypto {
namespace {

using testing::BnParam;

SecureBytes Param(EVP_PKEY* key, const char* name) { return SecureBytes(BnParam(key, name)); }

RsaPrivateParts PartsOf(EVP_PKEY* key) {
  return {Param(key, OSSL_PKEY_PARAM_RSA_N),         Param(key, OSSL_PKEY_PARAM_RSA_E),
          Param(key, OSSL_PKEY_PARAM_RSA_D),         Param(key, OSSL_PKEY_PARAM_RSA_FACTOR1),
          Param(key, OSSL_PKEY_PARAM_RSA_FACTOR2),   Param(key, OSSL_PKEY_PARAM_RSA_EXPONENT1),
          Param(key, OSSL_PKEY_PARAM_RSA_EXPONENT2), Param(key, OSSL_PKEY_PARAM_RSA_COEFFICIENT1)};
}

// The imported key signs; the original public key accepts the signature.
void ExpectSignsForTheOriginal(EVP_PKEY* imported, EVP_PKEY* original) {
  ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
  Bytes sig(512);
  std::size_t len = sig.size();
  const ByteView msg = AsBytes("imported");
  ASSERT_EQ(EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, imported), 1);
  ASSERT_EQ(EVP_DigestSign(ctx.get(), sig.data(), &len, msg.data(), msg.size()), 1);
  sig.resize(len);
  EXPECT_TRUE(Verify(original, {SignScheme::kRsaPkcs1, Hash::kSha256}, msg, sig).ok());
}

TEST(RsaPrivateKey, FromAllPartsMatchesTheOriginal) {
  auto key = RsaPrivateKey(PartsOf(testing::Rsa2048()));
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(EVP_PKEY_eq(key->get(), testing::Rsa2048()), 1);
  ExpectSignsForTheOriginal(key->get(), testing::Rsa2048());
}

TEST(RsaPrivateKey, DerivesEverythingElseFromEAndThePrimes) {
  RsaPrivateParts parts = PartsOf(testing::Rsa2048());
  for (SecureBytes* absent : {&parts.n, &parts.d, &parts.dp, &parts.dq, &parts.qinv}) {
    absent->Clear();
  }
  auto key = RsaPrivateKey(parts);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  auto pub = RsaPublic(key->get());
  ASSERT_TRUE(pub.ok());
  EXPECT_EQ(pub->modulus, BnParam(testing::Rsa2048(), OSSL_PKEY_PARAM_RSA_N));
  ExpectSignsForTheOriginal(key->get(), testing::Rsa2048());
}

TEST(RsaPrivateKey, RequiresEAndBothPrimes) {
  for (int missing = 0; missing < 3; ++missing) {
    RsaPrivateParts parts = PartsOf(testing::Rsa2048());
    (missing == 0 ? parts.e : missing == 1 ? parts.p : parts.q).Clear();
    EXPECT_EQ(RsaPrivateKey(parts).status().code(), Code::kInvalidArgument) << missing;
  }
}

TEST(RsaPrivateKey, RejectsPartsThatDoNotBelongTogether) {
  RsaPrivateParts other = PartsOf(testing::Rsa1025());
  for (int field = 0; field < 5; ++field) {
    RsaPrivateParts parts = PartsOf(testing::Rsa2048());
    SecureBytes* targets[] = {&parts.n, &parts.d, &parts.dp, &parts.dq, &parts.qinv};
    SecureBytes* sources[] = {&other.n, &other.d, &other.dp, &other.dq, &other.qinv};
    *targets[field] = sources[field]->Clone();
    EXPECT_EQ(RsaPrivateKey(parts).status().code(), Code::kInvalidArgument) << field;
  }
}

TEST(RsaPublicKey, FromModulusAndExponentEqualsTheOriginal) {
  auto parts = RsaPublic(testing::Rsa2048());
  ASSERT_TRUE(parts.ok());
  auto key = RsaPublicKey(parts->modulus, parts->public_exponent);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(EVP_PKEY_eq(key->get(), testing::Rsa2048()), 1);
  EXPECT_FALSE(RsaPublicKey({}, parts->public_exponent).ok());
}

TEST(EcPrivateKey, WeierstrassPublicPointEqualsOpenSsls) {
  for (EVP_PKEY* original : {testing::P256(), testing::P384()}) {
    Bytes scalar = BnParam(original, OSSL_PKEY_PARAM_PRIV_KEY);
    auto key = EcPrivateKey(*EcParamsDer(original), scalar);
    ASSERT_TRUE(key.ok()) << key.status().ToString();
    EXPECT_EQ(*EcPoint(key->get()), *EcPoint(original));
    EXPECT_EQ(EVP_PKEY_eq(key->get(), original), 1);
  }
}

TEST(EcPrivateKey, RawCurvesRoundTripTheirPrivateBytes) {
  for (EVP_PKEY* original : {testing::Ed25519(), testing::X25519()}) {
    Bytes raw(32);
    std::size_t len = raw.size();
    ASSERT_EQ(EVP_PKEY_get_raw_private_key(original, raw.data(), &len), 1);
    auto key = EcPrivateKey(*EcParamsDer(original), raw);
    ASSERT_TRUE(key.ok()) << key.status().ToString();
    EXPECT_EQ(*EcPoint(key->get()), *EcPoint(original));
    EXPECT_FALSE(EcPrivateKey(*EcParamsDer(original), ByteView(raw).first(31)).ok());
  }
}

TEST(EcPrivateKey, RejectsScalarsOutOfRangeAndUnknownCurves) {
  Bytes p256 = CurveParamsDer(Curve::kP256);
  EXPECT_FALSE(EcPrivateKey(p256, Bytes(32, 0x00)).ok());
  EXPECT_FALSE(EcPrivateKey(p256, Bytes(32, 0xFF)).ok());  // above the order
  EXPECT_TRUE(EcPrivateKey(p256, HexOrDie("01")).ok());
  EXPECT_FALSE(EcPrivateKey(HexOrDie("06052b81040023"), Bytes(66, 0x01)).ok());
}

TEST(EcPublicKey, FromParamsAndPointEqualsTheOriginal) {
  for (EVP_PKEY* original :
       {testing::P256(), testing::P384(), testing::Ed25519(), testing::X25519()}) {
    Bytes params = *EcParamsDer(original);
    auto wrapped = EcPublicKey(params, *EcPointDer(original));
    auto bare = EcPublicKey(params, *EcPoint(original));
    ASSERT_TRUE(wrapped.ok() && bare.ok()) << wrapped.status().ToString();
    EXPECT_EQ(EVP_PKEY_eq(wrapped->get(), original), 1);
    EXPECT_EQ(EVP_PKEY_eq(bare->get(), original), 1);
  }
}

TEST(EcPublicKey, RejectsAPointOffTheCurve) {
  Bytes point = *EcPoint(testing::P256());
  point.back() ^= 0x01;
  EXPECT_EQ(EcPublicKey(CurveParamsDer(Curve::kP256), point).status().code(),
            Code::kInvalidArgument);
}

}  // namespace
}  // namespace tessera::p11::crypto
