#include <gtest/gtest.h>
#include <openssl/core_names.h>

#include "firmware-sim/crypto/keys.hpp"
#include "openssl_oracle.hpp"

namespace tessera::sim {
namespace {

using piv::Algorithm;

constexpr const char* kP256Order =
    "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";

Result<ossl::PkeyPtr> Import(Algorithm alg, const Bytes& data) {
  auto fields = ParseTlvs(data);
  if (!fields.ok()) return fields.status();
  return ImportPivKey(alg, *fields);
}

// IMPORT KEY data for an RSA key, as yubico-piv-tool builds it: each CRT
// element left-padded to half the modulus.
struct RsaFields {
  Bytes p, q, dp, dq, qinv;
  Bytes Encode() const {
    return Concat({EncodeTlv(0x01, p), EncodeTlv(0x02, q), EncodeTlv(0x03, dp), EncodeTlv(0x04, dq),
                   EncodeTlv(0x05, qinv)});
  }
};

RsaFields FieldsOf(EVP_PKEY* key) {
  const std::size_t half = static_cast<std::size_t>(EVP_PKEY_get_bits(key)) / 16;
  return {testing::BnParam(key, OSSL_PKEY_PARAM_RSA_FACTOR1, half),
          testing::BnParam(key, OSSL_PKEY_PARAM_RSA_FACTOR2, half),
          testing::BnParam(key, OSSL_PKEY_PARAM_RSA_EXPONENT1, half),
          testing::BnParam(key, OSSL_PKEY_PARAM_RSA_EXPONENT2, half),
          testing::BnParam(key, OSSL_PKEY_PARAM_RSA_COEFFICIENT1, half)};
}

class RsaImport : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { original_ = testing::OpensslRsaKey(2048); }
  static void TearDownTestSuite() { original_.reset(); }
  static inline ossl::PkeyPtr original_;
};

TEST_F(RsaImport, ImportedKeySignsForTheOriginalPublicKey) {
  RsaFields fields = FieldsOf(original_.get());
  // Policies (AA, AB) ride along and are ignored here.
  Bytes data = Concat({fields.Encode(), HexOrDie("aa0102ab0101")});
  auto key = Import(Algorithm::kRsa2048, data);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(EVP_PKEY_eq(key->get(), original_.get()), 1);

  Bytes digest = testing::Sha256(AsBytes("imported"));
  auto sig = RsaPrivateRaw(key->get(), testing::Pkcs1Sha256Block(256, digest));
  ASSERT_TRUE(sig.ok()) << sig.status().ToString();
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, original_.get(), nullptr));
  ASSERT_EQ(EVP_PKEY_verify_init(ctx.get()), 1);
  ASSERT_EQ(EVP_PKEY_CTX_set_signature_md(ctx.get(), EVP_sha256()), 1);
  EXPECT_EQ(EVP_PKEY_verify(ctx.get(), sig->data(), sig->size(), digest.data(), digest.size()), 1);
}

TEST_F(RsaImport, RejectsAnElementLongerThanHalfTheModulus) {
  RsaFields fields = FieldsOf(original_.get());
  fields.qinv.insert(fields.qinv.begin(), 0x00);  // same number, 129 bytes
  EXPECT_EQ(Import(Algorithm::kRsa2048, fields.Encode()).status().code(), Code::kInvalidArgument);
}

TEST_F(RsaImport, RejectsCrtValuesThatDisagreeWithThePrimes) {
  for (int which = 0; which < 3; ++which) {
    RsaFields fields = FieldsOf(original_.get());
    Bytes& victim = which == 0 ? fields.dp : which == 1 ? fields.dq : fields.qinv;
    victim.back() ^= 0x02;
    auto key = Import(Algorithm::kRsa2048, fields.Encode());
    ASSERT_FALSE(key.ok()) << which;
    EXPECT_EQ(key.status().code(), Code::kInvalidArgument);
    EXPECT_NE(key.status().message().find("does not match"), std::string::npos);
  }
}

TEST_F(RsaImport, RejectsACompositeFactor) {
  RsaFields fields = FieldsOf(original_.get());
  fields.p.back() ^= 0x02;  // still odd, almost surely composite
  EXPECT_EQ(Import(Algorithm::kRsa2048, fields.Encode()).status().code(), Code::kInvalidArgument);
}

