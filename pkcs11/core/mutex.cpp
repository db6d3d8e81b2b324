#include "pkcs11/core/mutex.hpp"

#include <atomic>
#include <system_error>

namespace tessera::p11 {
namespace {

AppMutexHooks g_hooks;
std::atomic<bool> g_use_hooks{false};

}  // namespace

void UseAppMutexes(const AppMutexHooks* hooks) {
  if (hooks != nullptr) g_hooks = *hooks;
  g_use_hooks.store(hooks != nullptr);
}

Mutex::Mutex() {
  if (!g_use_hooks.load()) return;
  hooks_ = g_hooks;
  use_app_ = true;
  // The mutex is opaque to the library (§5.4 CK_CREATEMUTEX): NULL is as
  // good a mutex as any other value; only the return value tells failure.
  if (hooks_.create(&app_) != 0) {
    throw std::system_error(std::make_error_code(std::errc::resource_unavailable_try_again),
                            "the application's CreateMutex failed");
  }
}

Mutex::~Mutex() {
  if (use_app_) (void)hooks_.destroy(app_);
}

void Mutex::lock() {
  if (!use_app_) {
    os_.lock();
    return;
  }
  if (hooks_.lock(app_) != 0) {
    throw std::system_error(std::make_error_code(std::errc::resource_deadlock_would_occur),
                            "the application's LockMutex failed");
  }
}

void Mutex::unlock() noexcept {
  if (!use_app_) {
    os_.unlock();
    return;
  }
  (void)hooks_.unlock(app_);
}

}  // namespace tessera::p11
