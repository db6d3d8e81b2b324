// C_Login and C_Logout (PKCS#11 3.0 §5.6): the user and the SO, the rules
// between them and read-only sessions, and the error codes of each misuse.
// On a PIV token the SO PIN is the management key in hex (48 characters).
#include "tests/integration/pkcs11/conformance/conformance_fixture.hpp"

namespace tessera::testing::conformance {
namespace {

using LoginTest = ConformanceTest;

TEST_F(LoginTest, TheUserLoginMovesSessionsToUserFunctions) {
  const CK_SESSION_HANDLE ro = Open(false);
  ASSERT_THAT(Login(ro, CKU_USER, kUserPin), IsRv(CKR_OK));
  EXPECT_EQ(StateOf(ro), CKS_RO_USER_FUNCTIONS);
}

TEST_F(LoginTest, ASecondUserLoginIsUserAlreadyLoggedIn) {
  const CK_SESSION_HANDLE s = UserSession(false);
  EXPECT_THAT(Login(s, CKU_USER, kUserPin), IsRv(CKR_USER_ALREADY_LOGGED_IN));
  EXPECT_THAT(Login(Open(true), CKU_USER, kUserPin), IsRv(CKR_USER_ALREADY_LOGGED_IN));
}

TEST_F(LoginTest, TheSoLoginGivesReadWriteSoFunctions) {
  const CK_SESSION_HANDLE rw = Open(true);
  ASSERT_THAT(Login(rw, CKU_SO, kSoPin), IsRv(CKR_OK))
      << "the 48-character management key must fit the token's PIN length range";
  EXPECT_EQ(StateOf(rw), CKS_RW_SO_FUNCTIONS);
  EXPECT_THAT(Login(rw, CKU_SO, kSoPin), IsRv(CKR_USER_ALREADY_LOGGED_IN));
}

TEST_F(LoginTest, TheSoCannotLogInWhileAReadOnlySessionIsOpen) {
  // §5.6 (C_Login): "CKR_SESSION_READ_ONLY_EXISTS" - R/O SO sessions do not exist.
  const CK_SESSION_HANDLE rw = Open(true);
  Open(false);
  EXPECT_THAT(Login(rw, CKU_SO, kSoPin), IsRv(CKR_SESSION_READ_ONLY_EXISTS));
  EXPECT_EQ(StateOf(rw), CKS_RW_PUBLIC_SESSION);
}

TEST_F(LoginTest, AReadOnlySessionCannotBeOpenedWhileTheSoIsLoggedIn) {
  // §5.6 (C_OpenSession): CKR_SESSION_READ_WRITE_SO_EXISTS.
  const CK_SESSION_HANDLE rw = Open(true);
  ASSERT_THAT(Login(rw, CKU_SO, kSoPin), IsRv(CKR_OK));
  CK_SESSION_HANDLE ro = CK_INVALID_HANDLE;
  EXPECT_THAT(f()->C_OpenSession(slot_, CKF_SERIAL_SESSION, nullptr, nullptr, &ro),
              IsRv(CKR_SESSION_READ_WRITE_SO_EXISTS));
  // Another R/W session joins the SO's state.
  EXPECT_EQ(StateOf(Open(true)), CKS_RW_SO_FUNCTIONS);
}

TEST_F(LoginTest, TheSoCannotLogInOverTheUser) {
  // §5.6 (C_Login): one user type at a time - CKR_USER_ANOTHER_ALREADY_LOGGED_IN.
  const CK_SESSION_HANDLE rw = UserSession(true);
  EXPECT_THAT(Login(rw, CKU_SO, kSoPin), IsRv(CKR_USER_ANOTHER_ALREADY_LOGGED_IN));
  EXPECT_EQ(StateOf(rw), CKS_RW_USER_FUNCTIONS);
}

TEST_F(LoginTest, TheUserCannotLogInOverTheSo) {
  const CK_SESSION_HANDLE rw = Open(true);
  ASSERT_THAT(Login(rw, CKU_SO, kSoPin), IsRv(CKR_OK));
  EXPECT_THAT(Login(rw, CKU_USER, kUserPin), IsRv(CKR_USER_ANOTHER_ALREADY_LOGGED_IN));
  EXPECT_EQ(StateOf(rw), CKS_RW_SO_FUNCTIONS);
}

TEST_F(LoginTest, LogoutWithoutALoginIsUserNotLoggedIn) {
  const CK_SESSION_HANDLE s = Open(false);
  EXPECT_THAT(f()->C_Logout(s), IsRv(CKR_USER_NOT_LOGGED_IN));
  ASSERT_THAT(Login(s, CKU_USER, kUserPin), IsRv(CKR_OK));
  EXPECT_THAT(f()->C_Logout(s), IsRv(CKR_OK));
  EXPECT_THAT(f()->C_Logout(s), IsRv(CKR_USER_NOT_LOGGED_IN));
}

TEST_F(LoginTest, AfterTheSoLogsOutTheUserCanLogIn) {
  const CK_SESSION_HANDLE rw = Open(true);
  ASSERT_THAT(Login(rw, CKU_SO, kSoPin), IsRv(CKR_OK));
  ASSERT_THAT(f()->C_Logout(rw), IsRv(CKR_OK));
  EXPECT_EQ(StateOf(rw), CKS_RW_PUBLIC_SESSION);
  EXPECT_THAT(Login(rw, CKU_USER, kUserPin), IsRv(CKR_OK));
}

TEST_F(LoginTest, AWrongPinIsPinIncorrectAndTheSessionStaysPublic) {
  const CK_SESSION_HANDLE s = Open(false);
  EXPECT_THAT(Login(s, CKU_USER, "654321"), IsRv(CKR_PIN_INCORRECT));
  EXPECT_EQ(StateOf(s), CKS_RO_PUBLIC_SESSION);
  EXPECT_THAT(Login(s, CKU_USER, kUserPin), IsRv(CKR_OK)) << "one wrong try does not lock";
}

TEST_F(LoginTest, AWrongSoPinIsPinIncorrect) {
  const CK_SESSION_HANDLE rw = Open(true);
  EXPECT_THAT(Login(rw, CKU_SO, "0102030405060708010203040506070801020304050607FF"),
              IsRv(CKR_PIN_INCORRECT));
  EXPECT_EQ(StateOf(rw), CKS_RW_PUBLIC_SESSION);
}

TEST_F(LoginTest, AnUnknownUserTypeIsUserTypeInvalid) {
  const CK_SESSION_HANDLE s = Open(true);
  EXPECT_THAT(Login(s, 7, kUserPin), IsRv(CKR_USER_TYPE_INVALID));
}

TEST_F(LoginTest, AContextSpecificLoginWithoutAnOperationIsOperationNotInitialized) {
  // §5.6 (C_Login): CKU_CONTEXT_SPECIFIC authorizes the operation just initialized.
  const CK_SESSION_HANDLE s = UserSession(false);
  EXPECT_THAT(Login(s, CKU_CONTEXT_SPECIFIC, kUserPin), IsRv(CKR_OPERATION_NOT_INITIALIZED));
}

TEST_F(LoginTest, AContextSpecificLoginBeforeTheUserLoginIsRefused) {
  // The user must be logged in before re-authenticating for an operation.
  const CK_SESSION_HANDLE s = Open(false);
  EXPECT_THAT(Login(s, CKU_CONTEXT_SPECIFIC, kUserPin),
              IsRvOneOf({CKR_USER_NOT_LOGGED_IN, CKR_OPERATION_NOT_INITIALIZED}));
  EXPECT_EQ(StateOf(s), CKS_RO_PUBLIC_SESSION);
}

TEST_F(LoginTest, ThePinLengthRangeAdmitsTheUserPinAndTheSoPin) {
  // The SO PIN is the management key in hex: 48 characters (AES-256 keys
  // would be 64). C_GetTokenInfo's range must admit both PINs.
  CK_TOKEN_INFO info{};
  ASSERT_THAT(f()->C_GetTokenInfo(slot_, &info), IsRv(CKR_OK));
  EXPECT_LE(info.ulMinPinLen, kUserPin.size());
  EXPECT_GE(info.ulMaxPinLen, kSoPin.size())
      << "a client that checks the range before C_Login cannot log the SO in";
}

}  // namespace
}  // namespace tessera::testing::conformance
