// Sessions and logins (PKCS#11 2.40 §5.6) through the module against a real
// tessera-sim: the PIN goes to the card, the SO PIN is the management key in
// hex (the ykcs11 convention), and the card's retry counter shows in the flags.
#include <cstdlib>
#include <string>

#include "common/piv/piv_constants.hpp"
#include "tests/integration/pkcs11/module_harness.hpp"
#include "tests/integration/sim_test_fixture.hpp"

namespace tessera::testing {
namespace {

CK_UTF8CHAR* Utf8(std::string& s) { return reinterpret_cast<CK_UTF8CHAR*>(s.data()); }

class SessionLoginTest : public SimTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(StartSim());
    ASSERT_EQ(::setenv("TESSERA_SIM_DIR", run_dir().c_str(), 1), 0);
    ASSERT_TRUE(module_.ok());
    ASSERT_EQ(module_->C_Initialize(nullptr), CKR_OK);
    CK_ULONG count = 1;
    ASSERT_EQ(module_->C_GetSlotList(CK_TRUE, &slot_, &count), CKR_OK);
    ASSERT_EQ(count, 1u);
  }
  void TearDown() override { ::unsetenv("TESSERA_SIM_DIR"); }

  CK_SESSION_HANDLE Open(CK_FLAGS flags = CKF_SERIAL_SESSION) {
    CK_SESSION_HANDLE h = CK_INVALID_HANDLE;
    EXPECT_EQ(module_->C_OpenSession(slot_, flags, nullptr, nullptr, &h), CKR_OK);
    return h;
  }
  CK_RV Login(CK_SESSION_HANDLE h, CK_USER_TYPE type, std::string pin) {
    return module_->C_Login(h, type, Utf8(pin), pin.size());
  }
  CK_STATE State(CK_SESSION_HANDLE h) {
    CK_SESSION_INFO info{};
    EXPECT_EQ(module_->C_GetSessionInfo(h, &info), CKR_OK);
    return info.state;
  }
  CK_FLAGS TokenFlags() {
    CK_TOKEN_INFO info{};
    EXPECT_EQ(module_->C_GetTokenInfo(slot_, &info), CKR_OK);
    return info.flags;
  }

  LoadedModule module_;
  CK_SLOT_ID slot_ = 0;
};

TEST_F(SessionLoginTest, OpensSerialSessionsOnlyAndChecksItsArguments) {
  CK_SESSION_HANDLE h = CK_INVALID_HANDLE;
  EXPECT_EQ(module_->C_OpenSession(slot_, 0, nullptr, nullptr, &h),
            CKR_SESSION_PARALLEL_NOT_SUPPORTED);
  EXPECT_EQ(module_->C_OpenSession(slot_, CKF_SERIAL_SESSION, nullptr, nullptr, nullptr),
            CKR_ARGUMENTS_BAD);
  EXPECT_EQ(module_->C_OpenSession(42, CKF_SERIAL_SESSION, nullptr, nullptr, &h),
            CKR_SLOT_ID_INVALID);
  CK_SESSION_HANDLE ro = Open();
  CK_SESSION_HANDLE rw = Open(CKF_SERIAL_SESSION | CKF_RW_SESSION);
  EXPECT_NE(ro, rw);
  EXPECT_EQ(State(ro), CKS_RO_PUBLIC_SESSION);
  EXPECT_EQ(State(rw), CKS_RW_PUBLIC_SESSION);
  CK_SESSION_INFO info{};
  EXPECT_EQ(module_->C_GetSessionInfo(rw, nullptr), CKR_ARGUMENTS_BAD);
  EXPECT_EQ(module_->C_GetSessionInfo(999, &info), CKR_SESSION_HANDLE_INVALID);
  EXPECT_EQ(module_->C_CloseSession(ro), CKR_OK);
  EXPECT_EQ(module_->C_CloseSession(ro), CKR_SESSION_HANDLE_INVALID);
}

