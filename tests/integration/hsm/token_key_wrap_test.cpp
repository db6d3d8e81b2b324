// hsm/token_key_wrap against a real SoftHSM2 token: a P-256 key made in the
// HSM and wrapped to a token key F0 opens with the host reference
// (crypto::EcdhAesKeyUnwrap) to a PKCS#8 of that key; the key signs what
// OpenSSL verifies, cannot be read, and the SoftHSM2 row of the quirks table
// is what SoftHSM2 does.
#include "hsm/token_key_wrap.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <tuple>

#include "common/crypto/ecdh_aes_wrap.hpp"
#include "common/ossl.hpp"
#include "common/piv/key_material.hpp"
#include "common/piv/wrapped_key.hpp"
#include "hsm/attribute_template.hpp"
#include "tests/integration/hsm/softhsm_fixture.hpp"

namespace tessera::hsm {
namespace {

using testing::OpenTokenTest;

constexpr std::size_t kP256Pkcs8Size = 67;  // no parameters, no public key inside

struct Opened {
  ossl::PkeyPtr key;
  std::size_t der_size = 0;  // the PKCS#8 itself
  Bytes rest;                // what followed it in the KWP plaintext
};

// The KWP plaintext as a PKCS#8 followed by whatever the HSM put after it.
Result<Opened> OpenBlob(EVP_PKEY* f0, crypto::Hash hash, std::size_t kek_bytes, ByteView shared,
                        ByteView blob) {
  crypto::EcdhAesWrapParams params{hash, kek_bytes, shared};
  TESSERA_ASSIGN_OR_RETURN(SecureBytes plain, crypto::EcdhAesKeyUnwrap(f0, params, blob));
  const unsigned char* p = plain.data();
  ossl::Pkcs8InfoPtr info(d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(plain.size())));
  if (!info) return Status::Corrupt("not a PKCS#8");
  Opened out;
  out.key.reset(EVP_PKCS82PKEY(info.get()));
  if (!out.key) return Status::Corrupt("PKCS#8 without a usable key");
  out.der_size = static_cast<std::size_t>(p - plain.data());
  const unsigned char* end = plain.data() + plain.size();
  out.rest.assign(p, end);
  return out;
}

bool OpenSslVerifies(ByteView spki, ByteView data, ByteView signature) {
  auto key = ossl::PublicKeyFromDer(spki);
  ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
  return key.ok() && ctx &&
         EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key->get()) == 1 &&
         EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), data.data(),
                          data.size()) == 1;
}

class TokenKeyWrapTest : public OpenTokenTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenTokenTest::SetUp());
    f0_.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    ASSERT_NE(f0_, nullptr);
    auto spki = ossl::PublicKeyToDer(f0_.get());
    ASSERT_TRUE(spki.ok());
    params_.token_key = *spki;
    params_.shared_data = piv::wrap::EncodeSharedData({0x01020304, 0x9C, {'c', 'm', 's'}});
  }

  EVP_PKEY* f0() { return f0_.get(); }

  ossl::PkeyPtr f0_;
  TokenWrapParams params_;
};

TEST_F(TokenKeyWrapTest, BlobOpensOnTheHostToThePkcs8OfTheHsmKey) {
  HsmSession& session = token().session();
  auto pair = GenerateDeliverableP256(session);
  ASSERT_TRUE(pair.ok()) << pair.status().ToString();
  auto spki = EcPublicKeyInfo(session, pair->public_key.handle());
  ASSERT_TRUE(spki.ok()) << spki.status().ToString();
  auto blob = WrapToTokenKey(session, token().quirks(), pair->private_key.handle(), params_);
  ASSERT_TRUE(blob.ok()) << blob.status().ToString();
  ASSERT_GT(blob->size(), piv::wrap::kPointSize);
  EXPECT_EQ((*blob)[0], 0x04);  // the ephemeral point, uncompressed

  auto opened = OpenBlob(f0(), crypto::Hash::kSha256, 32, params_.shared_data, *blob);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(opened->der_size, kP256Pkcs8Size);
  // The PKCS#8 carries no public key; OpenSSL computes it from the scalar.
  EXPECT_EQ(ToHex(*ossl::PublicKeyToDer(opened->key.get())), ToHex(*spki));
  // SoftHSM2 2.6.1 zero-fills the PKCS#8 to 72 bytes before the KWP
  // (quirks.key_wrap_pad_zero_fills): the fill is inside the integrity check.
  ASSERT_TRUE(token().quirks().key_wrap_pad_zero_fills);
  EXPECT_EQ(ToHex(opened->rest), "0000000000");
  EXPECT_EQ(blob->size(), piv::wrap::kPointSize + 72 + 8);
}

