#include <gtest/gtest.h>
#include <openssl/core_names.h>

#include "algorithm_param_name.hpp"
#include "firmware-sim/crypto/keys.hpp"
#include "openssl_oracle.hpp"

namespace tessera::sim {
namespace {

using piv::Algorithm;

ossl::PkeyPtr TokenKey(Algorithm alg) {
  SeededRng rng(2, "encoding");
  auto key = GenerateKey(alg, rng);
  EXPECT_TRUE(key.ok()) << key.status().ToString();
  return key.ok() ? std::move(key).value() : nullptr;
}

Status DecodeStatus(Algorithm alg, const Bytes& contents) {
  return piv::DecodePublicKey(alg, contents).status();
}

class PivPublicKey : public ::testing::TestWithParam<Algorithm> {};

TEST_P(PivPublicKey, RoundTripsThroughThe7F49Encoding) {
  auto key = TokenKey(GetParam());
  ASSERT_TRUE(key);
  auto encoded = piv::EncodePublicKey(key.get());
  ASSERT_TRUE(encoded.ok()) << encoded.status().ToString();
  auto decoded = piv::DecodePublicKey(GetParam(), *encoded);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(EVP_PKEY_eq(decoded->get(), key.get()), 1);
  EXPECT_EQ(testing::PublicDer(decoded->get()), testing::PublicDer(key.get()));
}

INSTANTIATE_TEST_SUITE_P(EveryAsymmetricAlgorithm, PivPublicKey,
                         ::testing::Values(Algorithm::kRsa1024, Algorithm::kRsa2048,
                                           Algorithm::kRsa3072, Algorithm::kRsa4096,
                                           Algorithm::kEccP256, Algorithm::kEccP384,
                                           Algorithm::kEd25519, Algorithm::kX25519),
                         testing::AlgorithmParamName);

TEST(EncodePivPublicKey, LaysOutRsaAsModulus81AndExponent82) {
  auto key = testing::OpensslRsaKey(2048);
  auto encoded = piv::EncodePublicKey(key.get());
  ASSERT_TRUE(encoded.ok());
  Bytes n = testing::BnParam(key.get(), OSSL_PKEY_PARAM_RSA_N, 256);
  EXPECT_EQ(ToHex(*encoded), "81820100" + ToHex(n) + "8203010001");
}

TEST(EncodePivPublicKey, LaysOutEcAs86WithTheUncompressedPoint) {
  for (const char* curve : {"P-256", "P-384"}) {
    auto key = testing::OpensslEcKey(curve);
    Bytes point = testing::EcPoint(key.get());
    auto encoded = piv::EncodePublicKey(key.get());
    ASSERT_TRUE(encoded.ok());
    EXPECT_EQ(ToHex(*encoded), (point.size() == 65 ? "8641" : "8661") + ToHex(point)) << curve;
  }
}

TEST(EncodePivPublicKey, UncompressesAPointHeldCompressed) {
  auto key = testing::OpensslEcKey("P-256");
  Bytes uncompressed = testing::EcPoint(key.get());
  ASSERT_EQ(EVP_PKEY_set_utf8_string_param(key.get(), OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT,
                                           "compressed"),
            1);
  ASSERT_EQ(testing::EcPoint(key.get()).size(), 33u);
  auto encoded = piv::EncodePublicKey(key.get());
  ASSERT_TRUE(encoded.ok());
  EXPECT_EQ(ToHex(*encoded), "8641" + ToHex(uncompressed));
}

TEST(EncodePivPublicKey, LaysOut25519KeysAs86With32Bytes) {
  for (const char* type : {"ED25519", "X25519"}) {
    auto key = testing::OpensslRawKey(type);
    auto encoded = piv::EncodePublicKey(key.get());
    ASSERT_TRUE(encoded.ok());
    EXPECT_EQ(ToHex(*encoded), "8620" + ToHex(testing::RawPublic(key.get()))) << type;
  }
}

TEST(EncodePivPublicKey, RefusesKeysPivCannotHold) {
  auto p521 = testing::OpensslEcKey("P-521");
  EXPECT_EQ(piv::EncodePublicKey(p521.get()).status().code(), Code::kInvalidArgument);
}

TEST(DecodePivPublicKey, RejectsAnRsaModulusOfAnotherSize) {
  auto key = testing::OpensslRsaKey(2048);
  auto encoded = piv::EncodePublicKey(key.get());
  ASSERT_TRUE(encoded.ok());
  EXPECT_EQ(DecodeStatus(Algorithm::kRsa3072, *encoded).code(), Code::kInvalidArgument);
  EXPECT_EQ(DecodeStatus(Algorithm::kRsa1024, *encoded).code(), Code::kInvalidArgument);
}

TEST(DecodePivPublicKey, RejectsMissingRepeatedAndUnexpectedTags) {
  auto key = testing::OpensslRsaKey(1024);
  Bytes modulus = EncodeTlv(0x81, testing::BnParam(key.get(), OSSL_PKEY_PARAM_RSA_N, 128));
  Bytes exponent = EncodeTlv(0x82, HexOrDie("010001"));
  ASSERT_TRUE(piv::DecodePublicKey(Algorithm::kRsa1024, Concat({modulus, exponent})).ok());
  for (const Bytes& bad :
       {modulus, Concat({modulus, exponent, exponent}),
        Concat({modulus, exponent, EncodeTlv(0x86, Bytes(1, 4))}), Bytes{},
        Concat({modulus, EncodeTlv(0x82, HexOrDie("010000"))}), HexOrDie("8182")}) {
    EXPECT_EQ(DecodeStatus(Algorithm::kRsa1024, bad).code(), Code::kInvalidArgument) << ToHex(bad);
  }
}

TEST(DecodePivPublicKey, RejectsEcPointsOffTheCurveOrOfTheWrongForm) {
  Bytes point = testing::EcPoint(testing::OpensslEcKey("P-256").get());
  Bytes off_curve = point;
  off_curve[64] ^= 1;
  Bytes compressed(point.begin(), point.begin() + 33);
  compressed[0] = 0x02 | (point[64] & 1);
  for (const Bytes& bad : {off_curve, compressed, Bytes(point.begin(), point.end() - 1)}) {
    EXPECT_EQ(DecodeStatus(Algorithm::kEccP256, EncodeTlv(0x86, bad)).code(),
              Code::kInvalidArgument)
        << ToHex(bad);
  }
  EXPECT_EQ(DecodeStatus(Algorithm::kEccP384, EncodeTlv(0x86, point)).code(),
            Code::kInvalidArgument);
}

TEST(DecodePivPublicKey, Rejects25519KeysOfTheWrongLengthAndSymmetricAlgorithms) {
  EXPECT_EQ(DecodeStatus(Algorithm::kEd25519, EncodeTlv(0x86, Bytes(31, 1))).code(),
            Code::kInvalidArgument);
  EXPECT_EQ(DecodeStatus(Algorithm::kX25519, EncodeTlv(0x86, Bytes(33, 1))).code(),
            Code::kInvalidArgument);
  EXPECT_EQ(DecodeStatus(Algorithm::kAes128, EncodeTlv(0x86, Bytes(32, 1))).code(),
            Code::kInvalidArgument);
}

}  // namespace
}  // namespace tessera::sim
