#include <gtest/gtest.h>
#include <openssl/rsa.h>

#include "pkcs11/core/crypto/ecdsa_encoding.hpp"
#include "pkcs11/core/crypto/public_ops.hpp"
#include "pkcs11/core/crypto/rsa_padding.hpp"
#include "tests/unit/pkcs11/crypto/test_keys.hpp"

namespace tessera::p11::crypto {
namespace {

using testing::FlipBit;

ByteView Message() { return AsBytes("the quick brown fox"); }

Bytes CardSign(EVP_PKEY* key, const SignParams& params, ByteView tbs) {
  auto block = RsaSignInput(params, tbs, static_cast<std::size_t>(EVP_PKEY_get_bits(key)));
  EXPECT_TRUE(block.ok()) << block.status().ToString();
  return block.ok() ? testing::RawRsaPrivate(key, block->view()) : Bytes{};
}

void ExpectAcceptsOnlyTheRightSignature(EVP_PKEY* key, const SignParams& params, ByteView data,
                                        const Bytes& sig) {
  Status good = Verify(key, params, data, sig);
  EXPECT_TRUE(good.ok()) << good.ToString();
  EXPECT_TRUE(IsSignatureInvalid(Verify(key, params, data, FlipBit(sig, sig.size() / 2))));
  EXPECT_TRUE(IsSignatureInvalid(Verify(key, params, data, FlipBit(sig, sig.size() - 1))));
  Bytes other_data(data.begin(), data.end());
  other_data.back() ^= 0x80;
  EXPECT_TRUE(IsSignatureInvalid(Verify(key, params, other_data, sig)));
  // Wrong lengths are invalid signatures too, not errors.
  EXPECT_TRUE(IsSignatureInvalid(Verify(key, params, data, ByteView(sig).first(sig.size() - 1))));
  EXPECT_TRUE(IsSignatureInvalid(Verify(key, params, data, Concat({sig, HexOrDie("00")}))));
}

TEST(Verify, RsaPkcs1WithHashAcceptsItsSignatureOnly) {
  EVP_PKEY* key = testing::Rsa2048();
  SignParams params{SignScheme::kRsaPkcs1, Hash::kSha384};
  Bytes sig = CardSign(key, params, *DigestOnce(Hash::kSha384, Message()));
  ExpectAcceptsOnlyTheRightSignature(key, params, Message(), sig);
}

TEST(Verify, RsaPkcs1WithoutHashComparesTheWholeDigestInfo) {
  EVP_PKEY* key = testing::Rsa2048();
  SignParams params{SignScheme::kRsaPkcs1, std::nullopt};
  Bytes info = DigestInfo(Hash::kSha256, *DigestOnce(Hash::kSha256, Message()));
  Bytes sig = CardSign(key, params, info);
  ExpectAcceptsOnlyTheRightSignature(key, params, info, sig);
  // A prefix of what was signed is not what was signed.
  EXPECT_TRUE(IsSignatureInvalid(Verify(key, params, ByteView(info).first(10), sig)));
}

TEST(Verify, RsaPssWithAndWithoutHash) {
  EVP_PKEY* key = testing::Rsa2048();
  SignParams with_hash{SignScheme::kRsaPss, Hash::kSha256, Hash::kSha256, Hash::kSha1, 20};
  Bytes digest = *DigestOnce(Hash::kSha256, Message());
  Bytes sig = CardSign(key, with_hash, digest);
  ExpectAcceptsOnlyTheRightSignature(key, with_hash, Message(), sig);
  SignParams digest_only = with_hash;
  digest_only.hash = std::nullopt;
  ExpectAcceptsOnlyTheRightSignature(key, digest_only, digest, sig);
  // The salt length is part of the parameters.
  SignParams other_salt = digest_only;
  other_salt.salt_len = 32;
  EXPECT_TRUE(IsSignatureInvalid(Verify(key, other_salt, digest, sig)));
  // A salt length that would turn negative in OpenSSL's int is refused.
  SignParams huge_salt = digest_only;
  huge_salt.salt_len = SIZE_MAX;
  EXPECT_FALSE(Verify(key, huge_salt, digest, sig).ok());
  // A PSS input that is not a digest is a data error, not a bad signature.
  Status short_data = Verify(key, digest_only, ByteView(digest).first(20), sig);
  EXPECT_FALSE(short_data.ok());
  EXPECT_FALSE(IsSignatureInvalid(short_data));
}

TEST(Verify, RsaRawComparesTheLeftPaddedBlock) {
  EVP_PKEY* key = testing::Rsa2048();
  SignParams params{SignScheme::kRsaRaw, std::nullopt};
  Bytes data = HexOrDie("0102030405");
  Bytes sig = CardSign(key, params, data);
  ExpectAcceptsOnlyTheRightSignature(key, params, data, sig);
}

TEST(Verify, EcdsaOverDigestAndMessageOnBothCurves) {
  for (EVP_PKEY* key : {testing::P256(), testing::P384()}) {
    const std::size_t field = EVP_PKEY_get_bits(key) == 256 ? 32 : 48;
    Bytes digest = *DigestOnce(Hash::kSha256, Message());
    auto raw = EcdsaDerToRaw(testing::SignDigest(key, digest), field);
    ASSERT_TRUE(raw.ok());
    ExpectAcceptsOnlyTheRightSignature(key, {SignScheme::kEcdsa, std::nullopt}, digest, *raw);
    ExpectAcceptsOnlyTheRightSignature(key, {SignScheme::kEcdsa, Hash::kSha256}, Message(), *raw);
  }
}

TEST(Verify, EcdsaAcceptsTheCardsFieldLengthInputForALongerDigest) {
  EVP_PKEY* key = testing::P256();
  Bytes digest = *DigestOnce(Hash::kSha512, Message());
  auto input = EcdsaInput(digest, 32);
  ASSERT_TRUE(input.ok());
  auto raw = EcdsaDerToRaw(testing::SignDigest(key, *input), 32);
  ASSERT_TRUE(raw.ok());
  EXPECT_TRUE(Verify(key, {SignScheme::kEcdsa, Hash::kSha512}, Message(), *raw).ok());
  EXPECT_TRUE(Verify(key, {SignScheme::kEcdsa, std::nullopt}, digest, *raw).ok());
}

TEST(Verify, EddsaAcceptsOpenSslsSignatureOnly) {
  EVP_PKEY* key = testing::Ed25519();
  ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
  Bytes sig(64);
  std::size_t len = sig.size();
  ASSERT_EQ(EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key), 1);
  ASSERT_EQ(EVP_DigestSign(ctx.get(), sig.data(), &len, Message().data(), Message().size()), 1);
  ExpectAcceptsOnlyTheRightSignature(key, {SignScheme::kEddsa, std::nullopt}, Message(), sig);
  EXPECT_FALSE(Verify(key, {SignScheme::kEddsa, Hash::kSha256}, Message(), sig).ok());
}

TEST(Verify, SchemeThatDoesNotFitTheKeyIsAnErrorNotAnInvalidSignature) {
  Bytes sig(64, 0x01);
  Status rsa_on_ec =
      Verify(testing::P256(), {SignScheme::kRsaPkcs1, Hash::kSha256}, Message(), sig);
  Status ecdsa_on_rsa =
      Verify(testing::Rsa2048(), {SignScheme::kEcdsa, std::nullopt}, Message(), sig);
  Status eddsa_on_ec = Verify(testing::P256(), {SignScheme::kEddsa, std::nullopt}, Message(), sig);
  for (const Status& s : {rsa_on_ec, ecdsa_on_rsa, eddsa_on_ec}) {
    EXPECT_EQ(s.code(), Code::kInvalidArgument);
    EXPECT_FALSE(IsSignatureInvalid(s));
  }
}

}  // namespace
}  // namespace tessera::p11::crypto
