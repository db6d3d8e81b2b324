// C_WaitForSlotEvent (PKCS#11 2.40 §5.5) against a real tessera-sim: a token
// removed or inserted with `tessera-sim ctl` is an event on its slot, with
// CKF_DONT_BLOCK and blocking, and C_Finalize ends a blocked wait with
// CKR_CRYPTOKI_NOT_INITIALIZED.
#include <chrono>
#include <future>
#include <thread>

#include "tests/integration/pkcs11/api_fixture.hpp"

namespace tessera::testing {
namespace {

using namespace std::chrono_literals;

class ApiSlotEventTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    serial_ = OnlySerial();
  }
  void Ctl(const std::string& verb) {
    ProcessResult r = sim_->Ctl({verb, std::to_string(serial_)});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }
  CK_RV Poll(CK_SLOT_ID* slot) {
    return module_->C_WaitForSlotEvent(CKF_DONT_BLOCK, slot, nullptr);
  }
  // A blocking wait on another thread.
  std::future<std::pair<CK_RV, CK_SLOT_ID>> WaitInBackground() {
    return std::async(std::launch::async, [this] {
      CK_SLOT_ID slot = 999;
      CK_RV rv = module_->C_WaitForSlotEvent(0, &slot, nullptr);
      return std::make_pair(rv, slot);
    });
  }
  std::uint32_t serial_ = 0;
};

TEST_F(ApiSlotEventTest, DontBlockReportsRemovalAndInsertionOnceEach) {
  CK_SLOT_ID slot = 999;
  EXPECT_EQ(Poll(&slot), CKR_NO_EVENT);
  ASSERT_NO_FATAL_FAILURE(Ctl("remove"));
  ASSERT_EQ(Poll(&slot), CKR_OK);
  EXPECT_EQ(slot, slot_);
  EXPECT_EQ(Poll(&slot), CKR_NO_EVENT);
  CK_SLOT_INFO info{};
  ASSERT_EQ(module_->C_GetSlotInfo(slot_, &info), CKR_OK);
  EXPECT_EQ(info.flags & CKF_TOKEN_PRESENT, 0u);

  ASSERT_NO_FATAL_FAILURE(Ctl("insert"));
  slot = 999;
  ASSERT_EQ(Poll(&slot), CKR_OK);
  EXPECT_EQ(slot, slot_);
  EXPECT_EQ(Poll(&slot), CKR_NO_EVENT);
  // Same slot ID, and the token works again.
  ASSERT_EQ(module_->C_GetSlotInfo(slot_, &info), CKR_OK);
  EXPECT_NE(info.flags & CKF_TOKEN_PRESENT, 0u);
  CK_SESSION_HANDLE s = UserSession();
  EXPECT_NE(s, CK_INVALID_HANDLE);
}

TEST_F(ApiSlotEventTest, ABlockedWaitWakesOnRemoval) {
  auto waiter = WaitInBackground();
  EXPECT_EQ(waiter.wait_for(300ms), std::future_status::timeout) << "returned with no event";
  ASSERT_NO_FATAL_FAILURE(Ctl("remove"));
  ASSERT_EQ(waiter.wait_for(10s), std::future_status::ready) << "no event within 10 s";
  auto [rv, slot] = waiter.get();
  EXPECT_EQ(rv, CKR_OK);
  EXPECT_EQ(slot, slot_);
}

TEST_F(ApiSlotEventTest, FinalizeEndsABlockedWait) {
  auto waiter = WaitInBackground();
  EXPECT_EQ(waiter.wait_for(200ms), std::future_status::timeout);
  ASSERT_EQ(module_->C_Finalize(nullptr), CKR_OK);
  ASSERT_EQ(waiter.wait_for(10s), std::future_status::ready)
      << "C_Finalize left the waiter blocked";
  EXPECT_EQ(waiter.get().first, CKR_CRYPTOKI_NOT_INITIALIZED);
  // The fixture's TearDown finalizes again; give it a library to finalize.
  ASSERT_EQ(module_->C_Initialize(nullptr), CKR_OK);
}

TEST_F(ApiSlotEventTest, BadArgumentsAreRefused) {
  CK_SLOT_ID slot = 0;
  EXPECT_EQ(module_->C_WaitForSlotEvent(CKF_DONT_BLOCK, nullptr, nullptr), CKR_ARGUMENTS_BAD);
  int reserved = 0;
  EXPECT_EQ(module_->C_WaitForSlotEvent(CKF_DONT_BLOCK, &slot, &reserved), CKR_ARGUMENTS_BAD);
}

// PKCS#11 2.40 §5.1.2: the sessions with a removed token are closed, even
// when the application learns of the removal from C_WaitForSlotEvent and
// asks the session first, and even when the token is back before it asks.
TEST_F(ApiSlotEventTest, AnEventedRemovalClosesTheSessionsOfTheOldToken) {
  CK_SESSION_HANDLE before = UserSession();
  CK_SESSION_INFO info{};
  ASSERT_EQ(module_->C_GetSessionInfo(before, &info), CKR_OK);
  ASSERT_NO_FATAL_FAILURE(Ctl("remove"));
  CK_SLOT_ID slot = 999;
  ASSERT_EQ(Poll(&slot), CKR_OK);
  EXPECT_EQ(module_->C_GetSessionInfo(before, &info), CKR_SESSION_HANDLE_INVALID);

  // Removed and inserted between two looks: the old session still goes.
  ASSERT_NO_FATAL_FAILURE(Ctl("insert"));
  ASSERT_EQ(Poll(&slot), CKR_OK);
  CK_SESSION_HANDLE second = UserSession();
  ASSERT_EQ(module_->C_GetSessionInfo(second, &info), CKR_OK);
  ASSERT_NO_FATAL_FAILURE(Ctl("remove"));
  ASSERT_NO_FATAL_FAILURE(Ctl("insert"));
  EXPECT_EQ(module_->C_GetSessionInfo(second, &info), CKR_SESSION_HANDLE_INVALID)
      << "the slot must notice the new insertion before it answers for the session";
}

}  // namespace
}  // namespace tessera::testing
