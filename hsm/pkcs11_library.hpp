// Pkcs11Library: one loaded and initialized PKCS#11 module (an HSM's client
// library, SoftHSM2 by default).
//
// Load() dlopens the module, asks it for its function list and calls
// C_Initialize with CKF_OS_LOCKING_OK; the destructor calls C_Finalize and
// dlcloses. A module is process-global state (PKCS#11 3.0 §5.4: one
// C_Initialize per process), so Load refuses a module that someone else in the
// process has already initialized instead of finalizing it under them.
// Shared ownership: every HsmToken and HsmSession keeps the library loaded.
// The function list is safe to call from several threads (OS locking).
#pragma once

#include <p11-kit/pkcs11.h>

#include <memory>
#include <string>

#include "common/status.hpp"

namespace tessera::hsm {

class Pkcs11Library {
 public:
  // Errors: kNotFound when `path` does not exist; kInternal when dlopen fails,
  // C_GetFunctionList is missing, or a call fails (the message names the
  // function and its CK_RV in hex).
  static Result<std::shared_ptr<const Pkcs11Library>> Load(const std::string& path);

  ~Pkcs11Library();
  Pkcs11Library(const Pkcs11Library&) = delete;
  Pkcs11Library& operator=(const Pkcs11Library&) = delete;

  const CK_FUNCTION_LIST& functions() const { return *functions_; }
  const std::string& path() const { return path_; }

 private:
  Pkcs11Library(std::string path, void* handle, CK_FUNCTION_LIST* functions)
      : path_(std::move(path)), handle_(handle), functions_(functions) {}

  std::string path_;
  void* handle_;                 // from dlopen, never null
  CK_FUNCTION_LIST* functions_;  // owned by the module, never null
};

}  // namespace tessera::hsm
