#include "pkcs11/core/crypto/key_codec.hpp"

#include <gtest/gtest.h>
#include <openssl/core_names.h>

#include "tests/unit/pkcs11/crypto/test_keys.hpp"

namespace tessera::p11::crypto {
namespace {

TEST(KeyCodec, EcParamsAreTheCurveOids) {
  EXPECT_EQ(ToHex(*EcParamsDer(testing::P256())), "06082a8648ce3d030107");
  EXPECT_EQ(ToHex(*EcParamsDer(testing::P384())), "06052b81040022");
  EXPECT_EQ(ToHex(*EcParamsDer(testing::Ed25519())), "06032b6570");
  EXPECT_EQ(ToHex(*EcParamsDer(testing::X25519())), "06032b656e");
  EXPECT_FALSE(EcParamsDer(testing::Rsa2048()).ok());
}

TEST(KeyCodec, CurveFromParamsAcceptsOidsAndPkcs11PrintableNames) {
  for (Curve c : {Curve::kP256, Curve::kP384, Curve::kEd25519, Curve::kX25519}) {
    auto back = CurveFromParamsDer(CurveParamsDer(c));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, c);
  }
  EXPECT_EQ(*CurveFromParamsDer(Concat({HexOrDie("130c"), AsBytes("edwards25519")})),
            Curve::kEd25519);
  EXPECT_EQ(*CurveFromParamsDer(Concat({HexOrDie("130a"), AsBytes("curve25519")})), Curve::kX25519);
  EXPECT_FALSE(CurveFromParamsDer(HexOrDie("06052b81040023")).ok());  // P-521
  EXPECT_FALSE(CurveFromParamsDer({}).ok());
}

TEST(KeyCodec, EcPointsHaveTheCurvesLengthAndDerWrapping) {
  const std::pair<EVP_PKEY*, std::size_t> cases[] = {{testing::P256(), 65},
                                                     {testing::P384(), 97},
                                                     {testing::Ed25519(), 32},
                                                     {testing::X25519(), 32}};
  for (auto [key, len] : cases) {
    auto point = EcPoint(key);
    auto der = EcPointDer(key);
    ASSERT_TRUE(point.ok() && der.ok());
    EXPECT_EQ(point->size(), len);
    EXPECT_EQ(*der, Concat({Bytes{0x04, static_cast<std::uint8_t>(len)}, *point}));
  }
  EXPECT_EQ((*EcPoint(testing::P256()))[0], 0x04);
}

TEST(KeyCodec, EcPointMatchesOpenSslsEncodedPublicKey) {
  for (EVP_PKEY* key : {testing::P256(), testing::X25519()}) {
    Bytes expected(128);
    std::size_t len = 0;
    ASSERT_EQ(EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
                                              expected.data(), expected.size(), &len),
              1);
    expected.resize(len);
    EXPECT_EQ(*EcPoint(key), expected);
  }
}

TEST(KeyCodec, FieldBytesPerKey) {
  EXPECT_EQ(EcFieldBytes(testing::P256()), 32u);
  EXPECT_EQ(EcFieldBytes(testing::P384()), 48u);
  EXPECT_EQ(EcFieldBytes(testing::Ed25519()), 32u);
  EXPECT_EQ(EcFieldBytes(testing::Rsa2048()), 0u);
}

TEST(KeyCodec, RsaPublicPartsAreMinimalBigEndian) {
  auto parts = RsaPublic(testing::Rsa2048());
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(parts->modulus.size(), 256u);
  EXPECT_EQ(ToHex(parts->public_exponent), "010001");
  EXPECT_EQ(parts->modulus, testing::BnParam(testing::Rsa2048(), OSSL_PKEY_PARAM_RSA_N));
  EXPECT_EQ(RsaModulusBits(testing::Rsa2048()), 2048u);
  EXPECT_EQ(RsaModulusBits(testing::Rsa1025()), 1025u);
  EXPECT_EQ(RsaModulusBits(testing::P256()), 0u);
  EXPECT_FALSE(RsaPublic(testing::P256()).ok());
}

TEST(UnwrapEcPoint, AcceptsBareAndDerWrappedPoints) {
  Bytes point = *EcPoint(testing::P256());
  EXPECT_EQ(*UnwrapEcPoint(point, Curve::kP256), point);
  EXPECT_EQ(*UnwrapEcPoint(*EcPointDer(testing::P256()), Curve::kP256), point);
  Bytes x = *EcPoint(testing::X25519());
  EXPECT_EQ(*UnwrapEcPoint(x, Curve::kX25519), x);
  EXPECT_EQ(*UnwrapEcPoint(*EcPointDer(testing::X25519()), Curve::kX25519), x);
}

// 04 1E ... is both a 32-byte X25519 key and a DER OCTET STRING of 30 bytes:
// the curve says it is the key.
TEST(UnwrapEcPoint, TakesA32ByteX25519KeyAsBareEvenIfItLooksLikeDer) {
  Bytes tricky(32, 0x55);
  tricky[0] = 0x04;
  tricky[1] = 0x1E;
  EXPECT_EQ(*UnwrapEcPoint(tricky, Curve::kX25519), tricky);
}

TEST(UnwrapEcPoint, RejectsWrongLengthsCompressedPointsAndOtherTags) {
  Bytes point = *EcPoint(testing::P256());
  EXPECT_FALSE(UnwrapEcPoint(point, Curve::kP384).ok());
  EXPECT_FALSE(UnwrapEcPoint(ByteView(point).first(33), Curve::kP256).ok());
  Bytes compressed(33, 0x11);
  compressed[0] = 0x02;
  EXPECT_FALSE(UnwrapEcPoint(compressed, Curve::kP256).ok());
  EXPECT_FALSE(UnwrapEcPoint(Concat({HexOrDie("0341"), point}), Curve::kP256).ok());
  EXPECT_FALSE(UnwrapEcPoint(Concat({HexOrDie("0441"), point, HexOrDie("00")}), Curve::kP256).ok());
}

}  // namespace
}  // namespace tessera::p11::crypto