TEST_F(TokenKeyWrapTest, SignatureVerifiesWithOpenSsl) {
  HsmSession& session = token().session();
  auto pair = GenerateDeliverableP256(session);
  ASSERT_TRUE(pair.ok()) << pair.status().ToString();
  auto spki = EcPublicKeyInfo(session, pair->public_key.handle());
  ASSERT_TRUE(spki.ok());
  const Bytes data = Concat({AsBytes("certification request info")});
  auto signature = SignWithDeliverable(session, pair->private_key.handle(), data);
  ASSERT_TRUE(signature.ok()) << signature.status().ToString();
  EXPECT_EQ((*signature)[0], 0x30);  // DER Ecdsa-Sig-Value
  EXPECT_TRUE(OpenSslVerifies(*spki, data, *signature));
  Bytes other = data;
  other[0] ^= 1;
  EXPECT_FALSE(OpenSslVerifies(*spki, other, *signature));
}

TEST_F(TokenKeyWrapTest, AnyChangedSharedDataByteFailsTheIntegrityCheck) {
  HsmSession& session = token().session();
  auto pair = GenerateDeliverableP256(session);
  ASSERT_TRUE(pair.ok());
  auto blob = WrapToTokenKey(session, token().quirks(), pair->private_key.handle(), params_);
  ASSERT_TRUE(blob.ok()) << blob.status().ToString();
  for (std::size_t i = 0; i < params_.shared_data.size(); ++i) {
    Bytes shared = params_.shared_data;
    shared[i] ^= 0x01;
    EXPECT_EQ(OpenBlob(f0(), crypto::Hash::kSha256, 32, shared, *blob).status().code(),
              Code::kSignatureInvalid)
        << "byte " << i;
  }
  ossl::PkeyPtr other(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  EXPECT_EQ(
      OpenBlob(other.get(), crypto::Hash::kSha256, 32, params_.shared_data, *blob).status().code(),
      Code::kSignatureInvalid);
}

TEST_F(TokenKeyWrapTest, PrivateKeyIsSensitiveAndCannotBeRead) {
  HsmSession& session = token().session();
  auto pair = GenerateDeliverableP256(session);
  ASSERT_TRUE(pair.ok());
  const CK_OBJECT_HANDLE key = pair->private_key.handle();
  EXPECT_EQ(*ReadBool(session, key, Attr::kSensitive, "key"), true);
  EXPECT_EQ(*ReadBool(session, key, Attr::kExtractable, "key"), true);
  EXPECT_EQ(*ReadBool(session, key, Attr::kToken, "key"), false);
  EXPECT_EQ(*ReadBool(session, key, Attr::kSign, "key"), true);
  EXPECT_EQ(*ReadBool(session, key, Attr::kDecrypt, "key"), false);
  EXPECT_EQ(*ReadBool(session, key, Attr::kDerive, "key"), false);
  auto value = ReadBytes(session, key, Attr::kValue, "key");
  EXPECT_FALSE(value.ok());
  EXPECT_EQ(value.status().code(), Code::kSecurityStatus);
}

class TokenKeyWrapKdfTest
    : public TokenKeyWrapTest,
      public ::testing::WithParamInterface<std::tuple<CK_ULONG, std::size_t>> {};

TEST_P(TokenKeyWrapKdfTest, EveryKdfAndKekSizeOpensOnTheHost) {
  const auto [kdf, kek_bytes] = GetParam();
  const crypto::Hash hash = kdf == CKD_SHA256_KDF   ? crypto::Hash::kSha256
                            : kdf == CKD_SHA384_KDF ? crypto::Hash::kSha384
                                                    : crypto::Hash::kSha512;
  HsmSession& session = token().session();
  auto pair = GenerateDeliverableP256(session);
  ASSERT_TRUE(pair.ok());
  params_.kdf = kdf;
  params_.kek_bytes = kek_bytes;
  // A bare point works as well as an SPKI.
  params_.token_key = *piv::EcPublicPoint(f0(), *piv::CurveOf(piv::Algorithm::kEccP256));
  auto blob = WrapToTokenKey(session, token().quirks(), pair->private_key.handle(), params_);
  ASSERT_TRUE(blob.ok()) << blob.status().ToString();
  auto opened = OpenBlob(f0(), hash, kek_bytes, params_.shared_data, *blob);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(ToHex(*ossl::PublicKeyToDer(opened->key.get())),
            ToHex(*EcPublicKeyInfo(session, pair->public_key.handle())));
  // The KEK's size is part of the format: another size does not open it.
  const std::size_t other = kek_bytes == 32 ? 16 : 32;
  EXPECT_EQ(OpenBlob(f0(), hash, other, params_.shared_data, *blob).status().code(),
            Code::kSignatureInvalid);
}

INSTANTIATE_TEST_SUITE_P(AllKdfs, TokenKeyWrapKdfTest,
                         ::testing::Combine(::testing::Values(CKD_SHA256_KDF, CKD_SHA384_KDF,
                                                              CKD_SHA512_KDF),
                                            ::testing::Values(16u, 24u, 32u)));

TEST_F(TokenKeyWrapTest, TokenKeysOtherThanP256AndBadParametersAreInvalidArguments) {
  HsmSession& session = token().session();
  auto pair = GenerateDeliverableP256(session);
  ASSERT_TRUE(pair.ok());
  auto wrap = [&](const TokenWrapParams& p) {
    return WrapToTokenKey(session, token().quirks(), pair->private_key.handle(), p).status().code();
  };
  ossl::PkeyPtr p384(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"));
  TokenWrapParams p = params_;
  p.token_key = *ossl::PublicKeyToDer(p384.get());
  EXPECT_EQ(wrap(p), Code::kInvalidArgument);
  ossl::PkeyPtr rsa(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048}));
  p.token_key = *ossl::PublicKeyToDer(rsa.get());
  EXPECT_EQ(wrap(p), Code::kInvalidArgument);
  p.token_key = Bytes(65, 0x04);  // a point's length, not on the curve
  EXPECT_EQ(wrap(p), Code::kInvalidArgument);
  p = params_;
  p.kek_bytes = 20;
  EXPECT_EQ(wrap(p), Code::kInvalidArgument);
  p = params_;
  p.kdf = CKD_NULL;  // binds no shared data
  EXPECT_EQ(wrap(p), Code::kInvalidArgument);
}

