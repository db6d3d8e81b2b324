#include <gtest/gtest.h>

#include "algorithm_param_name.hpp"
#include "firmware-sim/crypto/keys.hpp"
#include "openssl_oracle.hpp"

namespace tessera::sim {
namespace {

using piv::Algorithm;

ossl::PkeyPtr TokenKey(Algorithm alg) {
  SeededRng rng(1, "ec tests");
  auto key = GenerateKey(alg, rng);
  EXPECT_TRUE(key.ok()) << key.status().ToString();
  return key.ok() ? std::move(key).value() : nullptr;
}

TEST(EcdsaSignDigest, P256SignatureOverSha256Verifies) {
  auto key = TokenKey(Algorithm::kEccP256);
  Bytes digest = testing::Sha256(AsBytes("hello"));
  auto sig = EcdsaSignDigest(key.get(), digest);
  ASSERT_TRUE(sig.ok()) << sig.status().ToString();
  EXPECT_TRUE(testing::EcdsaVerifies(key.get(), digest, *sig));
  Bytes other = testing::Sha256(AsBytes("hellp"));
  EXPECT_FALSE(testing::EcdsaVerifies(key.get(), other, *sig));
}

TEST(EcdsaSignDigest, P384SignatureOverSha384Verifies) {
  auto key = TokenKey(Algorithm::kEccP384);
  Bytes digest = testing::Sha384(AsBytes("hello"));
  auto sig = EcdsaSignDigest(key.get(), digest);
  ASSERT_TRUE(sig.ok()) << sig.status().ToString();
  EXPECT_TRUE(testing::EcdsaVerifies(key.get(), digest, *sig));
}

TEST(EcdsaSignDigest, P256TruncatesASha384HashToItsLeftmost32Bytes) {
  auto key = TokenKey(Algorithm::kEccP256);
  Bytes digest = testing::Sha384(AsBytes("hello"));
  auto sig = EcdsaSignDigest(key.get(), digest);
  ASSERT_TRUE(sig.ok()) << sig.status().ToString();
  Bytes leftmost(digest.begin(), digest.begin() + 32);
  EXPECT_TRUE(testing::EcdsaVerifies(key.get(), leftmost, *sig));
  // OpenSSL's verifier applies the same FIPS 186-4 §6.4 truncation.
  EXPECT_TRUE(testing::EcdsaVerifies(key.get(), digest, *sig));
  Bytes rightmost(digest.end() - 32, digest.end());
  EXPECT_FALSE(testing::EcdsaVerifies(key.get(), rightmost, *sig));
}

TEST(EcdsaSignDigest, P384UsesAShorterSha256HashAsIs) {
  auto key = TokenKey(Algorithm::kEccP384);
  Bytes digest = testing::Sha256(AsBytes("hello"));
  auto sig = EcdsaSignDigest(key.get(), digest);
  ASSERT_TRUE(sig.ok()) << sig.status().ToString();
  EXPECT_TRUE(testing::EcdsaVerifies(key.get(), digest, *sig));
}

TEST(EcdsaSignDigest, RejectsNonEcKeysAndAnEmptyDigest) {
  auto ed = TokenKey(Algorithm::kEd25519);
  EXPECT_EQ(EcdsaSignDigest(ed.get(), Bytes(32, 1)).status().code(), Code::kInvalidArgument);
  auto p256 = TokenKey(Algorithm::kEccP256);
  EXPECT_EQ(EcdsaSignDigest(p256.get(), {}).status().code(), Code::kInvalidArgument);
}

TEST(Ed25519Sign, SignatureVerifiesWithOpenssl) {
  auto key = TokenKey(Algorithm::kEd25519);
  Bytes message(1000, 0x42);
  auto sig = Ed25519Sign(key.get(), message);
  ASSERT_TRUE(sig.ok()) << sig.status().ToString();
  EXPECT_EQ(sig->size(), 64u);
  EXPECT_TRUE(testing::Ed25519Verifies(key.get(), message, *sig));
  message[0] ^= 1;
  EXPECT_FALSE(testing::Ed25519Verifies(key.get(), message, *sig));
}

TEST(Ed25519Sign, MatchesTheRfc8032Test1Vector) {
  // RFC 8032 §7.1 TEST 1: empty message.
  Bytes secret = HexOrDie("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
  ossl::PkeyPtr key(
      EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, secret.data(), secret.size()));
  ASSERT_TRUE(key);
  auto sig = Ed25519Sign(key.get(), {});
  ASSERT_TRUE(sig.ok());
  EXPECT_EQ(ToHex(*sig),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bac"
            "c61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
}

TEST(Ed25519Sign, RejectsOtherKeys) {
  auto x = TokenKey(Algorithm::kX25519);
  EXPECT_EQ(Ed25519Sign(x.get(), Bytes(3, 1)).status().code(), Code::kInvalidArgument);
}

class KeyAgreement : public ::testing::TestWithParam<Algorithm> {};

TEST_P(KeyAgreement, EqualsTheSecretOpensslDerivesFromThePeerSide) {
  auto ours = TokenKey(GetParam());
  ossl::PkeyPtr peer =
      GetParam() == Algorithm::kX25519
          ? testing::OpensslRawKey("X25519")
          : testing::OpensslEcKey(GetParam() == Algorithm::kEccP256 ? "P-256" : "P-384");
  Bytes peer_public = GetParam() == Algorithm::kX25519 ? testing::RawPublic(peer.get())
                                                       : testing::EcPoint(peer.get());
  auto secret = DeriveShared(ours.get(), peer_public);
  ASSERT_TRUE(secret.ok()) << secret.status().ToString();
  EXPECT_EQ(ToHex(secret->view()), ToHex(testing::Derive(peer.get(), ours.get())));
  EXPECT_EQ(secret->size(), GetParam() == Algorithm::kEccP384 ? 48u : 32u);
}

TEST_P(KeyAgreement, RejectsAMalformedPeerPoint) {
  auto ours = TokenKey(GetParam());
  std::vector<Bytes> bad;
  if (GetParam() == Algorithm::kX25519) {
    bad.emplace_back(31, 9);
    bad.emplace_back(32, 0);  // small order: all-zero shared secret (RFC 7748 §6.1)
  } else {
    const std::ptrdiff_t field = GetParam() == Algorithm::kEccP256 ? 32 : 48;
    Bytes good = testing::EcPoint(testing::OpensslEcKey(field == 32 ? "P-256" : "P-384").get());
    Bytes off_curve = good;
    off_curve.back() ^= 1;
    Bytes compressed(good.begin(), good.begin() + 1 + field);
    compressed[0] = 0x02 | (good.back() & 1);
    Bytes wrong_prefix = good;
    wrong_prefix[0] = 0x05;
    bad = {off_curve, compressed, wrong_prefix, Bytes(good.begin(), good.end() - 1), Bytes{}};
  }
  for (const Bytes& peer : bad) {
    auto secret = DeriveShared(ours.get(), peer);
    ASSERT_FALSE(secret.ok()) << ToHex(peer);
    EXPECT_EQ(secret.status().code(), Code::kInvalidArgument) << ToHex(peer);
  }
}

INSTANTIATE_TEST_SUITE_P(KeyAgreementAlgorithms, KeyAgreement,
                         ::testing::Values(Algorithm::kEccP256, Algorithm::kEccP384,
                                           Algorithm::kX25519),
                         testing::AlgorithmParamName);

TEST(DeriveSharedRefuses, SigningOnlyKeys) {
  auto ed = TokenKey(Algorithm::kEd25519);
  EXPECT_EQ(DeriveShared(ed.get(), Bytes(32, 9)).status().code(), Code::kInvalidArgument);
}

TEST(DeriveSharedRefuses, APeerOnTheOtherCurve) {
  auto ours = TokenKey(Algorithm::kEccP256);
  Bytes p384_point = testing::EcPoint(testing::OpensslEcKey("P-384").get());
  EXPECT_EQ(DeriveShared(ours.get(), p384_point).status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace tessera::sim
