// Signing and verifying (PKCS#11 3.0 §5.13, §5.15): the call-order rules.
// Size queries (a NULL buffer, a short buffer) keep the operation and, per
// §5.2, only report a length: they must not spend a card operation, which on
// a CKA_ALWAYS_AUTHENTICATE key would also spend the context-specific login.
// The card counts its GENERAL AUTHENTICATE commands in the simulator trace.
#include "tests/integration/pkcs11/api_openssl.hpp"
#include "tests/integration/pkcs11/conformance/conformance_fixture.hpp"
#include "tests/integration/pkcs11/conformance/object_templates.hpp"

namespace tessera::testing::conformance {
namespace {

class SignTest : public ConformanceTest {
 protected:
  // A P-256 key in 9A (CKA_ID 01), made by the card; a user session.
  void SetUpEc() {
    ec_ = GenerateOnCard(0x9A, piv::Algorithm::kEccP256);
    ASSERT_NE(ec_, nullptr);
    session_ = UserSession(false);
    key_ = KeyWithId(CKO_PRIVATE_KEY, 0x01);
    ASSERT_NE(key_, CK_INVALID_HANDLE);
  }
  CK_OBJECT_HANDLE KeyWithId(CK_OBJECT_CLASS cls, std::uint8_t id) {
    AttrList t;
    t.Ulong(CKA_CLASS, cls).Value(CKA_ID, Bytes{id});
    std::vector<CK_OBJECT_HANDLE> found = Find(session_, t);
    return found.size() == 1 ? found[0] : CK_INVALID_HANDLE;
  }
  CK_RV SignInit(CK_MECHANISM_TYPE type, CK_OBJECT_HANDLE key) {
    CK_MECHANISM m{type, nullptr, 0};
    return f()->C_SignInit(session_, &m, key);
  }
  CK_RV Sign(Bytes& sig, CK_ULONG* len) {
    return f()->C_Sign(session_, msg_.data(), msg_.size(), sig.empty() ? nullptr : sig.data(), len);
  }

