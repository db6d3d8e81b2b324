// Application-supplied mutex callbacks (PKCS#11 3.0 §5.4, C_Initialize,
// cases 3 and 4). A mutex is whatever CreateMutex hands back: an opaque
// value the library stores and passes to Lock/Unlock/DestroyMutex, never
// dereferences and never compares with NULL. These callbacks hand out small
// integers and even NULL; each value maps to a real lock on this side, so
// the library's threads stay safe, and every call is checked against what
// was handed out.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "tests/integration/pkcs11/conformance/conformance_fixture.hpp"

namespace tessera::testing::conformance {
namespace {

// The application's mutex table. Static because the callbacks are plain C.
struct AppMutexes {
  std::mutex guard;
  bool hand_out_null = false;
  std::uintptr_t next = 1;
  std::map<std::uintptr_t, std::unique_ptr<std::recursive_mutex>> live;
  int created = 0;
  int locks = 0;
  int unlocks = 0;
  int unknown = 0;  // calls with a value never handed out (or destroyed)

  std::recursive_mutex* Find(void* m) {
    std::lock_guard<std::mutex> hold(guard);
    auto it = live.find(reinterpret_cast<std::uintptr_t>(m));
    if (it == live.end()) {
      ++unknown;
      return nullptr;
    }
    return it->second.get();
  }
};

AppMutexes& Table() {
  static AppMutexes table;
  return table;
}

CK_RV AppCreate(CK_VOID_PTR_PTR out) {
  AppMutexes& t = Table();
  std::lock_guard<std::mutex> hold(t.guard);
  ++t.created;
  // With hand_out_null every mutex is NULL and they share one recursive lock.
  const std::uintptr_t id = t.hand_out_null ? 0 : t.next++;
  if (t.live.count(id) == 0) t.live[id] = std::make_unique<std::recursive_mutex>();
  *out = reinterpret_cast<void*>(id);
  return CKR_OK;
}

CK_RV AppDestroy(CK_VOID_PTR m) {
  AppMutexes& t = Table();
  std::lock_guard<std::mutex> hold(t.guard);
  const auto id = reinterpret_cast<std::uintptr_t>(m);
  if (t.live.count(id) == 0) {
    ++t.unknown;
    return CKR_MUTEX_BAD;
  }
  if (id != 0) t.live.erase(id);
  return CKR_OK;
}

CK_RV AppLock(CK_VOID_PTR m) {
  std::recursive_mutex* mu = Table().Find(m);
  if (mu == nullptr) return CKR_MUTEX_BAD;
  mu->lock();
  std::lock_guard<std::mutex> hold(Table().guard);
  ++Table().locks;
  return CKR_OK;
}

CK_RV AppUnlock(CK_VOID_PTR m) {
  std::recursive_mutex* mu = Table().Find(m);
  if (mu == nullptr) return CKR_MUTEX_BAD;
  {
    std::lock_guard<std::mutex> hold(Table().guard);
    ++Table().unlocks;
  }
  mu->unlock();
  return CKR_OK;
}

class MutexCallbackTest : public UninitializedTest {
 protected:
  void Reset(bool hand_out_null) {
    AppMutexes& t = Table();
    std::lock_guard<std::mutex> hold(t.guard);
    t.live.clear();
    t.hand_out_null = hand_out_null;
    t.next = 1;
    t.created = t.locks = t.unlocks = t.unknown = 0;
  }

  CK_C_INITIALIZE_ARGS Args(CK_FLAGS flags) {
    CK_C_INITIALIZE_ARGS args{};
    args.CreateMutex = AppCreate;
    args.DestroyMutex = AppDestroy;
    args.LockMutex = AppLock;
    args.UnlockMutex = AppUnlock;
    args.flags = flags;
    return args;
  }