// The SoftHSM2 row (hsm_quirks.cpp) against what SoftHSM2 2.6.1 does.
TEST_F(TokenKeyWrapTest, SoftHsmRowMatchesTheModule) {
  const HsmQuirks& quirks = token().quirks();
  EXPECT_FALSE(quirks.supports_ecdh_aes_key_wrap);
  EXPECT_FALSE(quirks.supports_ecdh_x963_kdf);
  EXPECT_TRUE(quirks.key_wrap_pad_zero_fills);
  CK_MECHANISM_INFO info{};
  EXPECT_EQ(library_->functions().C_GetMechanismInfo(token().slot(), CKM_ECDH_AES_KEY_WRAP, &info),
            static_cast<CK_RV>(CKR_MECHANISM_INVALID));
  EXPECT_EQ(library_->functions().C_GetMechanismInfo(token().slot(), CKM_ECDH1_DERIVE, &info),
            static_cast<CK_RV>(CKR_OK));

  // The other paths name their mechanism when the flags claim more than the
  // HSM does.
  HsmSession& session = token().session();
  auto pair = GenerateDeliverableP256(session);
  ASSERT_TRUE(pair.ok());
  HsmQuirks claims = quirks;
  claims.supports_ecdh_x963_kdf = true;
  auto derived = WrapToTokenKey(session, claims, pair->private_key.handle(), params_);
  ASSERT_FALSE(derived.ok());
  EXPECT_NE(derived.status().message().find("CKM_ECDH1_DERIVE"), std::string::npos);
  EXPECT_NE(derived.status().message().find("CKR_MECHANISM_PARAM_INVALID"), std::string::npos);
  claims.supports_ecdh_aes_key_wrap = true;
  auto one_call = WrapToTokenKey(session, claims, pair->private_key.handle(), params_);
  ASSERT_FALSE(one_call.ok());
  EXPECT_NE(one_call.status().message().find("CKM_ECDH_AES_KEY_WRAP"), std::string::npos);
}

}  // namespace
}  // namespace tessera::hsm
