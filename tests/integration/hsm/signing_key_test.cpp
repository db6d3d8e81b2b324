// hsm/signing_key against a real SoftHSM2 token: keys made for the CA, the
// OCSP responder and the audit checkpoints sign what OpenSSL verifies, and
// their private halves stay sensitive and unextractable.
#include "hsm/signing_key.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <string>

#include "common/crypto/hash.hpp"
#include "common/ossl.hpp"
#include "hsm/attribute_template.hpp"
#include "tests/integration/hsm/softhsm_fixture.hpp"

namespace tessera::hsm {
namespace {

using testing::OpenTokenTest;

// Verifies `signature` over `data` with the SPKI and the hash SignForX509 uses.
bool OpenSslVerifies(ByteView spki, SigningKeyType type, ByteView data, ByteView signature) {
  auto key = ossl::PublicKeyFromDer(spki);
  if (!key.ok()) return false;
  const EVP_MD* md = type == SigningKeyType::kP384 ? EVP_sha384() : EVP_sha256();
  ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, key->get()) != 1) return false;
  return EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), data.data(),
                          data.size()) == 1;
}

class SigningKeyTest : public OpenTokenTest,
                       public ::testing::WithParamInterface<SigningKeyType> {};

TEST_P(SigningKeyTest, SignaturesVerifyWithOpenSslAgainstTheExportedPublicKey) {
  HsmSession& session = token().session();
  auto key = GenerateSigningKey(session, GetParam(), "ca-test");
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  auto spki = SigningPublicKeyInfo(session, *key);
  ASSERT_TRUE(spki.ok()) << spki.status().ToString();

  const Bytes tbs = HexOrDie("30030201ff0102030405060708090a");
  auto signature = SignForX509(session, *key, tbs);
  ASSERT_TRUE(signature.ok()) << signature.status().ToString();
  EXPECT_TRUE(OpenSslVerifies(*spki, GetParam(), tbs, *signature));

  Bytes other = tbs;
  other.back() ^= 1;
  EXPECT_FALSE(OpenSslVerifies(*spki, GetParam(), other, *signature));
}

TEST_P(SigningKeyTest, PrivateKeyIsSensitiveNeverExtractableAndSignOnly) {
  HsmSession& session = token().session();
  auto key = GenerateSigningKey(session, GetParam(), "ca-attrs");
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(*ReadBool(session, key->private_key, Attr::kSensitive, "key"), true);
  EXPECT_EQ(*ReadBool(session, key->private_key, Attr::kExtractable, "key"), false);
  EXPECT_EQ(*ReadBool(session, key->private_key, Attr::kToken, "key"), true);
  EXPECT_EQ(*ReadBool(session, key->private_key, Attr::kPrivate, "key"), true);
  EXPECT_EQ(*ReadBool(session, key->private_key, Attr::kSign, "key"), true);
  EXPECT_EQ(*ReadBool(session, key->private_key, Attr::kDecrypt, "key"), false);
  // The private value cannot be read.
  auto value =
      ReadBytes(session, key->private_key,
                GetParam() == SigningKeyType::kRsa3072 ? static_cast<Attr>(CKA_PRIVATE_EXPONENT)
                                                       : Attr::kValue,
                "key");
  EXPECT_FALSE(value.ok());
  // Both halves carry the same CKA_ID.
  auto private_id = ReadBytes(session, key->private_key, static_cast<Attr>(CKA_ID), "key");
  auto public_id = ReadBytes(session, key->public_key, static_cast<Attr>(CKA_ID), "key");
  ASSERT_TRUE(private_id.ok() && public_id.ok());
  EXPECT_EQ(*private_id, *public_id);
  EXPECT_EQ(private_id->size(), 16U);
}

TEST_P(SigningKeyTest, FindSigningKeyReturnsTheSameKeyAndType) {
  HsmSession& session = token().session();
  auto made = GenerateSigningKey(session, GetParam(), "ca-find");
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  auto found = FindSigningKey(session, "ca-find");
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(found->private_key, made->private_key);
  EXPECT_EQ(found->public_key, made->public_key);
  EXPECT_EQ(found->type, GetParam());
  EXPECT_EQ(*SigningPublicKeyInfo(session, *found), *SigningPublicKeyInfo(session, *made));
}

INSTANTIATE_TEST_SUITE_P(AllTypes, SigningKeyTest,
                         ::testing::Values(SigningKeyType::kP256, SigningKeyType::kP384,
                                           SigningKeyType::kRsa3072),
                         [](const auto& p) { return std::string(ToString(p.param)); });

using SigningKeyErrorsTest = OpenTokenTest;

TEST_F(SigningKeyErrorsTest, SecondKeyWithTheSameLabelIsAlreadyExists) {
  HsmSession& session = token().session();
  ASSERT_TRUE(GenerateSigningKey(session, SigningKeyType::kP256, "dup").ok());
  auto again = GenerateSigningKey(session, SigningKeyType::kP384, "dup");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), Code::kAlreadyExists);
}

TEST_F(SigningKeyErrorsTest, UnknownLabelIsNotFound) {
  auto key = FindSigningKey(token().session(), "nobody");
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().code(), Code::kNotFound);
}

TEST_F(SigningKeyErrorsTest, KeyTypeWordsRoundTripAndOthersAreRefused) {
  for (auto type : {SigningKeyType::kP256, SigningKeyType::kP384, SigningKeyType::kRsa3072}) {
    EXPECT_EQ(*SigningKeyTypeFromString(ToString(type)), type);
  }
  EXPECT_EQ(SigningKeyTypeFromString("ed25519").status().code(), Code::kInvalidArgument);
}

TEST_F(SigningKeyErrorsTest, SignatureAlgorithmDerParsesAsTheExpectedOid) {
  for (auto [type, nid] : {std::pair{SigningKeyType::kP256, NID_ecdsa_with_SHA256},
                           std::pair{SigningKeyType::kP384, NID_ecdsa_with_SHA384},
                           std::pair{SigningKeyType::kRsa3072, NID_sha256WithRSAEncryption}}) {
    const Bytes der = SignatureAlgorithmDer(type);
    const unsigned char* p = der.data();
    X509_ALGOR* algor = d2i_X509_ALGOR(nullptr, &p, static_cast<long>(der.size()));
    ASSERT_NE(algor, nullptr);
    const ASN1_OBJECT* oid = nullptr;
    X509_ALGOR_get0(&oid, nullptr, nullptr, algor);
    EXPECT_EQ(OBJ_obj2nid(oid), nid);
    X509_ALGOR_free(algor);
  }
}

}  // namespace
}  // namespace tessera::hsm