  // Sessions, a login, a search, digests and random bytes from two threads.
  void Exercise() {
    CK_ULONG count = 0;
    ASSERT_THAT(f()->C_GetSlotList(CK_TRUE, nullptr, &count), IsRv(CKR_OK));
    ASSERT_EQ(count, 1u);
    ASSERT_THAT(f()->C_GetSlotList(CK_TRUE, &slot_, &count), IsRv(CKR_OK));
    CK_SESSION_HANDLE session = UserSession(false);
    EXPECT_FALSE(Find(session, AttrList()).empty());
    auto work = [&] {
      for (int i = 0; i < 20; ++i) {
        CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
        EXPECT_THAT(f()->C_OpenSession(slot_, CKF_SERIAL_SESSION, nullptr, nullptr, &s),
                    IsRv(CKR_OK));
        CK_BYTE buf[32];
        EXPECT_THAT(f()->C_GenerateRandom(s, buf, sizeof buf), IsRv(CKR_OK));
        CK_MECHANISM sha{CKM_SHA256, nullptr, 0};
        CK_ULONG len = sizeof buf;
        EXPECT_THAT(f()->C_DigestInit(s, &sha), IsRv(CKR_OK));
        EXPECT_THAT(f()->C_Digest(s, buf, 8, buf, &len), IsRv(CKR_OK));
        EXPECT_THAT(f()->C_CloseSession(s), IsRv(CKR_OK));
      }
    };
    std::thread other(work);
    work();
    other.join();
    EXPECT_THAT(f()->C_CloseSession(session), IsRv(CKR_OK));
  }

  void ExpectOnlyHandedOutValues() {
    AppMutexes& t = Table();
    std::lock_guard<std::mutex> hold(t.guard);
    EXPECT_EQ(t.unknown, 0) << "the library passed a mutex value CreateMutex never returned";
    EXPECT_EQ(t.locks, t.unlocks) << "every LockMutex has its UnlockMutex";
  }
};

TEST_F(MutexCallbackTest, MutexesThatAreSmallIntegersAreUsedOpaquely) {
  Reset(/*hand_out_null=*/false);
  CK_C_INITIALIZE_ARGS args = Args(0);
  ASSERT_THAT(f()->C_Initialize(&args), IsRv(CKR_OK));
  ASSERT_NO_FATAL_FAILURE(Exercise());
  EXPECT_GT(Table().created, 0) << "without CKF_OS_LOCKING_OK the library locks with the callbacks";
  EXPECT_GT(Table().locks, 0);
  EXPECT_THAT(f()->C_Finalize(nullptr), IsRv(CKR_OK));
  ExpectOnlyHandedOutValues();
}

TEST_F(MutexCallbackTest, MutexesThatAreNullAreStillMutexes) {
  // CreateMutex succeeding with *ppMutex == NULL_PTR is a valid mutex: the
  // library must not take NULL for "no mutex" or "failed".
  Reset(/*hand_out_null=*/true);
  CK_C_INITIALIZE_ARGS args = Args(0);
  ASSERT_THAT(f()->C_Initialize(&args), IsRv(CKR_OK));
  ASSERT_NO_FATAL_FAILURE(Exercise());
  EXPECT_GT(Table().locks, 0) << "a NULL mutex is locked like any other";
  EXPECT_THAT(f()->C_Finalize(nullptr), IsRv(CKR_OK));
  ExpectOnlyHandedOutValues();
}

TEST_F(MutexCallbackTest, CallbacksWithOsLockingOkWorkWhicheverTheLibraryPicks) {
  // Case 4: the library may use either the callbacks or the OS primitives.
  Reset(/*hand_out_null=*/true);
  CK_C_INITIALIZE_ARGS args = Args(CKF_OS_LOCKING_OK);
  ASSERT_THAT(f()->C_Initialize(&args), IsRv(CKR_OK));
  ASSERT_NO_FATAL_FAILURE(Exercise());
  EXPECT_THAT(f()->C_Finalize(nullptr), IsRv(CKR_OK));
  ExpectOnlyHandedOutValues();
}

}  // namespace
}  // namespace tessera::testing::conformance
