// Encryption and decryption call order (PKCS#11 3.0 §5.8, §5.10) and
// secret-key generation (§5.18 C_GenerateKey): size queries keep the
// operation, a finished or failed operation is gone, a second init is
// refused, and generated keys are what their templates say.
#include "tests/integration/pkcs11/conformance/cipher_fixture.hpp"
#include "tests/integration/pkcs11/conformance/object_templates.hpp"
#include "tests/integration/pkcs11/conformance/reference_crypto.hpp"

namespace tessera::testing::conformance {
namespace {

const Bytes kKey = HexOrDie("000102030405060708090A0B0C0D0E0F");

class CipherRulesTest : public CipherTest {
 protected:
  void SetUp() override {
    CipherTest::SetUp();
    key_ = CipherKey(CKK_AES, kKey);
  }
  CK_RV EncryptInit() { return f()->C_EncryptInit(session_, ecb_.get(), key_); }
  CK_OBJECT_HANDLE key_ = CK_INVALID_HANDLE;
  Mechanism ecb_{CKM_AES_ECB};
  Bytes plain_ = Bytes(32, 0x11);
};

TEST_F(CipherRulesTest, EncryptSizeQueriesKeepTheOperationAndLeaveTheBufferAlone) {
  ASSERT_THAT(EncryptInit(), IsRv(CKR_OK));
  CK_ULONG len = 0;
  ASSERT_THAT(f()->C_Encrypt(session_, plain_.data(), plain_.size(), nullptr, &len), IsRv(CKR_OK));
  EXPECT_GE(len, 32u);
  Bytes out(32, 0xAB);
  len = 31;
  ASSERT_THAT(f()->C_Encrypt(session_, plain_.data(), plain_.size(), out.data(), &len),
              IsRv(CKR_BUFFER_TOO_SMALL));
  EXPECT_EQ(len, 32u);
  EXPECT_EQ(out, Bytes(32, 0xAB));
  ASSERT_THAT(f()->C_Encrypt(session_, plain_.data(), plain_.size(), out.data(), &len),
              IsRv(CKR_OK));
  EXPECT_EQ(out, Cipher("AES-128-ECB", kKey, {}, plain_, true));
}

TEST_F(CipherRulesTest, ASecondEncryptInitIsOperationActiveAndEncryptEndsIt) {
  ASSERT_THAT(EncryptInit(), IsRv(CKR_OK));
  EXPECT_THAT(EncryptInit(), IsRv(CKR_OPERATION_ACTIVE));
  Bytes out(32);
  CK_ULONG len = out.size();
  ASSERT_THAT(f()->C_Encrypt(session_, plain_.data(), plain_.size(), out.data(), &len),
              IsRv(CKR_OK));
  len = out.size();
  EXPECT_THAT(f()->C_Encrypt(session_, plain_.data(), plain_.size(), out.data(), &len),
              IsRv(CKR_OPERATION_NOT_INITIALIZED));
  EXPECT_THAT(EncryptInit(), IsRv(CKR_OK));
}

TEST_F(CipherRulesTest, EncryptAfterEncryptUpdateIsOperationActive) {
  // §5.8 (C_Encrypt): it cannot end a multi-part operation.
  ASSERT_THAT(EncryptInit(), IsRv(CKR_OK));
  Bytes out(64);
  CK_ULONG len = out.size();
  ASSERT_THAT(f()->C_EncryptUpdate(session_, plain_.data(), 16, out.data(), &len), IsRv(CKR_OK));
  len = out.size();
  EXPECT_THAT(f()->C_Encrypt(session_, plain_.data(), plain_.size(), out.data(), &len),
              IsRv(CKR_OPERATION_ACTIVE));
}

TEST_F(CipherRulesTest, EveryCipherCallNeedsItsInit) {
  Bytes out(64);
  CK_ULONG len = out.size();
  EXPECT_THAT(f()->C_Encrypt(session_, plain_.data(), 16, out.data(), &len),
              IsRv(CKR_OPERATION_NOT_INITIALIZED));
  EXPECT_THAT(f()->C_EncryptUpdate(session_, plain_.data(), 16, out.data(), &len),
              IsRv(CKR_OPERATION_NOT_INITIALIZED));
  EXPECT_THAT(f()->C_EncryptFinal(session_, out.data(), &len), IsRv(CKR_OPERATION_NOT_INITIALIZED));
  EXPECT_THAT(f()->C_Decrypt(session_, plain_.data(), 16, out.data(), &len),
              IsRv(CKR_OPERATION_NOT_INITIALIZED));
  EXPECT_THAT(f()->C_DecryptUpdate(session_, plain_.data(), 16, out.data(), &len),
              IsRv(CKR_OPERATION_NOT_INITIALIZED));
  EXPECT_THAT(f()->C_DecryptFinal(session_, out.data(), &len), IsRv(CKR_OPERATION_NOT_INITIALIZED));
}

TEST_F(CipherRulesTest, AFailedEncryptEndsTheOperation) {
  // §5.8 (C_Encrypt): every call but CKR_BUFFER_TOO_SMALL and a successful
  // length query ends the operation.
  ASSERT_THAT(EncryptInit(), IsRv(CKR_OK));
  Bytes odd(17, 0x01);
  Bytes out(64);
  CK_ULONG len = out.size();
  ASSERT_THAT(f()->C_Encrypt(session_, odd.data(), odd.size(), out.data(), &len),
              IsRv(CKR_DATA_LEN_RANGE));
  len = out.size();
  EXPECT_THAT(f()->C_Encrypt(session_, plain_.data(), plain_.size(), out.data(), &len),
              IsRv(CKR_OPERATION_NOT_INITIALIZED));
}

TEST_F(CipherRulesTest, KeysThatDoNotFitTheOperationAreRefused) {
  CK_OBJECT_HANDLE no_encrypt = CK_INVALID_HANDLE;
  ASSERT_THAT(Create(session_, SecretKey(CKK_AES, kKey).Bool(CKA_ENCRYPT, false), &no_encrypt),
              IsRv(CKR_OK));
  EXPECT_THAT(f()->C_EncryptInit(session_, ecb_.get(), no_encrypt),
              IsRv(CKR_KEY_FUNCTION_NOT_PERMITTED));
  Mechanism rsa(CKM_RSA_PKCS);
  EXPECT_THAT(f()->C_EncryptInit(session_, rsa.get(), key_), IsRv(CKR_KEY_TYPE_INCONSISTENT));
  EXPECT_THAT(f()->C_EncryptInit(session_, ecb_.get(), kBadObject), IsRv(CKR_KEY_HANDLE_INVALID));
  Mechanism unknown(0x7FFF0042);
  EXPECT_THAT(f()->C_EncryptInit(session_, unknown.get(), key_), IsRv(CKR_MECHANISM_INVALID));
}

TEST_F(CipherRulesTest, AGeneratedAesSessionKeyIsLocalAndEncryptsLikeItsValue) {
  AttrList t;
  t.Ulong(CKA_VALUE_LEN, 32)
      .Bool(CKA_ENCRYPT, true)
      .Bool(CKA_SENSITIVE, false)
      .Bool(CKA_EXTRACTABLE, true);
  Mechanism gen(CKM_AES_KEY_GEN);
  CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
  ASSERT_THAT(f()->C_GenerateKey(session_, gen.get(), t.data(), t.size(), &h), IsRv(CKR_OK));
  EXPECT_FALSE(BoolAttribute(session_, h, CKA_TOKEN));
  EXPECT_TRUE(BoolAttribute(session_, h, CKA_LOCAL));
  EXPECT_EQ(UlongAttribute(session_, h, CKA_KEY_GEN_MECHANISM), CKM_AES_KEY_GEN);
  EXPECT_EQ(UlongAttribute(session_, h, CKA_KEY_TYPE), CKK_AES);
  const Bytes value = Attribute(session_, h, CKA_VALUE);
  ASSERT_EQ(value.size(), 32u);
  EXPECT_EQ(Encrypt(ecb_, h, plain_), Cipher("AES-256-ECB", value, {}, plain_, true));
}

TEST_F(CipherRulesTest, AGeneratedSensitiveKeyHidesItsValue) {
  // §4.10 (secret key objects): CKA_SENSITIVE true makes CKA_VALUE unreadable;
  // CKA_ALWAYS_SENSITIVE and CKA_NEVER_EXTRACTABLE record the key's history.
  AttrList t;
  t.Ulong(CKA_VALUE_LEN, 16).Bool(CKA_SENSITIVE, true).Bool(CKA_EXTRACTABLE, false);
  Mechanism gen(CKM_AES_KEY_GEN);
  CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
  ASSERT_THAT(f()->C_GenerateKey(session_, gen.get(), t.data(), t.size(), &h), IsRv(CKR_OK));
  Bytes value;
  EXPECT_THAT(ReadAttribute(session_, h, CKA_VALUE, &value), IsRv(CKR_ATTRIBUTE_SENSITIVE));
  EXPECT_TRUE(BoolAttribute(session_, h, CKA_ALWAYS_SENSITIVE));
  EXPECT_TRUE(BoolAttribute(session_, h, CKA_NEVER_EXTRACTABLE));
  CK_BBOOL no = CK_FALSE;
  CK_ATTRIBUTE back{CKA_SENSITIVE, &no, sizeof no};
  EXPECT_THAT(f()->C_SetAttributeValue(session_, h, &back, 1), IsRv(CKR_ATTRIBUTE_READ_ONLY))
      << "§4.10: CKA_SENSITIVE can only go from false to true";
}

TEST_F(CipherRulesTest, AGeneratedGenericSecretHasTheAskedLength) {
  AttrList t;
  t.Ulong(CKA_VALUE_LEN, 40).Bool(CKA_SIGN, true);
  Mechanism gen(CKM_GENERIC_SECRET_KEY_GEN);
  CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
  ASSERT_THAT(f()->C_GenerateKey(session_, gen.get(), t.data(), t.size(), &h), IsRv(CKR_OK));
  EXPECT_EQ(UlongAttribute(session_, h, CKA_VALUE_LEN), 40u);
  EXPECT_EQ(UlongAttribute(session_, h, CKA_KEY_TYPE), CKK_GENERIC_SECRET);
}

TEST_F(CipherRulesTest, AnAesKeyWithoutALengthIsTemplateIncomplete) {
  AttrList t;
  t.Bool(CKA_ENCRYPT, true);
  Mechanism gen(CKM_AES_KEY_GEN);
  CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
  EXPECT_THAT(f()->C_GenerateKey(session_, gen.get(), t.data(), t.size(), &h),
              IsRv(CKR_TEMPLATE_INCOMPLETE));
}

}  // namespace
}  // namespace tessera::testing::conformance
