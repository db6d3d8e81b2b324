#include <gtest/gtest.h>
#include <openssl/rsa.h>

#include "pkcs11/core/crypto/public_ops.hpp"
#include "pkcs11/core/crypto/rsa_padding.hpp"
#include "tests/unit/pkcs11/crypto/test_keys.hpp"

namespace tessera::p11::crypto {
namespace {

using testing::Copy;
using testing::RawRsaPrivate;

constexpr std::size_t kBits = 2048;

// OpenSSL alone encrypts, so our OAEP decoder is checked against its encoder.
Bytes OpenSslEncrypt(EVP_PKEY* key, const CipherParams& p, ByteView plain) {
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new(key, nullptr));
  bool oaep = p.scheme == CipherScheme::kRsaOaep;
  std::size_t len = 256;
  Bytes out(len);
  void* label = p.label.empty() ? nullptr : OPENSSL_memdup(p.label.data(), p.label.size());
  bool ok = ctx && EVP_PKEY_encrypt_init(ctx.get()) == 1 &&
            EVP_PKEY_CTX_set_rsa_padding(ctx.get(),
                                         oaep ? RSA_PKCS1_OAEP_PADDING : RSA_PKCS1_PADDING) == 1;
  if (ok && oaep) {
    ok = EVP_PKEY_CTX_set_rsa_oaep_md(ctx.get(), HashMd(p.oaep_hash)) == 1 &&
         EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), HashMd(p.mgf1)) == 1 &&
         (label == nullptr || EVP_PKEY_CTX_set0_rsa_oaep_label(
                                  ctx.get(), label, static_cast<int>(p.label.size())) == 1);
  } else {
    OPENSSL_free(label);
  }
  ok = ok && EVP_PKEY_encrypt(ctx.get(), out.data(), &len, plain.data(), plain.size()) == 1;
  EXPECT_TRUE(ok) << ossl::DrainErrors();
  out.resize(len);
  return out;
}

CipherParams Oaep(Hash hash, Hash mgf1, Bytes label) {
  return {CipherScheme::kRsaOaep, hash, mgf1, std::move(label)};
}

TEST(RsaDecryptOutput, OaepRecoversWhatOpenSslEncryptedWithLabelAndHashes) {
  EVP_PKEY* key = testing::Rsa2048();
  const Bytes secret = HexOrDie("00112233445566778899aabbccddeeff");
  const CipherParams cases[] = {
      Oaep(Hash::kSha1, Hash::kSha1, {}),
      Oaep(Hash::kSha256, Hash::kSha256, Copy(AsBytes("label"))),
      Oaep(Hash::kSha256, Hash::kSha1, {0x01, 0x02}),
      Oaep(Hash::kSha384, Hash::kSha512, {0x7F}),
  };
  for (const CipherParams& p : cases) {
    Bytes block = RawRsaPrivate(key, OpenSslEncrypt(key, p, secret));
    auto plain = RsaDecryptOutput(p, block, kBits);
    ASSERT_TRUE(plain.ok()) << HashName(p.oaep_hash) << "/" << HashName(p.mgf1);
    EXPECT_EQ(Copy(plain->view()), secret);
  }
}

TEST(RsaDecryptOutput, OaepRecoversEmptyAndMaximumLengthMessages) {
  EVP_PKEY* key = testing::Rsa2048();
  CipherParams p = Oaep(Hash::kSha256, Hash::kSha256, {});
  for (std::size_t len : {std::size_t{0}, std::size_t{256 - 2 * 32 - 2}}) {
    Bytes secret(len, 0x5A);
    auto plain = RsaDecryptOutput(p, RawRsaPrivate(key, OpenSslEncrypt(key, p, secret)), kBits);
    ASSERT_TRUE(plain.ok()) << len;
    EXPECT_EQ(Copy(plain->view()), secret);
  }
}

TEST(RsaDecryptOutput, OaepRejectsWrongLabelHashOrMgf1) {
  EVP_PKEY* key = testing::Rsa2048();
  CipherParams p = Oaep(Hash::kSha256, Hash::kSha256, {0x01});
  Bytes block = RawRsaPrivate(key, OpenSslEncrypt(key, p, Bytes(16, 0x33)));
  CipherParams other_label = Oaep(Hash::kSha256, Hash::kSha256, {0x02});
  CipherParams other_hash = Oaep(Hash::kSha384, Hash::kSha256, {0x01});
  CipherParams other_mgf1 = Oaep(Hash::kSha256, Hash::kSha1, {0x01});
  for (const CipherParams* q : {&other_label, &other_hash, &other_mgf1}) {
    auto plain = RsaDecryptOutput(*q, block, kBits);
    ASSERT_FALSE(plain.ok());
    EXPECT_EQ(plain.status().message(), "decryption failed");
  }
}