TEST_F(RsaImport, RejectsAModulusSizeOtherThanTheAlgorithms) {
  Bytes data = FieldsOf(original_.get()).Encode();
  EXPECT_EQ(Import(Algorithm::kRsa3072, data).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(Import(Algorithm::kRsa1024, data).status().code(), Code::kInvalidArgument);
}

TEST_F(RsaImport, RejectsMissingRepeatedAndForeignTags) {
  RsaFields f = FieldsOf(original_.get());
  Bytes missing = Concat(
      {EncodeTlv(0x01, f.p), EncodeTlv(0x02, f.q), EncodeTlv(0x03, f.dp), EncodeTlv(0x04, f.dq)});
  Bytes repeated = Concat({f.Encode(), EncodeTlv(0x05, f.qinv)});
  Bytes foreign = Concat({f.Encode(), EncodeTlv(0x06, Bytes(32, 1))});
  for (const Bytes& bad : {missing, repeated, foreign}) {
    EXPECT_EQ(Import(Algorithm::kRsa2048, bad).status().code(), Code::kInvalidArgument);
  }
}

TEST(EcImport, ImportedKeySignsForTheOriginalPublicKey) {
  for (const char* curve : {"P-256", "P-384"}) {
    auto original = testing::OpensslEcKey(curve);
    const bool p256 = std::string(curve) == "P-256";
    Bytes scalar = testing::BnParam(original.get(), OSSL_PKEY_PARAM_PRIV_KEY, p256 ? 32 : 48);
    auto key = Import(p256 ? Algorithm::kEccP256 : Algorithm::kEccP384, EncodeTlv(0x06, scalar));
    ASSERT_TRUE(key.ok()) << key.status().ToString();
    Bytes digest = p256 ? testing::Sha256(AsBytes("ec")) : testing::Sha384(AsBytes("ec"));
    auto sig = EcdsaSignDigest(key->get(), digest);
    ASSERT_TRUE(sig.ok());
    EXPECT_TRUE(testing::EcdsaVerifies(original.get(), digest, *sig)) << curve;
  }
}

TEST(EcImport, RejectsScalarsOutOfRangeOrOfTheWrongLength) {
  Bytes order = HexOrDie(kP256Order);
  Bytes above = order;
  above.back() += 1;
  for (const Bytes& bad :
       {Bytes(32, 0), order, above, Bytes(32, 0xFF), Bytes(31, 1), Bytes(33, 1)}) {
    auto key = Import(Algorithm::kEccP256, EncodeTlv(0x06, bad));
    ASSERT_FALSE(key.ok()) << ToHex(bad);
    EXPECT_EQ(key.status().code(), Code::kInvalidArgument);
  }
  Bytes order_minus_one = order;
  order_minus_one.back() -= 1;
  EXPECT_TRUE(Import(Algorithm::kEccP256, EncodeTlv(0x06, order_minus_one)).ok());
  EXPECT_EQ(Import(Algorithm::kEccP256, EncodeTlv(0x07, Bytes(32, 1))).status().code(),
            Code::kInvalidArgument);
}

TEST(RawKeyImport, Ed25519KeySignsForTheOriginalPublicKey) {
  auto original = testing::OpensslRawKey("ED25519");
  Bytes raw(32);
  size_t len = raw.size();
  ASSERT_EQ(EVP_PKEY_get_raw_private_key(original.get(), raw.data(), &len), 1);
  auto key = Import(Algorithm::kEd25519, EncodeTlv(0x07, raw));
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  auto sig = Ed25519Sign(key->get(), AsBytes("ed"));
  ASSERT_TRUE(sig.ok());
  EXPECT_TRUE(testing::Ed25519Verifies(original.get(), AsBytes("ed"), *sig));
}

TEST(RawKeyImport, X25519KeyAgreesWithTheOriginal) {
  auto original = testing::OpensslRawKey("X25519");
  auto peer = testing::OpensslRawKey("X25519");
  Bytes raw(32);
  size_t len = raw.size();
  ASSERT_EQ(EVP_PKEY_get_raw_private_key(original.get(), raw.data(), &len), 1);
  auto key = Import(Algorithm::kX25519, EncodeTlv(0x08, raw));
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  auto secret = DeriveShared(key->get(), testing::RawPublic(peer.get()));
  ASSERT_TRUE(secret.ok());
  EXPECT_EQ(ToHex(secret->view()), ToHex(testing::Derive(original.get(), peer.get())));
}

TEST(RawKeyImport, RejectsWrongLengthsTagsAndSymmetricAlgorithms) {
  EXPECT_EQ(Import(Algorithm::kEd25519, EncodeTlv(0x07, Bytes(31, 1))).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(Import(Algorithm::kEd25519, EncodeTlv(0x08, Bytes(32, 1))).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(Import(Algorithm::kX25519, EncodeTlv(0x08, Bytes(33, 1))).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(Import(Algorithm::kAes256, EncodeTlv(0x08, Bytes(32, 1))).status().code(),
            Code::kInvalidArgument);
}

}  // namespace
}  // namespace tessera::sim