TEST_F(SessionLoginTest, UserLoginIsSharedBySessionsAndEndsWithTheLastOne) {
  CK_SESSION_HANDLE a = Open();
  CK_SESSION_HANDLE b = Open(CKF_SERIAL_SESSION | CKF_RW_SESSION);
  EXPECT_EQ(Login(a, CKU_USER, std::string(piv::kDefaultPin)), CKR_OK);
  EXPECT_EQ(State(a), CKS_RO_USER_FUNCTIONS);
  EXPECT_EQ(State(b), CKS_RW_USER_FUNCTIONS);
  EXPECT_EQ(Login(b, CKU_USER, std::string(piv::kDefaultPin)), CKR_USER_ALREADY_LOGGED_IN);
  EXPECT_EQ(Login(b, CKU_SO, "010203040506070801020304050607080102030405060708"),
            CKR_USER_ANOTHER_ALREADY_LOGGED_IN);
  EXPECT_EQ(module_->C_Logout(a), CKR_OK);
  EXPECT_EQ(State(b), CKS_RW_PUBLIC_SESSION);
  EXPECT_EQ(module_->C_Logout(a), CKR_USER_NOT_LOGGED_IN);

  EXPECT_EQ(Login(a, CKU_USER, std::string(piv::kDefaultPin)), CKR_OK);
  EXPECT_EQ(module_->C_CloseAllSessions(slot_), CKR_OK);
  CK_SESSION_HANDLE c = Open();
  EXPECT_EQ(State(c), CKS_RO_PUBLIC_SESSION) << "closing the last session logs out";
}

TEST_F(SessionLoginTest, WrongPinsShowInTheTokenFlagsUntilTheCardLocks) {
  CK_SESSION_HANDLE h = Open();
  EXPECT_EQ(Login(h, CKU_USER, "12345"), CKR_PIN_LEN_RANGE);
  EXPECT_EQ(Login(h, CKU_USER, "123456789"), CKR_PIN_LEN_RANGE);
  EXPECT_EQ(TokenFlags() & CKF_USER_PIN_COUNT_LOW, 0u) << "no try used by a bad length";
  EXPECT_EQ(Login(h, CKU_USER, "000000"), CKR_PIN_INCORRECT);
  EXPECT_NE(TokenFlags() & CKF_USER_PIN_COUNT_LOW, 0u);
  EXPECT_EQ(Login(h, CKU_USER, "000000"), CKR_PIN_INCORRECT);
  EXPECT_NE(TokenFlags() & CKF_USER_PIN_FINAL_TRY, 0u);
  EXPECT_EQ(Login(h, CKU_USER, "000000"), CKR_PIN_INCORRECT);
  EXPECT_NE(TokenFlags() & CKF_USER_PIN_LOCKED, 0u);
  EXPECT_EQ(Login(h, CKU_USER, std::string(piv::kDefaultPin)), CKR_PIN_LOCKED);
  EXPECT_EQ(State(h), CKS_RO_PUBLIC_SESSION);
}

TEST_F(SessionLoginTest, TheSoLogsInWithTheManagementKeyInHex) {
  CK_SESSION_HANDLE ro = Open();
  const std::string key = "010203040506070801020304050607080102030405060708";
  EXPECT_EQ(Login(ro, CKU_SO, key), CKR_SESSION_READ_ONLY_EXISTS);
  ASSERT_EQ(module_->C_CloseSession(ro), CKR_OK);
  CK_SESSION_HANDLE rw = Open(CKF_SERIAL_SESSION | CKF_RW_SESSION);
  EXPECT_EQ(Login(rw, CKU_SO, "0102030405060708010203040506070801020304050607ff"),
            CKR_PIN_INCORRECT);
  EXPECT_EQ(Login(rw, CKU_SO, "not hex"), CKR_PIN_LEN_RANGE);
  EXPECT_EQ(Login(rw, CKU_SO, key), CKR_OK);
  EXPECT_EQ(State(rw), CKS_RW_SO_FUNCTIONS);
  CK_SESSION_HANDLE another = CK_INVALID_HANDLE;
  EXPECT_EQ(module_->C_OpenSession(slot_, CKF_SERIAL_SESSION, nullptr, nullptr, &another),
            CKR_SESSION_READ_WRITE_SO_EXISTS);
  EXPECT_EQ(module_->C_Login(rw, 77, nullptr, 0), CKR_USER_TYPE_INVALID);
}

}  // namespace
}  // namespace tessera::testing
