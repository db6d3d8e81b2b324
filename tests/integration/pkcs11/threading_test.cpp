// Threading (PKCS#11 2.40 §5.4, §6.7): the application's own mutex
// callbacks are used when it asks for them, many threads share one token,
// and C_Finalize while other threads are inside the module is safe.
#include <atomic>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

#include "tests/integration/pkcs11/module_harness.hpp"
#include "tests/integration/sim_test_fixture.hpp"

namespace tessera::testing {
namespace {

std::atomic<int> g_created{0};
std::atomic<int> g_locked{0};

CK_RV CreateMutex(void** m) {
  *m = new std::mutex;
  ++g_created;
  return CKR_OK;
}
CK_RV DestroyMutex(void* m) {
  delete static_cast<std::mutex*>(m);
  return CKR_OK;
}
CK_RV LockMutex(void* m) {
  static_cast<std::mutex*>(m)->lock();
  ++g_locked;
  return CKR_OK;
}
CK_RV UnlockMutex(void* m) {
  static_cast<std::mutex*>(m)->unlock();
  return CKR_OK;
}

class ThreadingTest : public SimTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(StartSim());
    ASSERT_EQ(::setenv("TESSERA_SIM_DIR", run_dir().c_str(), 1), 0);
    ASSERT_TRUE(module_.ok());
  }
  void TearDown() override { ::unsetenv("TESSERA_SIM_DIR"); }

  CK_SLOT_ID OnlySlot() {
    CK_SLOT_ID slot = 0;
    CK_ULONG count = 1;
    EXPECT_EQ(module_->C_GetSlotList(CK_TRUE, &slot, &count), CKR_OK);
    return slot;
  }

  LoadedModule module_;
};

TEST_F(ThreadingTest, LocksWithTheApplicationsMutexesWhenAskedTo) {
  CK_C_INITIALIZE_ARGS args{};
  args.CreateMutex = CreateMutex;
  args.DestroyMutex = DestroyMutex;
  args.LockMutex = LockMutex;
  args.UnlockMutex = UnlockMutex;
  g_created = 0;
  g_locked = 0;
  ASSERT_EQ(module_->C_Initialize(&args), CKR_OK);
  CK_SESSION_HANDLE h = CK_INVALID_HANDLE;
  ASSERT_EQ(module_->C_OpenSession(OnlySlot(), CKF_SERIAL_SESSION, nullptr, nullptr, &h), CKR_OK);
  EXPECT_GT(g_created.load(), 0);
  EXPECT_GT(g_locked.load(), 0);
  EXPECT_EQ(module_->C_CloseSession(h), CKR_OK);
  EXPECT_EQ(module_->C_Finalize(nullptr), CKR_OK);
}

TEST_F(ThreadingTest, UsesOsLockingWhenTheFlagAllowsIt) {
  CK_C_INITIALIZE_ARGS args{};
  args.CreateMutex = CreateMutex;
  args.DestroyMutex = DestroyMutex;
  args.LockMutex = LockMutex;
  args.UnlockMutex = UnlockMutex;
  args.flags = CKF_OS_LOCKING_OK;
  g_created = 0;
  ASSERT_EQ(module_->C_Initialize(&args), CKR_OK);
  CK_SESSION_HANDLE h = CK_INVALID_HANDLE;
  ASSERT_EQ(module_->C_OpenSession(OnlySlot(), CKF_SERIAL_SESSION, nullptr, nullptr, &h), CKR_OK);
  EXPECT_EQ(g_created.load(), 0);
  EXPECT_EQ(module_->C_Finalize(nullptr), CKR_OK);
}

TEST_F(ThreadingTest, ManyThreadsShareOneTokenAndFinalizeWhileTheyRun) {
  CK_C_INITIALIZE_ARGS args{};
  args.flags = CKF_OS_LOCKING_OK;
  ASSERT_EQ(module_->C_Initialize(&args), CKR_OK);
  const CK_SLOT_ID slot = OnlySlot();
  std::atomic<bool> stop{false};
  std::atomic<int> bad{0};
  std::atomic<int> calls{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      while (!stop.load()) {
        CK_SESSION_HANDLE h = CK_INVALID_HANDLE;
        CK_RV rv = module_->C_OpenSession(slot, CKF_SERIAL_SESSION, nullptr, nullptr, &h);
        ++calls;
        if (rv == CKR_CRYPTOKI_NOT_INITIALIZED) continue;
        if (rv != CKR_OK) {
          ++bad;
          continue;
        }
        CK_TOKEN_INFO info{};
        rv = module_->C_GetTokenInfo(slot, &info);
        if (rv != CKR_OK && rv != CKR_CRYPTOKI_NOT_INITIALIZED) ++bad;
        CK_OBJECT_CLASS cls = CKO_CERTIFICATE;
        CK_ATTRIBUTE tmpl{CKA_CLASS, &cls, sizeof cls};
        rv = module_->C_FindObjectsInit(h, &tmpl, 1);
        if (rv == CKR_OK) {
          CK_OBJECT_HANDLE found[4];
          CK_ULONG n = 0;
          (void)module_->C_FindObjects(h, found, 4, &n);
          (void)module_->C_FindObjectsFinal(h);
        } else if (rv != CKR_CRYPTOKI_NOT_INITIALIZED && rv != CKR_SESSION_HANDLE_INVALID) {
          ++bad;
        }
        rv = module_->C_CloseSession(h);
        if (rv != CKR_OK && rv != CKR_CRYPTOKI_NOT_INITIALIZED &&
            rv != CKR_SESSION_HANDLE_INVALID) {
          ++bad;
        }
      }
    });
  }
  while (calls.load() < 200) std::this_thread::yield();
  // Finalize while the threads are inside the module; they must see
  // CKR_CRYPTOKI_NOT_INITIALIZED afterwards, never a crash.
  EXPECT_EQ(module_->C_Finalize(nullptr), CKR_OK);
  const int before = calls.load();
  while (calls.load() < before + 50) std::this_thread::yield();
  stop = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(bad.load(), 0);
}

}  // namespace
}  // namespace tessera::testing
