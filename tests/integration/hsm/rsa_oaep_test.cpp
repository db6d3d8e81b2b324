// RSA-OAEP-SHA256 with a key inside SoftHSM2: the quirks flag picks the
// mechanism, and the split path (raw RSA in the HSM, padding on the host)
// interoperates with OpenSSL's RSA-OAEP-SHA256 in both directions.
#include "hsm/rsa_oaep.hpp"

#include <gtest/gtest.h>

#include "hsm/key_object.hpp"
#include "tests/integration/hsm/softhsm_fixture.hpp"
#include "tests/integration/hsm/test_rsa.hpp"

namespace tessera::hsm::testing {
namespace {

constexpr std::size_t kK = 384;
const Bytes kMessage = HexOrDie("c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf");
constexpr char kKeyLabel[] = "test-rsa";

class RsaOaepTest : public OpenTokenTest {
 protected:
  void SetUp() override {
    OpenTokenTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    PlantRsaPair(token(), kKeyLabel, SharedRsa3072());
    auto pub = RequireTokenObject(token().session(), ObjectClass::kPublicKey, kKeyLabel);
    auto priv = RequireTokenObject(token().session(), ObjectClass::kPrivateKey, kKeyLabel);
    ASSERT_TRUE(pub.ok() && priv.ok());
    public_key_ = *pub;
    private_key_ = *priv;
  }

  CK_OBJECT_HANDLE public_key_ = CK_INVALID_HANDLE;
  CK_OBJECT_HANDLE private_key_ = CK_INVALID_HANDLE;
};

TEST_F(RsaOaepTest, SoftHsm2EncryptsWhatOpenSslOpensWithOaepSha256) {
  ASSERT_FALSE(token().quirks().supports_rsa_oaep_sha256);
  auto c = RsaOaepSha256Encrypt(token().session(), token().quirks(), public_key_, kK, kMessage,
                                "test key");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(c->size(), kK);
  EXPECT_EQ(ReferenceRsaDecrypt(SharedRsa3072(), RsaPadding::kOaepSha256, *c), kMessage);
}

TEST_F(RsaOaepTest, SoftHsm2DecryptsWhatOpenSslEncryptedWithOaepSha256) {
  const Bytes c = ReferenceRsaEncrypt(SharedRsa3072(), RsaPadding::kOaepSha256, kMessage);
  auto m =
      RsaOaepSha256Decrypt(token().session(), token().quirks(), private_key_, kK, c, "test key");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(Bytes(m->view().begin(), m->view().end()), kMessage);
}

TEST_F(RsaOaepTest, TheQuirksFlagChoosesNativeOaepSha256) {
  // SoftHSM2 refuses OAEP with SHA-256, which shows the flag reached the HSM
  // as CKM_RSA_PKCS_OAEP(SHA-256); a refusal of the mechanism is the HSM's
  // failure, not a bad ciphertext.
  const HsmQuirks native{.supports_rsa_oaep_sha256 = true, .bad_ciphertext_is_general_error = true};
  auto c = RsaOaepSha256Encrypt(token().session(), native, public_key_, kK, kMessage, "test key");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("CKM_RSA_PKCS_OAEP (SHA-256)"), std::string::npos)
      << c.status().message();
  EXPECT_NE(c.status().message().find("CKR_ARGUMENTS_BAD"), std::string::npos);
  const Bytes good = ReferenceRsaEncrypt(SharedRsa3072(), RsaPadding::kOaepSha256, kMessage);
  auto m = RsaOaepSha256Decrypt(token().session(), native, private_key_, kK, good, "test key");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().code(), Code::kInvalidArgument) << m.status().ToString();
  EXPECT_NE(m.status().message().find("C_DecryptInit returned CKR_ARGUMENTS_BAD"),
            std::string::npos)
      << m.status().message();
}

TEST_F(RsaOaepTest, BadCiphertextIsInvalidArgumentOnlyWhereTheQuirkSaysSo) {
  Bytes above_modulus(kK, 0xFF);  // raw RSA refuses c >= n
  auto m = RsaOaepSha256Decrypt(token().session(), token().quirks(), private_key_, kK,
                                above_modulus, "test key");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), Code::kInvalidArgument);
  EXPECT_NE(m.status().message().find("C_Decrypt returned"), std::string::npos)
      << m.status().message();
  // Without the quirk, CKR_GENERAL_ERROR is the HSM failing.
  HsmQuirks strict = token().quirks();
  strict.bad_ciphertext_is_general_error = false;
  auto strict_m =
      RsaOaepSha256Decrypt(token().session(), strict, private_key_, kK, above_modulus, "test key");
  ASSERT_FALSE(strict_m.ok());
  EXPECT_EQ(strict_m.status().code(), Code::kInternal) << strict_m.status().ToString();
}

}  // namespace
}  // namespace tessera::hsm::testing