  ossl::PkeyPtr ec_;
  CK_SESSION_HANDLE session_ = CK_INVALID_HANDLE;
  CK_OBJECT_HANDLE key_ = CK_INVALID_HANDLE;
  Bytes msg_ = BytesOf("a message to sign");
};

TEST_F(SignTest, SizeQueriesKeepTheOperationAndDoNotUseTheCard) {
  ASSERT_NO_FATAL_FAILURE(SetUpEc());
  ASSERT_THAT(SignInit(CKM_ECDSA_SHA256, key_), IsRv(CKR_OK));
  const int before = CardOperations();
  Bytes none;
  CK_ULONG len = 0;
  ASSERT_THAT(Sign(none, &len), IsRv(CKR_OK));
  EXPECT_GE(len, 64u);
  Bytes sig(10);
  len = sig.size();
  ASSERT_THAT(Sign(sig, &len), IsRv(CKR_BUFFER_TOO_SMALL));
  EXPECT_EQ(len, 64u) << "§5.2: the exact length, even for a short buffer";
  EXPECT_EQ(CardOperations(), before) << "§5.2: a size query only returns a length";
  sig.assign(len, 0);
  ASSERT_THAT(Sign(sig, &len), IsRv(CKR_OK));
  EXPECT_EQ(CardOperations(), before + 1);
  EXPECT_TRUE(VerifiedByOpenSsl(ec_.get(), {Scheme::kEcdsa, EVP_sha256()}, msg_, sig));
}

TEST_F(SignTest, AnAlwaysAuthenticateKeyGetsOneCardOperationPerContextLogin) {
  ossl::PkeyPtr rsa = GenerateOnCard(0x9C, piv::Algorithm::kRsa2048);
  ASSERT_NE(rsa, nullptr);
  session_ = UserSession(false);
  const CK_OBJECT_HANDLE key = KeyWithId(CKO_PRIVATE_KEY, 0x02);
  ASSERT_NE(key, CK_INVALID_HANDLE);
  EXPECT_TRUE(BoolAttribute(session_, key, CKA_ALWAYS_AUTHENTICATE));
  ASSERT_THAT(SignInit(CKM_SHA256_RSA_PKCS, key), IsRv(CKR_OK));
  ASSERT_THAT(Login(session_, CKU_CONTEXT_SPECIFIC, kUserPin), IsRv(CKR_OK));
  const int before = CardOperations();
  Bytes none;
  CK_ULONG len = 0;
  ASSERT_THAT(Sign(none, &len), IsRv(CKR_OK));
  EXPECT_EQ(len, 256u);
  Bytes sig(16);
  len = sig.size();
  // pkcs11-tool --test makes exactly this call after its context login.
  ASSERT_THAT(Sign(sig, &len), IsRv(CKR_BUFFER_TOO_SMALL));
  EXPECT_EQ(CardOperations(), before) << "a size query spent the context-specific login";
  sig.assign(len, 0);
  ASSERT_THAT(Sign(sig, &len), IsRv(CKR_OK));
  sig.resize(len);
  EXPECT_TRUE(VerifiedByOpenSsl(rsa.get(), {Scheme::kRsaPkcs1, EVP_sha256()}, msg_, sig));
}

TEST_F(SignTest, AnAlwaysAuthenticateKeyWithoutTheContextLoginIsUserNotLoggedIn) {
  // §4.9 CKA_ALWAYS_AUTHENTICATE: the PIN for each use, through C_Login with
  // CKU_CONTEXT_SPECIFIC after the init (§5.6 C_Login). The first signature
  // is made properly; the second skips the context login.
  ASSERT_NE(GenerateOnCard(0x9C, piv::Algorithm::kEccP256), nullptr);
  session_ = UserSession(false);
  const CK_OBJECT_HANDLE key = KeyWithId(CKO_PRIVATE_KEY, 0x02);
  ASSERT_THAT(SignInit(CKM_ECDSA_SHA256, key), IsRv(CKR_OK));
  ASSERT_THAT(Login(session_, CKU_CONTEXT_SPECIFIC, kUserPin), IsRv(CKR_OK));
  Bytes sig(64);
  CK_ULONG len = sig.size();
  ASSERT_THAT(Sign(sig, &len), IsRv(CKR_OK));
  ASSERT_THAT(SignInit(CKM_ECDSA_SHA256, key), IsRv(CKR_OK));
  len = sig.size();
  EXPECT_THAT(Sign(sig, &len), IsRv(CKR_USER_NOT_LOGGED_IN));
}

TEST_F(SignTest, SignAfterSignUpdateIsOperationActive) {
  // §5.13 (C_Sign): C_Sign cannot end a multi-part operation.
  ASSERT_NO_FATAL_FAILURE(SetUpEc());
  ASSERT_THAT(SignInit(CKM_ECDSA_SHA256, key_), IsRv(CKR_OK));
  ASSERT_THAT(f()->C_SignUpdate(session_, msg_.data(), 4), IsRv(CKR_OK));
  Bytes sig(64);
  CK_ULONG len = sig.size();
  EXPECT_THAT(Sign(sig, &len), IsRv(CKR_OPERATION_ACTIVE));
}

TEST_F(SignTest, EverySignAndVerifyCallNeedsItsInit) {
  ASSERT_NO_FATAL_FAILURE(SetUpEc());
  Bytes sig(64);
  CK_ULONG len = sig.size();
  EXPECT_THAT(Sign(sig, &len), IsRv(CKR_OPERATION_NOT_INITIALIZED));
  EXPECT_THAT(f()->C_SignUpdate(session_, msg_.data(), 1), IsRv(CKR_OPERATION_NOT_INITIALIZED));
  EXPECT_THAT(f()->C_SignFinal(session_, sig.data(), &len), IsRv(CKR_OPERATION_NOT_INITIALIZED));
  EXPECT_THAT(f()->C_Verify(session_, msg_.data(), msg_.size(), sig.data(), 64),
              IsRv(CKR_OPERATION_NOT_INITIALIZED));
  EXPECT_THAT(f()->C_VerifyUpdate(session_, msg_.data(), 1), IsRv(CKR_OPERATION_NOT_INITIALIZED));
  EXPECT_THAT(f()->C_VerifyFinal(session_, sig.data(), 64), IsRv(CKR_OPERATION_NOT_INITIALIZED));
}

TEST_F(SignTest, ASecondInitIsOperationActiveAndASignatureEndsTheOperation) {
  ASSERT_NO_FATAL_FAILURE(SetUpEc());
  ASSERT_THAT(SignInit(CKM_ECDSA_SHA256, key_), IsRv(CKR_OK));
  EXPECT_THAT(SignInit(CKM_ECDSA_SHA384, key_), IsRv(CKR_OPERATION_ACTIVE));
  Bytes sig(64);
  CK_ULONG len = sig.size();
  ASSERT_THAT(Sign(sig, &len), IsRv(CKR_OK));
  len = sig.size();
  EXPECT_THAT(Sign(sig, &len), IsRv(CKR_OPERATION_NOT_INITIALIZED));
  const CK_OBJECT_HANDLE pub = KeyWithId(CKO_PUBLIC_KEY, 0x01);
  CK_MECHANISM m{CKM_ECDSA_SHA256, nullptr, 0};
  ASSERT_THAT(f()->C_VerifyInit(session_, &m, pub), IsRv(CKR_OK));
  EXPECT_THAT(f()->C_VerifyInit(session_, &m, pub), IsRv(CKR_OPERATION_ACTIVE));
  EXPECT_THAT(f()->C_Verify(session_, msg_.data(), msg_.size(), sig.data(), len), IsRv(CKR_OK));
  EXPECT_THAT(f()->C_Verify(session_, msg_.data(), msg_.size(), sig.data(), len),
              IsRv(CKR_OPERATION_NOT_INITIALIZED));
}

TEST_F(SignTest, AnErrorOtherThanBufferTooSmallEndsTheOperation) {
  // §5.13 (C_Sign): a call always ends the operation unless it returns
  // CKR_BUFFER_TOO_SMALL or is a successful length query. PKCS#1 v1.5 input
  // longer than k - 11 bytes is CKR_DATA_LEN_RANGE.
  ASSERT_NE(GenerateOnCard(0x9D, piv::Algorithm::kRsa2048), nullptr);
  session_ = UserSession(false);
  ASSERT_THAT(SignInit(CKM_RSA_PKCS, KeyWithId(CKO_PRIVATE_KEY, 0x03)), IsRv(CKR_OK));
  Bytes too_long(250, 0x42);
  Bytes sig(256);
  CK_ULONG len = sig.size();
  EXPECT_THAT(f()->C_Sign(session_, too_long.data(), too_long.size(), sig.data(), &len),
              IsRv(CKR_DATA_LEN_RANGE));
  len = sig.size();
  EXPECT_THAT(Sign(sig, &len), IsRv(CKR_OPERATION_NOT_INITIALIZED));
}

TEST_F(SignTest, AChangedOrShortSignatureIsRefusedByName) {
  // §5.15 (C_Verify): CKR_SIGNATURE_INVALID, or CKR_SIGNATURE_LEN_RANGE when
  // the length alone shows it is wrong.
  ASSERT_NO_FATAL_FAILURE(SetUpEc());
  const CK_OBJECT_HANDLE pub = KeyWithId(CKO_PUBLIC_KEY, 0x01);
  ASSERT_THAT(SignInit(CKM_ECDSA_SHA256, key_), IsRv(CKR_OK));
  Bytes sig(64);
  CK_ULONG len = sig.size();
  ASSERT_THAT(Sign(sig, &len), IsRv(CKR_OK));
  sig[10] ^= 0x01;
  CK_MECHANISM m{CKM_ECDSA_SHA256, nullptr, 0};
  ASSERT_THAT(f()->C_VerifyInit(session_, &m, pub), IsRv(CKR_OK));
  EXPECT_THAT(f()->C_Verify(session_, msg_.data(), msg_.size(), sig.data(), len),
              IsRv(CKR_SIGNATURE_INVALID));
  ASSERT_THAT(f()->C_VerifyInit(session_, &m, pub), IsRv(CKR_OK));
  EXPECT_THAT(f()->C_Verify(session_, msg_.data(), msg_.size(), sig.data(), 4),
              IsRv(CKR_SIGNATURE_LEN_RANGE));
}

TEST_F(SignTest, KeysAndMechanismsThatDoNotFitAreRefused) {
  ASSERT_NO_FATAL_FAILURE(SetUpEc());
  // RSA mechanism, EC key: §5.13 (C_SignInit) CKR_KEY_TYPE_INCONSISTENT.
  EXPECT_THAT(SignInit(CKM_SHA256_RSA_PKCS, key_), IsRv(CKR_KEY_TYPE_INCONSISTENT));
  // A digest is no signature mechanism.
  EXPECT_THAT(SignInit(CKM_SHA256, key_), IsRv(CKR_MECHANISM_INVALID));
  // A public key cannot sign: it has no CKA_SIGN (the spec leaves which of
  // the two codes; both name the key as the problem).
  EXPECT_THAT(SignInit(CKM_ECDSA_SHA256, KeyWithId(CKO_PUBLIC_KEY, 0x01)),
              IsRvOneOf({CKR_KEY_FUNCTION_NOT_PERMITTED, CKR_KEY_TYPE_INCONSISTENT}));
  EXPECT_THAT(SignInit(CKM_ECDSA_SHA256, kBadObject), IsRv(CKR_KEY_HANDLE_INVALID));
  EXPECT_THAT(SignInit(CKM_ECDSA_SHA256, key_), IsRv(CKR_OK)) << "refused inits start nothing";
}

TEST_F(SignTest, ASessionKeyWithoutCkaSignIsKeyFunctionNotPermitted) {
  // §4.9: CKA_SIGN false forbids signing (CKR_KEY_FUNCTION_NOT_PERMITTED).
  session_ = UserSession(true);
  ossl::PkeyPtr key = NewKey("P-256");
  CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
  ASSERT_THAT(Create(session_, EcPrivateKey(key.get(), P256Params()).Bool(CKA_SIGN, false), &h),
              IsRv(CKR_OK));
  EXPECT_THAT(SignInit(CKM_ECDSA_SHA256, h), IsRv(CKR_KEY_FUNCTION_NOT_PERMITTED));
}

}  // namespace
}  // namespace tessera::testing::conformance
