#include <gtest/gtest.h>
#include <openssl/core_names.h>

#include <string>

#include "algorithm_param_name.hpp"
#include "firmware-sim/crypto/keys.hpp"
#include "openssl_oracle.hpp"

namespace tessera::sim {
namespace {

using piv::Algorithm;

constexpr Algorithm kAsymmetric[] = {Algorithm::kRsa1024, Algorithm::kRsa2048, Algorithm::kRsa3072,
                                     Algorithm::kRsa4096, Algorithm::kEccP256, Algorithm::kEccP384,
                                     Algorithm::kEd25519, Algorithm::kX25519};

ossl::PkeyPtr Generate(Algorithm alg, std::uint64_t seed, std::string_view label) {
  SeededRng rng(seed, label);
  auto key = GenerateKey(alg, rng);
  EXPECT_TRUE(key.ok()) << key.status().ToString();
  return key.ok() ? std::move(key).value() : nullptr;
}

class GeneratedKey : public ::testing::TestWithParam<Algorithm> {};

TEST_P(GeneratedKey, IsTheSameForTheSameSeedAndLabel) {
  auto a = Generate(GetParam(), 7, "slot 9a");
  auto b = Generate(GetParam(), 7, "slot 9a");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(testing::PrivateDer(a.get()), testing::PrivateDer(b.get()));
}

TEST_P(GeneratedKey, DiffersForADifferentLabel) {
  auto a = Generate(GetParam(), 7, "slot 9a");
  auto b = Generate(GetParam(), 7, "slot 9c");
  ASSERT_TRUE(a && b);
  EXPECT_NE(testing::PublicDer(a.get()), testing::PublicDer(b.get()));
}

TEST_P(GeneratedKey, PassesOpensslChecksAndHasTheRightSize) {
  auto key = Generate(GetParam(), 11, "checks");
  ASSERT_TRUE(key);
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  ASSERT_TRUE(ctx);
  EXPECT_EQ(EVP_PKEY_check(ctx.get()), 1) << ossl::DrainErrors();
  EXPECT_EQ(EVP_PKEY_pairwise_check(ctx.get()), 1) << ossl::DrainErrors();
  if (piv::IsRsa(GetParam())) {
    EXPECT_EQ(static_cast<std::size_t>(EVP_PKEY_get_bits(key.get())), piv::RsaBits(GetParam()));
  }
  auto alg = piv::AlgorithmOf(key.get());
  ASSERT_TRUE(alg.ok()) << alg.status().ToString();
  EXPECT_EQ(*alg, GetParam());
}

INSTANTIATE_TEST_SUITE_P(EveryAsymmetricAlgorithm, GeneratedKey, ::testing::ValuesIn(kAsymmetric),
                         testing::AlgorithmParamName);

TEST(KeyGeneration, RsaKeyHasExponentF4AndBalancedDistantPrimes) {
  auto key = Generate(Algorithm::kRsa2048, 3, "rsa");
  ASSERT_TRUE(key);
  EXPECT_EQ(ToHex(testing::BnParam(key.get(), OSSL_PKEY_PARAM_RSA_E)), "010001");
  ossl::BnPtr p = ossl::BnFromBytes(testing::BnParam(key.get(), OSSL_PKEY_PARAM_RSA_FACTOR1));
  ossl::BnPtr q = ossl::BnFromBytes(testing::BnParam(key.get(), OSSL_PKEY_PARAM_RSA_FACTOR2));
  for (const BIGNUM* prime : {p.get(), q.get()}) {
    EXPECT_EQ(BN_num_bits(prime), 1024);
    EXPECT_TRUE(BN_is_bit_set(prime, 1022)) << "second-highest bit";
    EXPECT_EQ(BN_check_prime(prime, nullptr, nullptr), 1);
  }
  ossl::BnPtr diff(BN_new());
  ASSERT_EQ(BN_sub(diff.get(), p.get(), q.get()), 1);
  EXPECT_GT(BN_num_bits(diff.get()), 1024 - 100);
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  EXPECT_EQ(EVP_PKEY_private_check(ctx.get()), 1);
}

TEST(KeyGeneration, RsaFirstPrimeIsSearchedUpwardFromRngBits) {
  auto key = Generate(Algorithm::kRsa2048, 5, "walk");
  ASSERT_TRUE(key);
  SeededRng replay(5, "walk");
  Bytes start_bytes = replay.Generate(128);
  start_bytes[0] |= 0xC0;
  start_bytes[127] |= 0x01;
  ossl::BnPtr start = ossl::BnFromBytes(start_bytes);
  ossl::BnPtr p = ossl::BnFromBytes(testing::BnParam(key.get(), OSSL_PKEY_PARAM_RSA_FACTOR1));
  ossl::BnPtr gap(BN_new());
  ASSERT_EQ(BN_sub(gap.get(), p.get(), start.get()), 1);
  EXPECT_FALSE(BN_is_negative(gap.get()));
  EXPECT_LT(BN_num_bits(gap.get()), 20) << "the prime lies just above the Rng's starting point";
}

TEST(KeyGeneration, EcScalarAndEd25519SeedAreTheRngOutput) {
  auto ec = Generate(Algorithm::kEccP256, 9, "ec");
  auto ed = Generate(Algorithm::kEd25519, 9, "ed");
  ASSERT_TRUE(ec && ed);
  SeededRng ec_replay(9, "ec");
  EXPECT_EQ(testing::BnParam(ec.get(), OSSL_PKEY_PARAM_PRIV_KEY, 32), ec_replay.Generate(32));
  SeededRng ed_replay(9, "ed");
  Bytes raw(32);
  size_t len = raw.size();
  ASSERT_EQ(EVP_PKEY_get_raw_private_key(ed.get(), raw.data(), &len), 1);
  EXPECT_EQ(raw, ed_replay.Generate(32));
}

TEST(KeyGeneration, EcKeysAreOnTheRequestedCurve) {
  auto p256 = Generate(Algorithm::kEccP256, 1, "c");
  auto p384 = Generate(Algorithm::kEccP384, 1, "c");
  ASSERT_TRUE(p256 && p384);
  EXPECT_EQ(testing::GroupName(p256.get()), "prime256v1");
  EXPECT_EQ(testing::GroupName(p384.get()), "secp384r1");
  EXPECT_EQ(testing::EcPoint(p256.get()).size(), 65u);
  EXPECT_EQ(testing::EcPoint(p384.get()).size(), 97u);
}

TEST(KeyGeneration, SymmetricAlgorithmsAreRejected) {
  SystemRng rng;
  for (Algorithm alg :
       {Algorithm::kTdes, Algorithm::kAes128, Algorithm::kAes192, Algorithm::kAes256}) {
    auto key = GenerateKey(alg, rng);
    ASSERT_FALSE(key.ok());
    EXPECT_EQ(key.status().code(), Code::kInvalidArgument);
  }
}

TEST(AlgorithmOf, MapsOpensslKeysToPivAlgorithms) {
  auto rsa = testing::OpensslRsaKey(2048);
  auto p384 = testing::OpensslEcKey("P-384");
  auto ed = testing::OpensslRawKey("ED25519");
  auto x = testing::OpensslRawKey("X25519");
  EXPECT_EQ(*piv::AlgorithmOf(rsa.get()), Algorithm::kRsa2048);
  EXPECT_EQ(*piv::AlgorithmOf(p384.get()), Algorithm::kEccP384);
  EXPECT_EQ(*piv::AlgorithmOf(ed.get()), Algorithm::kEd25519);
  EXPECT_EQ(*piv::AlgorithmOf(x.get()), Algorithm::kX25519);
}

TEST(AlgorithmOf, RejectsKeysPivCannotHold) {
  auto rsa1536 = testing::OpensslRsaKey(1536);
  auto p521 = testing::OpensslEcKey("P-521");
  auto ed448 = testing::OpensslRawKey("ED448");
  for (EVP_PKEY* key : {rsa1536.get(), p521.get(), ed448.get(), static_cast<EVP_PKEY*>(nullptr)}) {
    auto alg = piv::AlgorithmOf(key);
    ASSERT_FALSE(alg.ok());
    EXPECT_EQ(alg.status().code(), Code::kInvalidArgument);
  }
}

TEST(KeyBits, ReportsModulusFieldAnd25519Sizes) {
  EXPECT_EQ(piv::KeyBits(testing::OpensslRsaKey(2048).get()), 2048u);
  EXPECT_EQ(piv::KeyBits(testing::OpensslEcKey("P-384").get()), 384u);
  EXPECT_EQ(piv::KeyBits(testing::OpensslRawKey("ED25519").get()), 256u);
  EXPECT_EQ(piv::KeyBits(testing::OpensslRawKey("X25519").get()), 256u);
  EXPECT_EQ(piv::KeyBits(nullptr), 0u);
}

}  // namespace
}  // namespace tessera::sim
