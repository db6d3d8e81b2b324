// General-purpose functions (PKCS#11 3.0 §5.4): C_Initialize and its
// arguments, C_Finalize, C_GetInfo, C_GetFunctionList and the 3.0 interface
// functions, and the rule that nothing else works before C_Initialize.
#include <cstring>

#include "tests/integration/pkcs11/conformance/conformance_fixture.hpp"

namespace tessera::testing::conformance {
namespace {

template <std::size_t N>
bool BlankPadded(const CK_UTF8CHAR (&field)[N]) {
  // §3 (CK_INFO, CK_SLOT_INFO, CK_TOKEN_INFO): text fields are padded with blanks, never
  // NUL-terminated.
  for (CK_UTF8CHAR c : field) {
    if (c == 0) return false;
  }
  return true;
}

TEST_F(UninitializedTest, InitializeWithNullArgumentsThenFinalizeSucceed) {
  EXPECT_THAT(f()->C_Initialize(nullptr), IsRv(CKR_OK));
  EXPECT_THAT(f()->C_Finalize(nullptr), IsRv(CKR_OK));
}

TEST_F(UninitializedTest, FinalizeBeforeInitializeIsCryptokiNotInitialized) {
  EXPECT_THAT(f()->C_Finalize(nullptr), IsRv(CKR_CRYPTOKI_NOT_INITIALIZED));
}

TEST_F(UninitializedTest, ASecondInitializeIsCryptokiAlreadyInitialized) {
  ASSERT_THAT(f()->C_Initialize(nullptr), IsRv(CKR_OK));
  EXPECT_THAT(f()->C_Initialize(nullptr), IsRv(CKR_CRYPTOKI_ALREADY_INITIALIZED));
  EXPECT_THAT(f()->C_Finalize(nullptr), IsRv(CKR_OK));
  EXPECT_THAT(f()->C_Finalize(nullptr), IsRv(CKR_CRYPTOKI_NOT_INITIALIZED));
  // A finalized library can be initialized again.
  EXPECT_THAT(f()->C_Initialize(nullptr), IsRv(CKR_OK));
}

TEST_F(UninitializedTest, AZeroedArgumentStructureIsAccepted) {
  CK_C_INITIALIZE_ARGS args{};
  EXPECT_THAT(f()->C_Initialize(&args), IsRv(CKR_OK));
}

TEST_F(UninitializedTest, OsLockingWithoutCallbacksIsAccepted) {
  CK_C_INITIALIZE_ARGS args{};
  args.flags = CKF_OS_LOCKING_OK;
  EXPECT_THAT(f()->C_Initialize(&args), IsRv(CKR_OK));
}

TEST_F(UninitializedTest, ANonNullReservedPointerIsArgumentsBad) {
  // §5.4 (C_Initialize): pReserved is reserved for future use and must be NULL_PTR.
  CK_C_INITIALIZE_ARGS args{};
  int reserved = 0;
  args.pReserved = &reserved;
  EXPECT_THAT(f()->C_Initialize(&args), IsRv(CKR_ARGUMENTS_BAD));
  EXPECT_THAT(f()->C_Finalize(nullptr), IsRv(CKR_CRYPTOKI_NOT_INITIALIZED))
      << "a refused C_Initialize leaves the library uninitialized";
}

TEST_F(UninitializedTest, FinalizeWithANonNullReservedPointerIsArgumentsBad) {
  // §5.4 (C_Finalize): C_Finalize's pReserved must be NULL_PTR.
  ASSERT_THAT(f()->C_Initialize(nullptr), IsRv(CKR_OK));
  int reserved = 0;
  EXPECT_THAT(f()->C_Finalize(&reserved), IsRv(CKR_ARGUMENTS_BAD));
  EXPECT_THAT(f()->C_Finalize(nullptr), IsRv(CKR_OK));
}

CK_RV CreateMutexStub(CK_VOID_PTR_PTR mutex) {
  *mutex = nullptr;
  return CKR_OK;
}
CK_RV MutexStub(CK_VOID_PTR) { return CKR_OK; }

TEST_F(UninitializedTest, SomeButNotAllMutexCallbacksIsArgumentsBad) {
  // §5.4 (C_Initialize): either all four function pointers are supplied or none.
  CK_C_INITIALIZE_ARGS args{};
  args.CreateMutex = CreateMutexStub;
  args.LockMutex = MutexStub;
  EXPECT_THAT(f()->C_Initialize(&args), IsRv(CKR_ARGUMENTS_BAD));
}

TEST_F(UninitializedTest, CannotCreateThreadsIsAcceptedOrNeedToCreateThreads) {
  // §5.4 (C_Initialize): a library that needs its own threads says CKR_NEED_TO_CREATE_THREADS.
  CK_C_INITIALIZE_ARGS args{};
  args.flags = CKF_LIBRARY_CANT_CREATE_OS_THREADS;
  const CK_RV rv = f()->C_Initialize(&args);
  EXPECT_THAT(rv, IsRvOneOf({CKR_OK, CKR_NEED_TO_CREATE_THREADS}));
}

TEST_F(UninitializedTest, EveryFunctionButTheGeneralOnesNeedsInitialize) {
  // §5.1: CKR_CRYPTOKI_NOT_INITIALIZED before C_Initialize.
  CK_ULONG count = 0;
  CK_SLOT_INFO slot_info{};
  CK_TOKEN_INFO token_info{};
  CK_INFO info{};
  CK_SESSION_HANDLE session = 0;
  CK_MECHANISM_INFO mechanism_info{};
  CK_SLOT_ID event_slot = 0;
  EXPECT_THAT(f()->C_GetInfo(&info), IsRv(CKR_CRYPTOKI_NOT_INITIALIZED));
  EXPECT_THAT(f()->C_GetSlotList(CK_FALSE, nullptr, &count), IsRv(CKR_CRYPTOKI_NOT_INITIALIZED));
  EXPECT_THAT(f()->C_GetSlotInfo(0, &slot_info), IsRv(CKR_CRYPTOKI_NOT_INITIALIZED));
  EXPECT_THAT(f()->C_GetTokenInfo(0, &token_info), IsRv(CKR_CRYPTOKI_NOT_INITIALIZED));
  EXPECT_THAT(f()->C_GetMechanismList(0, nullptr, &count), IsRv(CKR_CRYPTOKI_NOT_INITIALIZED));
  EXPECT_THAT(f()->C_GetMechanismInfo(0, CKM_SHA256, &mechanism_info),
              IsRv(CKR_CRYPTOKI_NOT_INITIALIZED));
  EXPECT_THAT(f()->C_OpenSession(0, CKF_SERIAL_SESSION, nullptr, nullptr, &session),
              IsRv(CKR_CRYPTOKI_NOT_INITIALIZED));
  EXPECT_THAT(f()->C_CloseAllSessions(0), IsRv(CKR_CRYPTOKI_NOT_INITIALIZED));
  EXPECT_THAT(f()->C_WaitForSlotEvent(CKF_DONT_BLOCK, &event_slot, nullptr),
              IsRv(CKR_CRYPTOKI_NOT_INITIALIZED));
  CK_BYTE buf[8];
  EXPECT_THAT(f()->C_GenerateRandom(1, buf, sizeof buf), IsRv(CKR_CRYPTOKI_NOT_INITIALIZED));
}

TEST_F(UninitializedTest, GetFunctionListWorksBeforeInitializeAndRefusesNull) {
  // §5.4 (C_GetFunctionList): C_GetFunctionList is the one function an application may call first.
  CK_FUNCTION_LIST* list = nullptr;
  EXPECT_THAT(f()->C_GetFunctionList(&list), IsRv(CKR_OK));
  EXPECT_EQ(list, f());
  EXPECT_THAT(f()->C_GetFunctionList(nullptr), IsRv(CKR_ARGUMENTS_BAD));
}

TEST_F(ConformanceTest, GetInfoReportsACryptokiVersionAndBlankPaddedText) {
  CK_INFO info;
  std::memset(&info, 0, sizeof info);
  ASSERT_THAT(f()->C_GetInfo(&info), IsRv(CKR_OK));
  EXPECT_GE(info.cryptokiVersion.major, 2);
  EXPECT_TRUE(BlankPadded(info.manufacturerID));
  EXPECT_TRUE(BlankPadded(info.libraryDescription));
  EXPECT_EQ(info.flags, 0u) << "§3 CK_INFO: flags are reserved and must be zero";
  EXPECT_THAT(f()->C_GetInfo(nullptr), IsRv(CKR_ARGUMENTS_BAD));
}

TEST_F(UninitializedTest, TheInterfaceFunctionsNameTheThreeZeroInterface) {
  // §5.4 (C_GetInterfaceList, C_GetInterface): callable before C_Initialize.
  auto get_list =
      reinterpret_cast<CK_RV (*)(CK_INTERFACE*, CK_ULONG*)>(module_.Symbol("C_GetInterfaceList"));
  auto get_one = reinterpret_cast<CK_RV (*)(CK_UTF8CHAR*, CK_VERSION*, CK_INTERFACE**, CK_FLAGS)>(
      module_.Symbol("C_GetInterface"));
  ASSERT_NE(get_list, nullptr);
  ASSERT_NE(get_one, nullptr);
  CK_ULONG count = 0;
  ASSERT_THAT(get_list(nullptr, &count), IsRv(CKR_OK));
  ASSERT_GE(count, 1u);
  std::vector<CK_INTERFACE> list(count);
  if (count > 1) {
    CK_ULONG small = count - 1;
    EXPECT_THAT(get_list(list.data(), &small), IsRv(CKR_BUFFER_TOO_SMALL));
    EXPECT_EQ(small, count);
  }
  EXPECT_THAT(get_list(list.data(), &count), IsRv(CKR_OK));
  EXPECT_THAT(get_list(nullptr, nullptr), IsRv(CKR_ARGUMENTS_BAD));

  CK_UTF8CHAR name[] = "PKCS 11";
  CK_VERSION three{3, 0};
  CK_INTERFACE* iface = nullptr;
  ASSERT_THAT(get_one(name, &three, &iface, 0), IsRv(CKR_OK));
  ASSERT_NE(iface, nullptr);
  const auto* version = static_cast<const CK_VERSION*>(iface->pFunctionList);
  EXPECT_EQ(version->major, 3);
  EXPECT_THAT(get_one(name, &three, nullptr, 0), IsRv(CKR_ARGUMENTS_BAD));
}

TEST_F(ConformanceTest, SlotAndTokenInformationIsBlankPaddedAndConsistent) {
  CK_SLOT_INFO slot{};
  ASSERT_THAT(f()->C_GetSlotInfo(slot_, &slot), IsRv(CKR_OK));
  EXPECT_TRUE(BlankPadded(slot.slotDescription));
  EXPECT_TRUE(BlankPadded(slot.manufacturerID));
  EXPECT_NE(slot.flags & CKF_TOKEN_PRESENT, 0u);
  CK_TOKEN_INFO token{};
  ASSERT_THAT(f()->C_GetTokenInfo(slot_, &token), IsRv(CKR_OK));
  EXPECT_TRUE(BlankPadded(token.label));
  EXPECT_TRUE(BlankPadded(token.manufacturerID));
  EXPECT_TRUE(BlankPadded(token.model));
  EXPECT_TRUE(BlankPadded(token.serialNumber));
  EXPECT_LE(token.ulMinPinLen, token.ulMaxPinLen);
  EXPECT_THAT(f()->C_GetSlotInfo(kBadSlot, &slot), IsRv(CKR_SLOT_ID_INVALID));
  EXPECT_THAT(f()->C_GetTokenInfo(kBadSlot, &token), IsRv(CKR_SLOT_ID_INVALID));
}

TEST_F(ConformanceTest, ATooSmallSlotListIsBufferTooSmallWithTheCount) {
  // §5.5 (C_GetSlotList) follows the §5.2 buffer rules for its count.
  CK_ULONG count = 0;
  ASSERT_THAT(f()->C_GetSlotList(CK_FALSE, nullptr, &count), IsRv(CKR_OK));
  ASSERT_GE(count, 1u);
  std::vector<CK_SLOT_ID> slots(count + 3, 0);
  CK_ULONG small = 0;
  EXPECT_THAT(f()->C_GetSlotList(CK_FALSE, slots.data(), &small), IsRv(CKR_BUFFER_TOO_SMALL));
  EXPECT_EQ(small, count);
  CK_ULONG big = slots.size();
  EXPECT_THAT(f()->C_GetSlotList(CK_FALSE, slots.data(), &big), IsRv(CKR_OK));
  EXPECT_EQ(big, count);
}

TEST_F(ConformanceTest, WaitForSlotEventWithoutBlockingFindsNoEventOnAQuietToken) {
  // §5.5 (C_WaitForSlotEvent): CKF_DONT_BLOCK returns CKR_NO_EVENT when nothing happened. The
  // first call may report the insertion the module has just seen.
  CK_SLOT_ID slot = 0;
  const CK_RV first = f()->C_WaitForSlotEvent(CKF_DONT_BLOCK, &slot, nullptr);
  EXPECT_THAT(first, IsRvOneOf({CKR_OK, CKR_NO_EVENT}));
  EXPECT_THAT(f()->C_WaitForSlotEvent(CKF_DONT_BLOCK, &slot, nullptr), IsRv(CKR_NO_EVENT));
}

}  // namespace
}  // namespace tessera::testing::conformance
