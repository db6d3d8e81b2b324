#include <gtest/gtest.h>
#include <openssl/rsa.h>

#include "pkcs11/core/crypto/rsa_padding.hpp"
#include "tests/unit/pkcs11/crypto/test_keys.hpp"

namespace tessera::p11::crypto {
namespace {

using testing::RawRsaPrivate;

std::size_t Bits(EVP_PKEY* key) { return static_cast<std::size_t>(EVP_PKEY_get_bits(key)); }

// The card's half: our padding, then the raw private-key operation.
Bytes SignOnCard(EVP_PKEY* key, const SignParams& params, ByteView tbs) {
  auto block = RsaSignInput(params, tbs, Bits(key));
  if (!block.ok()) {
    ADD_FAILURE() << block.status().ToString();
    return {};
  }
  EXPECT_EQ(block->size(), static_cast<std::size_t>(EVP_PKEY_get_size(key)));
  return RawRsaPrivate(key, block->view());
}

bool OpenSslVerifiesPss(EVP_PKEY* key, Hash hash, Hash mgf1, int salt_len, ByteView digest,
                        ByteView sig) {
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new(key, nullptr));
  bool ok = ctx && EVP_PKEY_verify_init(ctx.get()) == 1 &&
            EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PSS_PADDING) == 1 &&
            EVP_PKEY_CTX_set_signature_md(ctx.get(), HashMd(hash)) == 1 &&
            EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), HashMd(mgf1)) == 1 &&
            EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx.get(), salt_len) == 1 &&
            EVP_PKEY_verify(ctx.get(), sig.data(), sig.size(), digest.data(), digest.size()) == 1;
  ossl::DrainErrors();
  return ok;
}

TEST(RsaSignInput, Pkcs1WithHashGivesExactlyOpenSslsSignature) {
  EVP_PKEY* key = testing::Rsa2048();
  const ByteView msg = AsBytes("message to sign");
  for (Hash h : {Hash::kSha1, Hash::kSha224, Hash::kSha256, Hash::kSha384, Hash::kSha512}) {
    ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
    std::size_t len = 256;
    Bytes expected(len);
    ASSERT_EQ(EVP_DigestSignInit(ctx.get(), nullptr, HashMd(h), nullptr, key), 1);
    ASSERT_EQ(EVP_DigestSign(ctx.get(), expected.data(), &len, msg.data(), msg.size()), 1);
    auto digest = DigestOnce(h, msg);
    ASSERT_TRUE(digest.ok());
    EXPECT_EQ(SignOnCard(key, {SignScheme::kRsaPkcs1, h}, *digest), expected) << HashName(h);
  }
}

TEST(RsaSignInput, Pkcs1WithoutHashSignsTheCallersDigestInfo) {
  EVP_PKEY* key = testing::Rsa2048();
  auto digest = DigestOnce(Hash::kSha256, AsBytes("abc"));
  ASSERT_TRUE(digest.ok());
  Bytes info = DigestInfo(Hash::kSha256, *digest);
  Bytes sig = SignOnCard(key, {SignScheme::kRsaPkcs1, std::nullopt}, info);
  ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
  ASSERT_EQ(EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key), 1);
  EXPECT_EQ(EVP_DigestVerify(ctx.get(), sig.data(), sig.size(), AsBytes("abc").data(), 3), 1);
}

TEST(RsaSignInput, Pkcs1BlockIsType1Padding) {
  auto block = RsaSignInput({SignScheme::kRsaPkcs1, std::nullopt}, HexOrDie("a1b2c3"), 1024);
  ASSERT_TRUE(block.ok());
  ASSERT_EQ(block->size(), 128u);
  EXPECT_EQ(ToHex(block->view().first(3)), "0001ff");
  EXPECT_EQ(ToHex(block->view().last(4)), "00a1b2c3");
  for (std::size_t i = 2; i < 124; ++i) EXPECT_EQ((*block)[i], 0xFF) << i;
}

TEST(RsaSignInput, Pkcs1RejectsInputLongerThanKMinus11) {
  SignParams params{SignScheme::kRsaPkcs1, std::nullopt};
  EXPECT_TRUE(RsaSignInput(params, Bytes(117, 0x01), 1024).ok());
  EXPECT_EQ(RsaSignInput(params, Bytes(118, 0x01), 1024).status().code(), Code::kInvalidArgument);
}

TEST(RsaSignInput, Pkcs1WithHashRejectsAWrongLengthDigest) {
  EXPECT_FALSE(RsaSignInput({SignScheme::kRsaPkcs1, Hash::kSha256}, Bytes(20), 2048).ok());
}

