#include <gtest/gtest.h>
#include <openssl/crypto.h>
#include <openssl/rsa.h>

#include <vector>

#include "pkcs11/core/crypto/public_ops.hpp"
#include "pkcs11/core/crypto/rsa_padding.hpp"
#include "tests/unit/pkcs11/crypto/test_keys.hpp"

namespace tessera::p11::crypto {
namespace {

using testing::Copy;

// OpenSSL's private-key decryption with the same parameters.
Result<Bytes> OpenSslDecrypt(EVP_PKEY* key, const CipherParams& p, ByteView cipher) {
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new(key, nullptr));
  int mode = p.scheme == CipherScheme::kRsaOaep  ? RSA_PKCS1_OAEP_PADDING
             : p.scheme == CipherScheme::kRsaRaw ? RSA_NO_PADDING
                                                 : RSA_PKCS1_PADDING;
  bool ok = ctx && EVP_PKEY_decrypt_init(ctx.get()) == 1 &&
            EVP_PKEY_CTX_set_rsa_padding(ctx.get(), mode) == 1;
  if (ok && mode == RSA_PKCS1_OAEP_PADDING) {
    void* label = p.label.empty() ? nullptr : OPENSSL_memdup(p.label.data(), p.label.size());
    ok = EVP_PKEY_CTX_set_rsa_oaep_md(ctx.get(), HashMd(p.oaep_hash)) == 1 &&
         EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), HashMd(p.mgf1)) == 1 &&
         (label == nullptr || EVP_PKEY_CTX_set0_rsa_oaep_label(
                                  ctx.get(), label, static_cast<int>(p.label.size())) == 1);
  }
  std::size_t len = 512;
  Bytes out(len);
  if (!ok || EVP_PKEY_decrypt(ctx.get(), out.data(), &len, cipher.data(), cipher.size()) != 1) {
    return ossl::Error("decrypt");
  }
  out.resize(len);
  return out;
}

std::vector<CipherParams> Schemes() {
  return {
      {CipherScheme::kRsaPkcs1},
      {CipherScheme::kRsaOaep},
      {CipherScheme::kRsaOaep, Hash::kSha256, Hash::kSha256, {}},
      {CipherScheme::kRsaOaep, Hash::kSha384, Hash::kSha1, {0x6c, 0x61, 0x62, 0x65, 0x6c}},
  };
}

TEST(Encrypt, OpenSslDecryptsWhatWeEncrypt) {
  EVP_PKEY* key = testing::Rsa2048();
  const Bytes plain = HexOrDie("000102030405060708090a0b0c0d0e0f");
  for (const CipherParams& p : Schemes()) {
    auto cipher = Encrypt(key, p, plain);
    ASSERT_TRUE(cipher.ok()) << cipher.status().ToString();
    EXPECT_EQ(cipher->size(), 256u);
    auto back = OpenSslDecrypt(key, p, *cipher);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, plain);
  }
}

// The module's own round trip: host encryption, card raw op, host unpadding.
TEST(Encrypt, RoundTripsThroughRawDecryptionAndRsaDecryptOutput) {
  EVP_PKEY* key = testing::Rsa2048();
  const Bytes plain = HexOrDie("cafebabe");
  for (const CipherParams& p : Schemes()) {
    auto cipher = Encrypt(key, p, plain);
    ASSERT_TRUE(cipher.ok());
    auto back = RsaDecryptOutput(p, testing::RawRsaPrivate(key, *cipher), 2048);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(Copy(back->view()), plain);
  }
}

TEST(Encrypt, RawLeftPadsShortInput) {
  EVP_PKEY* key = testing::Rsa2048();
  CipherParams raw{CipherScheme::kRsaRaw};
  auto cipher = Encrypt(key, raw, HexOrDie("1234"));
  ASSERT_TRUE(cipher.ok()) << cipher.status().ToString();
  auto back = OpenSslDecrypt(key, raw, *cipher);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, Concat({Bytes(254, 0x00), HexOrDie("1234")}));
}

TEST(Encrypt, RejectsPlaintextTooLongForThePadding) {
  EVP_PKEY* key = testing::Rsa2048();
  EXPECT_TRUE(Encrypt(key, {CipherScheme::kRsaPkcs1}, Bytes(245)).ok());
  EXPECT_EQ(Encrypt(key, {CipherScheme::kRsaPkcs1}, Bytes(246)).status().code(),
            Code::kInvalidArgument);
  CipherParams oaep256{CipherScheme::kRsaOaep, Hash::kSha256, Hash::kSha256, {}};
  EXPECT_TRUE(Encrypt(key, oaep256, Bytes(190)).ok());
  EXPECT_FALSE(Encrypt(key, oaep256, Bytes(191)).ok());
  EXPECT_FALSE(Encrypt(key, {CipherScheme::kRsaRaw}, Bytes(257)).ok());
  // All ones is above any 2048-bit modulus.
  EXPECT_EQ(Encrypt(key, {CipherScheme::kRsaRaw}, Bytes(256, 0xFF)).status().code(),
            Code::kInvalidArgument);
}

TEST(Encrypt, RejectsNonRsaKeys) {
  EXPECT_FALSE(Encrypt(testing::P256(), {CipherScheme::kRsaPkcs1}, Bytes(4)).ok());
}

}  // namespace
}  // namespace tessera::p11::crypto
