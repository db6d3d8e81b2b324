// The module's state between C_Initialize and C_Finalize, and the rules of
// PKCS#11 2.40 §5.4 around it: a second C_Initialize is
// CKR_CRYPTOKI_ALREADY_INITIALIZED; every other call before it, after
// C_Finalize, or in a child after fork() is CKR_CRYPTOKI_NOT_INITIALIZED.
//
// Calls hold a shared_ptr to the library for their duration, so C_Finalize
// never frees state another thread is still using. Thread-safe.
#pragma once

#include <p11-kit/pkcs11.h>

#include <memory>

#include "pkcs11/core/module.hpp"

namespace tessera::p11::api {

// nullptr when the module is not initialized in this process.
std::shared_ptr<Module> CurrentLibrary();
CK_RV InitializeLibrary(CK_VOID_PTR init_args);
CK_RV FinalizeLibrary(CK_VOID_PTR reserved);
// What an entry point the module does not implement answers:
// CKR_CRYPTOKI_NOT_INITIALIZED before C_Initialize (§5.4), else
// CKR_FUNCTION_NOT_SUPPORTED.
CK_RV NotSupported();

}  // namespace tessera::p11::api
