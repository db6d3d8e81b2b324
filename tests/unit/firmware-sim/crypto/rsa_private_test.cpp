#include <gtest/gtest.h>
#include <openssl/core_names.h>

#include "algorithm_param_name.hpp"
#include "firmware-sim/crypto/keys.hpp"
#include "openssl_oracle.hpp"

namespace tessera::sim {
namespace {

using piv::Algorithm;

// Keys are generated once for the suite: RSA-4096 costs up to a second.
class RsaPrivateOperation : public ::testing::TestWithParam<Algorithm> {
 protected:
  static void SetUpTestSuite() {
    for (Algorithm alg : {Algorithm::kRsa2048, Algorithm::kRsa3072, Algorithm::kRsa4096}) {
      SeededRng rng(42, piv::AlgorithmName(alg));
      auto key = GenerateKey(alg, rng);
      ASSERT_TRUE(key.ok()) << key.status().ToString();
      keys_[Index(alg)] = std::move(key).value();
    }
  }
  static void TearDownTestSuite() {
    for (auto& key : keys_) key.reset();
  }
  static std::size_t Index(Algorithm alg) { return piv::RsaBits(alg) / 1024 - 2; }
  EVP_PKEY* key() const { return keys_[Index(GetParam())].get(); }
  std::size_t size() const { return piv::RsaBits(GetParam()) / 8; }

 private:
  static inline ossl::PkeyPtr keys_[3];
};

TEST_P(RsaPrivateOperation, SignatureOfAPkcs1BlockVerifiesWithTheOpensslPublicOperation) {
  ASSERT_NE(key(), nullptr);
  Bytes block = testing::Pkcs1Sha256Block(size(), testing::Sha256(AsBytes("message to sign")));
  auto sig = RsaPrivateRaw(key(), block);
  ASSERT_TRUE(sig.ok()) << sig.status().ToString();
  ASSERT_EQ(sig->size(), size());
  EXPECT_EQ(testing::RsaPublicRaw(key(), sig->view()), block);

  // And OpenSSL's own PKCS#1 v1.5 verification accepts it.
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key(), nullptr));
  Bytes digest = testing::Sha256(AsBytes("message to sign"));
  ASSERT_EQ(EVP_PKEY_verify_init(ctx.get()), 1);
  ASSERT_EQ(EVP_PKEY_CTX_set_signature_md(ctx.get(), EVP_sha256()), 1);
  EXPECT_EQ(EVP_PKEY_verify(ctx.get(), sig->data(), sig->size(), digest.data(), digest.size()), 1);
}

TEST_P(RsaPrivateOperation, DecryptsWhatTheOpensslPublicOperationEncrypted) {
  ASSERT_NE(key(), nullptr);
  Bytes plain(size(), 0x5A);
  plain[0] = 0x00;
  Bytes cipher = testing::RsaPublicRaw(key(), plain);
  auto back = RsaPrivateRaw(key(), cipher);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(ToHex(back->view()), ToHex(plain));
}

TEST_P(RsaPrivateOperation, RejectsABlockOfTheWrongLength) {
  ASSERT_NE(key(), nullptr);
  for (std::size_t len : {size() - 1, size() + 1, std::size_t{0}}) {
    auto out = RsaPrivateRaw(key(), Bytes(len, 0x01));
    ASSERT_FALSE(out.ok());
    EXPECT_EQ(out.status().code(), Code::kInvalidArgument);
  }
}

TEST_P(RsaPrivateOperation, RejectsABlockNotBelowTheModulus) {
  ASSERT_NE(key(), nullptr);
  Bytes n = testing::BnParam(key(), OSSL_PKEY_PARAM_RSA_N, size());
  for (const Bytes& block : {n, Bytes(size(), 0xFF)}) {
    auto out = RsaPrivateRaw(key(), block);
    ASSERT_FALSE(out.ok());
    EXPECT_EQ(out.status().code(), Code::kInvalidArgument);
  }
  Bytes below = n;
  below.back() -= 1;  // n is odd, so n - 1 only touches the last byte
  EXPECT_TRUE(RsaPrivateRaw(key(), below).ok());
}

INSTANTIATE_TEST_SUITE_P(PivSizes, RsaPrivateOperation,
                         ::testing::Values(Algorithm::kRsa2048, Algorithm::kRsa3072,
                                           Algorithm::kRsa4096),
                         testing::AlgorithmParamName);

TEST(RsaPrivateRawRefuses, NonRsaKeys) {
  auto ec = testing::OpensslEcKey("P-256");
  auto out = RsaPrivateRaw(ec.get(), Bytes(32, 1));
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace tessera::sim
