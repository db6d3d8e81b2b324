// Mutex: the lock every module structure uses. By default it is the OS's
// (std::mutex). When the application passes its own mutex callbacks to
// C_Initialize without CKF_OS_LOCKING_OK, PKCS#11 2.40 §5.4 (case 3) says
// the library must use them, and mutexes made after UseAppMutexes() do.
// Meets BasicLockable, so std::lock_guard works. A failed lock callback
// throws std::system_error, which the api layer's Guard turns into
// CKR_GENERAL_ERROR; an unlock failure cannot be reported and is ignored.
#pragma once

#include <mutex>

namespace tessera::p11 {

// The application's callbacks, with CK_RV as unsigned long (0 = CKR_OK).
struct AppMutexHooks {
  unsigned long (*create)(void** mutex) = nullptr;
  unsigned long (*destroy)(void* mutex) = nullptr;
  unsigned long (*lock)(void* mutex) = nullptr;
  unsigned long (*unlock)(void* mutex) = nullptr;
};

// Set at C_Initialize, before the library's structures exist; cleared
// (nullptr) after C_Finalize destroyed them.
void UseAppMutexes(const AppMutexHooks* hooks);

class Mutex {
 public:
  Mutex();
  ~Mutex();
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void lock();
  void unlock() noexcept;

 private:
  std::mutex os_;
  AppMutexHooks hooks_{};  // a copy: stays valid for this mutex's life
  void* app_ = nullptr;    // the application's mutex (any value, NULL too)
  bool use_app_ = false;   // hooks_ and app_ are in use
};

}  // namespace tessera::p11
