// Session management (PKCS#11 3.0 §5.6): opening and closing sessions,
// their information, and the login state the sessions of one application
// share with each other.
#include "tests/integration/pkcs11/conformance/conformance_fixture.hpp"

namespace tessera::testing::conformance {
namespace {

using SessionTest = ConformanceTest;

TEST_F(SessionTest, ASessionWithoutTheSerialFlagIsParallelNotSupported) {
  // §5.6 (C_OpenSession): CKF_SERIAL_SESSION must always be set, for legacy reasons.
  CK_SESSION_HANDLE h = CK_INVALID_HANDLE;
  EXPECT_THAT(f()->C_OpenSession(slot_, 0, nullptr, nullptr, &h),
              IsRv(CKR_SESSION_PARALLEL_NOT_SUPPORTED));
  EXPECT_THAT(f()->C_OpenSession(slot_, CKF_RW_SESSION, nullptr, nullptr, &h),
              IsRv(CKR_SESSION_PARALLEL_NOT_SUPPORTED));
}

TEST_F(SessionTest, ReadOnlyAndReadWriteSessionsReportTheirStateAndFlags) {
  const CK_SESSION_HANDLE ro = Open(false);
  const CK_SESSION_HANDLE rw = Open(true);
  CK_SESSION_INFO info{};
  ASSERT_THAT(f()->C_GetSessionInfo(ro, &info), IsRv(CKR_OK));
  EXPECT_EQ(info.slotID, slot_);
  EXPECT_EQ(info.state, CKS_RO_PUBLIC_SESSION);
  EXPECT_EQ(info.flags, CKF_SERIAL_SESSION);
  ASSERT_THAT(f()->C_GetSessionInfo(rw, &info), IsRv(CKR_OK));
  EXPECT_EQ(info.state, CKS_RW_PUBLIC_SESSION);
  EXPECT_EQ(info.flags, CKF_SERIAL_SESSION | CKF_RW_SESSION);
  EXPECT_NE(ro, rw);
}

TEST_F(SessionTest, OpeningASessionOnAnUnknownSlotIsSlotIdInvalid) {
  CK_SESSION_HANDLE h = CK_INVALID_HANDLE;
  EXPECT_THAT(f()->C_OpenSession(kBadSlot, CKF_SERIAL_SESSION, nullptr, nullptr, &h),
              IsRv(CKR_SLOT_ID_INVALID));
  EXPECT_THAT(f()->C_CloseAllSessions(kBadSlot), IsRv(CKR_SLOT_ID_INVALID));
}

TEST_F(SessionTest, AClosedSessionHandleIsSessionHandleInvalid) {
  const CK_SESSION_HANDLE h = Open(false);
  ASSERT_THAT(f()->C_CloseSession(h), IsRv(CKR_OK));
  CK_SESSION_INFO info{};
  EXPECT_THAT(f()->C_GetSessionInfo(h, &info), IsRv(CKR_SESSION_HANDLE_INVALID));
  EXPECT_THAT(f()->C_CloseSession(h), IsRv(CKR_SESSION_HANDLE_INVALID));
  EXPECT_THAT(f()->C_GetSessionInfo(kBadSession, &info), IsRv(CKR_SESSION_HANDLE_INVALID));
}

TEST_F(SessionTest, CloseAllSessionsInvalidatesEveryHandleOfTheSlot) {
  const CK_SESSION_HANDLE a = Open(false);
  const CK_SESSION_HANDLE b = Open(true);
  ASSERT_THAT(f()->C_CloseAllSessions(slot_), IsRv(CKR_OK));
  CK_SESSION_INFO info{};
  EXPECT_THAT(f()->C_GetSessionInfo(a, &info), IsRv(CKR_SESSION_HANDLE_INVALID));
  EXPECT_THAT(f()->C_GetSessionInfo(b, &info), IsRv(CKR_SESSION_HANDLE_INVALID));
  EXPECT_THAT(f()->C_CloseAllSessions(slot_), IsRv(CKR_OK)) << "no sessions left is fine";
}

TEST_F(SessionTest, TheLoginStateIsSharedByEverySessionOfTheApplication) {
  // §5.6 (C_Login): the login applies to all sessions the application has
  // with the token, those open already and those opened later.
  const CK_SESSION_HANDLE ro = Open(false);
  const CK_SESSION_HANDLE rw = Open(true);
  ASSERT_THAT(Login(rw, CKU_USER, kUserPin), IsRv(CKR_OK));
  EXPECT_EQ(StateOf(ro), CKS_RO_USER_FUNCTIONS);
  EXPECT_EQ(StateOf(rw), CKS_RW_USER_FUNCTIONS);
  const CK_SESSION_HANDLE later_ro = Open(false);
  const CK_SESSION_HANDLE later_rw = Open(true);
  EXPECT_EQ(StateOf(later_ro), CKS_RO_USER_FUNCTIONS);
  EXPECT_EQ(StateOf(later_rw), CKS_RW_USER_FUNCTIONS);
}

TEST_F(SessionTest, LogoutFromOneSessionReturnsEverySessionToPublic) {
  const CK_SESSION_HANDLE ro = Open(false);
  const CK_SESSION_HANDLE rw = Open(true);
  ASSERT_THAT(Login(ro, CKU_USER, kUserPin), IsRv(CKR_OK));
  ASSERT_THAT(f()->C_Logout(rw), IsRv(CKR_OK));
  EXPECT_EQ(StateOf(ro), CKS_RO_PUBLIC_SESSION);
  EXPECT_EQ(StateOf(rw), CKS_RW_PUBLIC_SESSION);
}

TEST_F(SessionTest, ClosingTheLastSessionLogsTheApplicationOut) {
  // §5.6 (C_CloseSession): closing the last session returns the token's
  // login state for the application to public.
  const CK_SESSION_HANDLE first = UserSession(true);
  ASSERT_THAT(f()->C_CloseSession(first), IsRv(CKR_OK));
  const CK_SESSION_HANDLE next = Open(true);
  EXPECT_EQ(StateOf(next), CKS_RW_PUBLIC_SESSION);
}

TEST_F(SessionTest, CloseAllSessionsLogsTheApplicationOut) {
  UserSession(false);
  ASSERT_THAT(f()->C_CloseAllSessions(slot_), IsRv(CKR_OK));
  EXPECT_EQ(StateOf(Open(false)), CKS_RO_PUBLIC_SESSION);
}

TEST_F(SessionTest, ClosingOneOfTwoSessionsKeepsTheLogin) {
  const CK_SESSION_HANDLE a = UserSession(true);
  const CK_SESSION_HANDLE b = Open(false);
  ASSERT_THAT(f()->C_CloseSession(a), IsRv(CKR_OK));
  EXPECT_EQ(StateOf(b), CKS_RO_USER_FUNCTIONS);
}

TEST_F(SessionTest, AnOperationInOneSessionDoesNotBlockAnother) {
  // Operations belong to a session (§5.6): two sessions digest independently.
  const CK_SESSION_HANDLE a = Open(false);
  const CK_SESSION_HANDLE b = Open(false);
  CK_MECHANISM sha{CKM_SHA256, nullptr, 0};
  ASSERT_THAT(f()->C_DigestInit(a, &sha), IsRv(CKR_OK));
  EXPECT_THAT(f()->C_DigestInit(b, &sha), IsRv(CKR_OK));
  CK_BYTE data[3] = {'a', 'b', 'c'};
  CK_BYTE out[32];
  CK_ULONG len = sizeof out;
  EXPECT_THAT(f()->C_Digest(b, data, sizeof data, out, &len), IsRv(CKR_OK));
  len = sizeof out;
  EXPECT_THAT(f()->C_Digest(a, data, sizeof data, out, &len), IsRv(CKR_OK));
}

TEST_F(SessionTest, ClosingASessionEndsItsActiveOperationsAndSearch) {
  const CK_SESSION_HANDLE a = Open(false);
  CK_MECHANISM sha{CKM_SHA256, nullptr, 0};
  ASSERT_THAT(f()->C_DigestInit(a, &sha), IsRv(CKR_OK));
  ASSERT_THAT(f()->C_FindObjectsInit(a, nullptr, 0), IsRv(CKR_OK));
  EXPECT_THAT(f()->C_CloseSession(a), IsRv(CKR_OK));
  const CK_SESSION_HANDLE b = Open(false);
  EXPECT_THAT(f()->C_DigestInit(b, &sha), IsRv(CKR_OK));
  EXPECT_THAT(f()->C_FindObjectsInit(b, nullptr, 0), IsRv(CKR_OK));
}

}  // namespace
}  // namespace tessera::testing::conformance
