// Logins and PIN management through the C API against a real tessera-sim
// (PKCS#11 2.40 §5.5 C_InitToken, C_InitPIN, C_SetPIN; §5.6 C_Login with
// CKU_CONTEXT_SPECIFIC), with the PIV meanings docs/pkcs11-module.md gives
// them: the SO PIN is the management key in hex, C_InitPIN takes
// "<PUK>:<new PIN>", C_InitToken resets the applet.
#include "tests/integration/pkcs11/api_fixture.hpp"
#include "tests/integration/pkcs11/api_openssl.hpp"

namespace tessera::testing {
namespace {

constexpr std::string_view kOtherSoPin = "0f0e0d0c0b0a09080706050403020100a1a2a3a4a5a6a7a8";

class ApiLoginTest : public ApiTest {
 protected:
  CK_RV SetPin(CK_SESSION_HANDLE s, std::string old_pin, std::string new_pin) {
    return module_->C_SetPIN(s, reinterpret_cast<CK_UTF8CHAR*>(old_pin.data()), old_pin.size(),
                             reinterpret_cast<CK_UTF8CHAR*>(new_pin.data()), new_pin.size());
  }
  CK_RV InitPin(CK_SESSION_HANDLE s, std::string pin) {
    return module_->C_InitPIN(s, reinterpret_cast<CK_UTF8CHAR*>(pin.data()), pin.size());
  }
  CK_RV InitToken(std::string so_pin) {
    CK_UTF8CHAR label[32];
    std::fill(std::begin(label), std::end(label), ' ');
    return module_->C_InitToken(slot_, reinterpret_cast<CK_UTF8CHAR*>(so_pin.data()), so_pin.size(),
                                label);
  }
  // C_Sign of a fixed message in the operation C_SignInit started.
  CK_RV SignOnce(CK_SESSION_HANDLE s, Bytes* sig) {
    Bytes data = HexOrDie("0102030405");
    sig->resize(64);
    CK_ULONG len = sig->size();
    return module_->C_Sign(s, data.data(), data.size(), sig->data(), &len);
  }
};

TEST_F(ApiLoginTest, TheSignatureKeyWantsTheContextSpecificLoginBeforeEachSignature) {
  CK_SESSION_HANDLE s = UserSession();
  KeyPair key;
  ASSERT_NO_FATAL_FAILURE(key = GenerateEc(s, P256Params(), 0x02));
  ASSERT_TRUE(BoolAttribute(s, key.private_key, CKA_ALWAYS_AUTHENTICATE));
  ossl::PkeyPtr pub = PublicKey(s, key.public_key);
  CK_MECHANISM m{CKM_ECDSA_SHA256, nullptr, 0};
  Bytes sig;

  // §5.6: C_Login(CKU_CONTEXT_SPECIFIC) after the Init, before the operation.
  ASSERT_EQ(module_->C_SignInit(s, &m, key.private_key), CKR_OK);
  ASSERT_EQ(Login(s, CKU_CONTEXT_SPECIFIC, kUserPin), CKR_OK);
  ASSERT_EQ(SignOnce(s, &sig), CKR_OK);
  EXPECT_TRUE(
      VerifiedByOpenSsl(pub.get(), {Scheme::kEcdsa, EVP_sha256()}, HexOrDie("0102030405"), sig));

  // Without it, the card refuses (the PIN was used up by the last signature).
  ASSERT_EQ(module_->C_SignInit(s, &m, key.private_key), CKR_OK);
  EXPECT_EQ(SignOnce(s, &sig), CKR_USER_NOT_LOGGED_IN);
  EXPECT_EQ(SignOnce(s, &sig), CKR_OPERATION_NOT_INITIALIZED)
      << "the failed C_Sign ended the operation";
  EXPECT_EQ(Login(s, CKU_CONTEXT_SPECIFIC, kUserPin), CKR_OPERATION_NOT_INITIALIZED);

  // A wrong PIN is the card's answer, and the session stays logged in.
  ASSERT_EQ(module_->C_SignInit(s, &m, key.private_key), CKR_OK);
  EXPECT_EQ(Login(s, CKU_CONTEXT_SPECIFIC, "000000"), CKR_PIN_INCORRECT);
  ASSERT_EQ(Login(s, CKU_CONTEXT_SPECIFIC, kUserPin), CKR_OK);
  EXPECT_EQ(SignOnce(s, &sig), CKR_OK);
  CK_SESSION_INFO info{};
  ASSERT_EQ(module_->C_GetSessionInfo(s, &info), CKR_OK);
  EXPECT_EQ(info.state, CKS_RW_USER_FUNCTIONS);

  // Other keys need no context login.
  KeyPair plain;
  ASSERT_NO_FATAL_FAILURE(plain = GenerateEc(s, P256Params(), 0x01));
  ASSERT_EQ(module_->C_SignInit(s, &m, plain.private_key), CKR_OK);
  EXPECT_EQ(SignOnce(s, &sig), CKR_OK);
  ASSERT_EQ(module_->C_SignInit(s, &m, plain.private_key), CKR_OK);
  EXPECT_EQ(SignOnce(s, &sig), CKR_OK);
}

TEST_F(ApiLoginTest, AContextSpecificLoginNeedsAnOperationAndAUser) {
  CK_SESSION_HANDLE s = Open();
  EXPECT_EQ(Login(s, CKU_CONTEXT_SPECIFIC, kUserPin), CKR_OPERATION_NOT_INITIALIZED);
  ASSERT_EQ(Login(s, CKU_USER, kUserPin), CKR_OK);
  EXPECT_EQ(Login(s, CKU_CONTEXT_SPECIFIC, kUserPin), CKR_OPERATION_NOT_INITIALIZED);
  CK_MECHANISM sha{CKM_SHA256, nullptr, 0};
  ASSERT_EQ(module_->C_DigestInit(s, &sha), CKR_OK);
  EXPECT_EQ(Login(s, CKU_CONTEXT_SPECIFIC, kUserPin), CKR_OPERATION_NOT_INITIALIZED)
      << "a digest uses no key";
}

TEST_F(ApiLoginTest, SetPinAsTheUserChangesThePin) {
  CK_SESSION_HANDLE s = UserSession();
  EXPECT_EQ(SetPin(s, "000000", "654321"), CKR_PIN_INCORRECT);
  EXPECT_EQ(SetPin(s, "123456", "12345"), CKR_PIN_LEN_RANGE);
  ASSERT_EQ(SetPin(s, "123456", "654321"), CKR_OK);
  ASSERT_EQ(module_->C_Logout(s), CKR_OK);
  EXPECT_EQ(Login(s, CKU_USER, kUserPin), CKR_PIN_INCORRECT);
  EXPECT_EQ(Login(s, CKU_USER, "654321"), CKR_OK);
  CK_SESSION_HANDLE ro = Open(false);
  EXPECT_EQ(SetPin(ro, "654321", "123456"), CKR_SESSION_READ_ONLY);
}

TEST_F(ApiLoginTest, InitPinAsTheSoUnblocksWithThePuk) {
  CK_SESSION_HANDLE s = Open();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Login(s, CKU_USER, "000000"), CKR_PIN_INCORRECT);
  EXPECT_EQ(Login(s, CKU_USER, kUserPin), CKR_PIN_LOCKED);
  EXPECT_EQ(InitPin(s, "12345678:654321"), CKR_USER_NOT_LOGGED_IN) << "only the SO may";