// Every corruption of the decrypted block fails the same way.
TEST(RsaDecryptOutput, OaepRejectsCorruptedBlocksWithOneError) {
  EVP_PKEY* key = testing::Rsa2048();
  CipherParams p = Oaep(Hash::kSha1, Hash::kSha1, {});
  Bytes block = RawRsaPrivate(key, OpenSslEncrypt(key, p, Bytes(16, 0x33)));
  for (std::size_t i :
       {std::size_t{0}, std::size_t{1}, std::size_t{25}, std::size_t{200}, std::size_t{255}}) {
    Bytes bad = testing::FlipBit(block, i);
    if (i == 0) bad[0] = 0x01;
    auto plain = RsaDecryptOutput(p, bad, kBits);
    ASSERT_FALSE(plain.ok()) << i;
    EXPECT_EQ(plain.status().message(), "decryption failed");
  }
}

TEST(RsaDecryptOutput, Pkcs1RecoversWhatOpenSslEncrypted) {
  EVP_PKEY* key = testing::Rsa2048();
  CipherParams p{CipherScheme::kRsaPkcs1};
  for (std::size_t len : {std::size_t{0}, std::size_t{1}, std::size_t{32}, std::size_t{245}}) {
    Bytes secret(len, 0xC3);
    auto plain = RsaDecryptOutput(p, RawRsaPrivate(key, OpenSslEncrypt(key, p, secret)), kBits);
    ASSERT_TRUE(plain.ok()) << len;
    EXPECT_EQ(Copy(plain->view()), secret);
  }
}

// 00 02 PS 00 M with PS = `ps_len` bytes of 0x11.
Bytes Type2(std::size_t ps_len, std::size_t k) {
  Bytes em = Concat({Bytes{0x00, 0x02}, Bytes(ps_len, 0x11), Bytes{0x00}});
  em.resize(k, 0xEE);
  return em;
}

TEST(RsaDecryptOutput, Pkcs1ChecksTypeSeparatorAndPaddingLength) {
  CipherParams p{CipherScheme::kRsaPkcs1};
  auto ok = RsaDecryptOutput(p, Type2(8, 128), 1024);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->size(), 128u - 11u);
  Bytes type1 = Type2(8, 128);
  type1[1] = 0x01;
  Bytes lead = Type2(8, 128);
  lead[0] = 0x01;
  Bytes no_separator(128, 0x11);
  no_separator[1] = 0x02;
  no_separator[0] = 0x00;
  for (const Bytes& bad : {Type2(7, 128), Type2(0, 128), type1, lead, no_separator}) {
    auto plain = RsaDecryptOutput(p, bad, 1024);
    ASSERT_FALSE(plain.ok());
    EXPECT_EQ(plain.status().message(), "decryption failed");
  }
}

TEST(RsaDecryptOutput, ShortBlocksAreLeftPaddedAndLongOnesRejected) {
  CipherParams raw{CipherScheme::kRsaRaw};
  auto padded = RsaDecryptOutput(raw, HexOrDie("abcd"), 1024);
  ASSERT_TRUE(padded.ok());
  EXPECT_EQ(Copy(padded->view()), Concat({Bytes(126, 0x00), HexOrDie("abcd")}));
  // A type-2 block whose leading 00 the card dropped.
  Bytes short_block = Type2(10, 128);
  short_block.erase(short_block.begin());
  EXPECT_TRUE(RsaDecryptOutput({CipherScheme::kRsaPkcs1}, short_block, 1024).ok());
  EXPECT_FALSE(RsaDecryptOutput(raw, Bytes(129, 0x00), 1024).ok());
}

TEST(RsaDecryptOutput, RawReturnsTheWholeBlock) {
  Bytes block(256, 0x77);
  auto out = RsaDecryptOutput({CipherScheme::kRsaRaw}, block, kBits);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(Copy(out->view()), block);
}

}  // namespace
}  // namespace tessera::p11::crypto