TEST(RsaSignInput, PssVerifiesWithOpenSslForSaltLengths0To64AndOtherMgf1) {
  EVP_PKEY* key = testing::Rsa2048();
  for (std::size_t salt : {0u, 32u, 64u}) {
    for (auto [hash, mgf1] :
         {std::pair{Hash::kSha256, Hash::kSha256}, std::pair{Hash::kSha256, Hash::kSha1},
          std::pair{Hash::kSha384, Hash::kSha512}}) {
      auto digest = DigestOnce(hash, AsBytes("pss message"));
      ASSERT_TRUE(digest.ok());
      SignParams params{SignScheme::kRsaPss, std::nullopt, hash, mgf1, salt};
      Bytes sig = SignOnCard(key, params, *digest);
      EXPECT_TRUE(OpenSslVerifiesPss(key, hash, mgf1, static_cast<int>(salt), *digest, sig))
          << "salt " << salt << " " << HashName(hash) << "/" << HashName(mgf1);
    }
  }
}

TEST(RsaSignInput, PssSaltIsFreshEachTime) {
  Bytes digest(32, 0x42);
  SignParams params{SignScheme::kRsaPss, Hash::kSha256, Hash::kSha256, Hash::kSha256, 32};
  auto a = RsaSignInput(params, digest, 2048);
  auto b = RsaSignInput(params, digest, 2048);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_FALSE(ConstantTimeEqual(a->view(), b->view()));
}

// modBits = 1025: emBits = 1024 so EM is one byte shorter than the modulus.
TEST(RsaSignInput, PssHandlesModulusBitsOneMoreThanAByteMultiple) {
  EVP_PKEY* key = testing::Rsa1025();
  auto digest = DigestOnce(Hash::kSha256, AsBytes("odd modulus"));
  ASSERT_TRUE(digest.ok());
  SignParams params{SignScheme::kRsaPss, std::nullopt, Hash::kSha256, Hash::kSha256, 32};
  auto block = RsaSignInput(params, *digest, 1025);
  ASSERT_TRUE(block.ok());
  ASSERT_EQ(block->size(), 129u);
  EXPECT_EQ((*block)[0], 0x00);
  Bytes sig = RawRsaPrivate(key, block->view());
  EXPECT_TRUE(OpenSslVerifiesPss(key, Hash::kSha256, Hash::kSha256, 32, *digest, sig));
}

TEST(RsaSignInput, PssRejectsBadDigestLengthHashMismatchAndOversizedSalt) {
  SignParams params{SignScheme::kRsaPss, std::nullopt, Hash::kSha256, Hash::kSha256, 32};
  EXPECT_FALSE(RsaSignInput(params, Bytes(20), 2048).ok());
  params.hash = Hash::kSha384;
  EXPECT_FALSE(RsaSignInput(params, Bytes(32), 2048).ok());
  params.hash = std::nullopt;
  params.salt_len = 256 - 32 - 1;  // emLen 256 < hLen + sLen + 2
  EXPECT_FALSE(RsaSignInput(params, Bytes(32), 2048).ok());
  params.salt_len = 256 - 32 - 2;
  EXPECT_TRUE(RsaSignInput(params, Bytes(32), 2048).ok());
  params.salt_len = SIZE_MAX - 10;  // must not wrap around the length check
  EXPECT_FALSE(RsaSignInput(params, Bytes(32), 2048).ok());
}

TEST(RsaSignInput, RawLeftPadsAndRejectsInputLongerThanTheModulus) {
  SignParams params{SignScheme::kRsaRaw, std::nullopt};
  auto block = RsaSignInput(params, HexOrDie("0102"), 1024);
  ASSERT_TRUE(block.ok());
  EXPECT_EQ(testing::Copy(block->view()), Concat({Bytes(126, 0x00), HexOrDie("0102")}));
  EXPECT_TRUE(RsaSignInput(params, Bytes(128, 0x01), 1024).ok());
  EXPECT_FALSE(RsaSignInput(params, Bytes(129, 0x01), 1024).ok());
}

TEST(RsaSignInput, RejectsEllipticCurveSchemes) {
  EXPECT_FALSE(RsaSignInput({SignScheme::kEcdsa, std::nullopt}, Bytes(32), 2048).ok());
  EXPECT_FALSE(RsaSignInput({SignScheme::kEddsa, std::nullopt}, Bytes(32), 2048).ok());
}

}  // namespace
}  // namespace tessera::p11::crypto
