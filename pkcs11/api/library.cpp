#include "pkcs11/api/library.hpp"

#include <pthread.h>

#include <atomic>
#include <mutex>
#include <new>
#include <string>
#include <vector>

#include "pkcs11/api/rv_map.hpp"
#include "pkcs11/core/log/log.hpp"
#include "pkcs11/core/mutex.hpp"

namespace tessera::p11::api {
namespace {

std::mutex g_mu;
// Guarded by g_mu. Never destroyed: a host's exit handlers may still call
// the module after its static destructors ran (OPENSSL_cleanup finishing
// libp11's engine calls C_CloseAllSessions and C_Finalize), and must find
// the library, not freed memory. Built in static storage rather than on the
// heap, so unloading the module (dlclose) leaves no unreachable block behind.
alignas(std::shared_ptr<Module>) unsigned char g_library_storage[sizeof(std::shared_ptr<Module>)];
std::shared_ptr<Module>& g_library = *new (g_library_storage) std::shared_ptr<Module>();
std::atomic<bool> g_forked{false};
std::once_flag g_atfork_once;

// PKCS#11 2.40 §6.7.7: a child after fork() must call C_Initialize itself.
// The parent's state is abandoned, not destroyed: its locks may be held by
// threads that do not exist in the child.
void OnForkChild() { g_forked.store(true); }

// §5.4 C_Initialize: the mutex callbacks must be all set or all null; with
// all null or CKF_OS_LOCKING_OK the library uses the OS's own primitives,
// which is what it does in every case (std::mutex), as the spec allows.
CK_RV CheckInitArgs(CK_VOID_PTR init_args) {
  if (init_args == nullptr) return CKR_OK;
  const auto* args = static_cast<const CK_C_INITIALIZE_ARGS*>(init_args);
  if (args->pReserved != nullptr) return CKR_ARGUMENTS_BAD;
  const int set = (args->CreateMutex != nullptr) + (args->DestroyMutex != nullptr) +
                  (args->LockMutex != nullptr) + (args->UnlockMutex != nullptr);
  if (set != 0 && set != 4) return CKR_ARGUMENTS_BAD;
  return CKR_OK;
}

// Case 3 of §5.4: callbacks given and CKF_OS_LOCKING_OK not set means the
// library must lock with the application's mutexes.
void ChooseMutexes(CK_VOID_PTR init_args) {
  const auto* args = static_cast<const CK_C_INITIALIZE_ARGS*>(init_args);
  if (args == nullptr || args->CreateMutex == nullptr || (args->flags & CKF_OS_LOCKING_OK) != 0) {
    UseAppMutexes(nullptr);
    return;
  }
  AppMutexHooks hooks;
  hooks.create = args->CreateMutex;
  hooks.destroy = args->DestroyMutex;
  hooks.lock = args->LockMutex;
  hooks.unlock = args->UnlockMutex;
  UseAppMutexes(&hooks);
}

}  // namespace

std::shared_ptr<Module> CurrentLibrary() {
  if (g_forked.load()) return nullptr;
  std::lock_guard lock(g_mu);
  return g_library;
}

CK_RV NotSupported() {
  return Guard([] {
    return CurrentLibrary() == nullptr ? CKR_CRYPTOKI_NOT_INITIALIZED : CKR_FUNCTION_NOT_SUPPORTED;
  });
}

CK_RV InitializeLibrary(CK_VOID_PTR init_args) {
  if (CK_RV rv = CheckInitArgs(init_args); rv != CKR_OK) return rv;
  std::call_once(g_atfork_once, [] { pthread_atfork(nullptr, nullptr, OnForkChild); });
  std::lock_guard lock(g_mu);
  if (g_forked.load()) {
    new std::shared_ptr<Module>(std::move(g_library));  // abandoned, see OnForkChild
    g_library = nullptr;
    g_forked.store(false);
  }
  if (g_library != nullptr) return CKR_CRYPTOKI_ALREADY_INITIALIZED;
  log::ConfigureFromEnvironment();
  ChooseMutexes(init_args);
  std::vector<std::string> problems;
  const ModuleConfig config = ModuleConfig::Load(problems);
  // A broken configuration must not fail the application: say what was
  // ignored, always on stderr (as a bad TESSERA_LOG is), and in the log.
  for (const std::string& problem : problems) log::Notice(problem);
  auto library = std::make_shared<Module>(config);
  library->slots().Refresh();
  log::Log(log::Level::kInfo, "C_Initialize: ", library->slots().Ids(false).size(), " slot(s)");
  g_library = std::move(library);
  return CKR_OK;
}

CK_RV FinalizeLibrary(CK_VOID_PTR reserved) {
  if (reserved != nullptr) return CKR_ARGUMENTS_BAD;
  if (g_forked.load()) return CKR_CRYPTOKI_NOT_INITIALIZED;
  std::lock_guard lock(g_mu);
  if (g_library == nullptr) return CKR_CRYPTOKI_NOT_INITIALIZED;
  // A thread blocked in C_WaitForSlotEvent wakes and returns
  // CKR_CRYPTOKI_NOT_INITIALIZED (§5.5); its reference keeps the library
  // alive until it has.
  g_library->slots().Shutdown();
  g_library.reset();
  log::Log(log::Level::kInfo, "C_Finalize");
  log::Shutdown();
  return CKR_OK;
}

}  // namespace tessera::p11::api