  ASSERT_EQ(Login(s, CKU_SO, kSoPin), CKR_OK);
  EXPECT_EQ(InitPin(s, "12345678:123"), CKR_PIN_LEN_RANGE);
  EXPECT_EQ(InitPin(s, "87654321:654321"), CKR_PIN_INCORRECT) << "a wrong PUK";
  ASSERT_EQ(InitPin(s, "12345678:654321"), CKR_OK);
  ASSERT_EQ(module_->C_Logout(s), CKR_OK);
  EXPECT_EQ(Login(s, CKU_USER, "654321"), CKR_OK);
  ASSERT_EQ(module_->C_Logout(s), CKR_OK);

  // Just the new PIN: the factory PUK is used.
  ASSERT_EQ(Login(s, CKU_SO, kSoPin), CKR_OK);
  ASSERT_EQ(InitPin(s, "112233"), CKR_OK);
  ASSERT_EQ(module_->C_Logout(s), CKR_OK);
  EXPECT_EQ(Login(s, CKU_USER, "112233"), CKR_OK);
  CK_TOKEN_INFO info{};
  ASSERT_EQ(module_->C_GetTokenInfo(slot_, &info), CKR_OK);
  EXPECT_EQ(info.flags & (CKF_USER_PIN_LOCKED | CKF_USER_PIN_COUNT_LOW), 0u);
}

TEST_F(ApiLoginTest, SetPinAsTheSoChangesTheManagementKey) {
  CK_SESSION_HANDLE s = Open();
  ASSERT_EQ(Login(s, CKU_SO, kSoPin), CKR_OK);
  EXPECT_EQ(SetPin(s, std::string(kSoPin), "not hex"), CKR_PIN_INVALID);
  EXPECT_EQ(SetPin(s, std::string(kSoPin), "0102"), CKR_PIN_LEN_RANGE);
  ASSERT_EQ(SetPin(s, std::string(kSoPin), std::string(kOtherSoPin)), CKR_OK);
  ASSERT_EQ(module_->C_Logout(s), CKR_OK);
  EXPECT_EQ(Login(s, CKU_SO, kSoPin), CKR_PIN_INCORRECT);
  ASSERT_EQ(Login(s, CKU_SO, kOtherSoPin), CKR_OK);
  ASSERT_EQ(module_->C_Logout(s), CKR_OK);

  // With a management key that is not the factory one, a user login no
  // longer writes to the token (docs/pkcs11-module.md).
  ASSERT_EQ(Login(s, CKU_USER, kUserPin), CKR_OK);
  AttrList pub;
  pub.Value(CKA_EC_PARAMS, P256Params()).Value(CKA_ID, Bytes{0x01}).Bool(CKA_TOKEN, true);
  AttrList priv;
  priv.Value(CKA_ID, Bytes{0x01}).Bool(CKA_TOKEN, true);
  CK_MECHANISM gen{CKM_EC_KEY_PAIR_GEN, nullptr, 0};
  CK_OBJECT_HANDLE a = 0;
  CK_OBJECT_HANDLE b = 0;
  EXPECT_EQ(
      module_->C_GenerateKeyPair(s, &gen, pub.data(), pub.size(), priv.data(), priv.size(), &a, &b),
      CKR_USER_NOT_LOGGED_IN);
  ASSERT_EQ(module_->C_Logout(s), CKR_OK);
  ASSERT_EQ(Login(s, CKU_SO, kOtherSoPin), CKR_OK);
  EXPECT_EQ(
      module_->C_GenerateKeyPair(s, &gen, pub.data(), pub.size(), priv.data(), priv.size(), &a, &b),
      CKR_OK)
      << "the SO's login authenticated the management key";
}

TEST_F(ApiLoginTest, InitTokenResetsTheTokenOnlyWithoutSessions) {
  CK_SESSION_HANDLE s = UserSession();
  KeyPair key;
  ASSERT_NO_FATAL_FAILURE(key = GenerateEc(s, P256Params(), 0x01));
  ASSERT_EQ(SetPin(s, "123456", "654321"), CKR_OK);
  EXPECT_EQ(InitToken(std::string(kSoPin)), CKR_SESSION_EXISTS);
  ASSERT_EQ(module_->C_CloseAllSessions(slot_), CKR_OK);

  EXPECT_EQ(InitToken(std::string(kOtherSoPin)), CKR_PIN_INCORRECT);
  EXPECT_EQ(module_->C_InitToken(slot_, nullptr, 0, nullptr), CKR_ARGUMENTS_BAD);
  ASSERT_EQ(InitToken(std::string(kSoPin)), CKR_OK);

  s = Open();
  EXPECT_EQ(Login(s, CKU_USER, "654321"), CKR_PIN_INCORRECT);
  ASSERT_EQ(Login(s, CKU_USER, kUserPin), CKR_OK) << "the PIN is the factory one again";
  AttrList keys;
  keys.Ulong(CKA_CLASS, CKO_PRIVATE_KEY).Value(CKA_ID, Bytes{0x01});
  EXPECT_TRUE(Find(s, std::move(keys)).empty()) << "the key is gone";
  AttrList any;
  AttrList data;
  data.Ulong(CKA_CLASS, CKO_DATA);
  EXPECT_EQ(Find(s, std::move(any)).size(), Find(s, std::move(data)).size() + 4)
      << "only the data containers and the token's own objects (F0, its attestation, F9) "
         "are left";
  CK_ATTRIBUTE label{CKA_LABEL, nullptr, 0};
  EXPECT_EQ(module_->C_GetAttributeValue(s, key.private_key, &label, 1), CKR_OBJECT_HANDLE_INVALID);
  CK_TOKEN_INFO info{};
  ASSERT_EQ(module_->C_GetTokenInfo(slot_, &info), CKR_OK);
  EXPECT_EQ(info.flags & (CKF_USER_PIN_LOCKED | CKF_USER_PIN_COUNT_LOW | CKF_USER_PIN_FINAL_TRY),
            0u);
}

}  // namespace
}  // namespace tessera::testing
