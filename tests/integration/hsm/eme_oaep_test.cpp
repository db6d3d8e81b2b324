// EME-OAEP (SHA-256) on the host, checked against OpenSSL's own RSA-OAEP:
// our encoding under raw RSA opens with EVP OAEP-SHA256, and OpenSSL's
// OAEP-SHA256 ciphertext, opened with raw RSA, decodes. Pins the k-byte EM
// with its leading zero and the flen/tlen/num use of OpenSSL's functions.
#include "hsm/eme_oaep.hpp"

#include <gtest/gtest.h>

#include "tests/integration/hsm/test_rsa.hpp"

namespace tessera::hsm::testing {
namespace {

constexpr std::size_t kK = 384;  // RSA-3072
const Bytes kR = HexOrDie("c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf");

Bytes Copy(const SecureBytes& s) { return {s.view().begin(), s.view().end()}; }

TEST(EmeOaepSha256, EncodingUnderRawRsaOpensWithOpenSslOaepSha256) {
  auto em = EmeOaepSha256Encode(kR, kK);
  ASSERT_TRUE(em.ok()) << em.status().ToString();
  ASSERT_EQ(em->size(), kK);
  EXPECT_EQ((*em)[0], 0x00);
  const Bytes c = ReferenceRsaEncrypt(SharedRsa3072(), RsaPadding::kNone, em->view());
  EXPECT_EQ(ReferenceRsaDecrypt(SharedRsa3072(), RsaPadding::kOaepSha256, c), kR);
  EXPECT_EQ(ReferenceRsaDecrypt(SharedRsa3072(), RsaPadding::kOaepSha1, c), std::nullopt);
}

TEST(EmeOaepSha256, DecodesWhatOpenSslEncryptedWithOaepSha256) {
  const Bytes c = ReferenceRsaEncrypt(SharedRsa3072(), RsaPadding::kOaepSha256, kR);
  auto em = ReferenceRsaDecrypt(SharedRsa3072(), RsaPadding::kNone, c);
  ASSERT_TRUE(em.has_value());
  ASSERT_EQ(em->size(), kK);
  auto r = EmeOaepSha256Decode(*em, kK);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Copy(*r), kR);
  // Without its leading zero, as some HSMs return raw RSA output.
  auto stripped = EmeOaepSha256Decode(ByteView(*em).subspan(1), kK);
  ASSERT_TRUE(stripped.ok()) << stripped.status().ToString();
  EXPECT_EQ(Copy(*stripped), kR);
}

TEST(EmeOaepSha256, EncodingsOfOneMessageDifferAndRoundTrip) {
  auto a = EmeOaepSha256Encode(kR, kK);
  auto b = EmeOaepSha256Encode(kR, kK);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(Copy(*a), Copy(*b));  // the seed is random
  auto r = EmeOaepSha256Decode(a->view(), kK);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Copy(*r), kR);
}

TEST(EmeOaepSha256, RefusesSha1EncodingsAndDamage) {
  const Bytes sha1 = ReferenceRsaEncrypt(SharedRsa3072(), RsaPadding::kOaepSha1, kR);
  auto sha1_em = ReferenceRsaDecrypt(SharedRsa3072(), RsaPadding::kNone, sha1);
  ASSERT_TRUE(sha1_em.has_value());
  auto refused = EmeOaepSha256Decode(*sha1_em, kK);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(refused.status().message(), "not a valid EME-OAEP (SHA-256) encoding");

  auto em = EmeOaepSha256Encode(kR, kK);
  ASSERT_TRUE(em.ok());
  for (std::size_t at : {std::size_t{0}, std::size_t{1}, std::size_t{40}, kK - 1}) {
    Bytes damaged = Copy(*em);
    damaged[at] ^= 0x01;
    EXPECT_EQ(EmeOaepSha256Decode(damaged, kK).status().code(), Code::kInvalidArgument) << at;
  }
  Bytes longer = Copy(*em);
  longer.insert(longer.begin(), 0x00);
  EXPECT_EQ(EmeOaepSha256Decode(longer, kK).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(EmeOaepSha256Decode({}, kK).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(EmeOaepSha256Decode(Bytes(kK, 0x00), kK).status().code(), Code::kInvalidArgument);
}

TEST(EmeOaepSha256, CarriesAtMostKMinus66Bytes) {
  EXPECT_EQ(EmeOaepSha256Capacity(kK), 318U);
  auto full = EmeOaepSha256Encode(Bytes(318, 0xA5), kK);
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  auto back = EmeOaepSha256Decode(full->view(), kK);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(Copy(*back), Bytes(318, 0xA5));
  auto too_long = EmeOaepSha256Encode(Bytes(319, 0xA5), kK);
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(EmeOaepSha256Encode(kR, 65).status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace tessera::hsm::testing
