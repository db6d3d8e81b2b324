// Entry points of PKCS#11 2.40 that the module does not implement yet. Each
// still follows the spec's order of checks: CKR_CRYPTOKI_NOT_INITIALIZED
// before anything else (§5.4), then CKR_FUNCTION_NOT_SUPPORTED.
// Signatures as p11-kit's pkcs11.h declares them. Issue 3 replaces these one
// by one with the real entry points.
#include <p11-kit/pkcs11.h>

#include "pkcs11/api/export.hpp"
#include "pkcs11/api/library.hpp"

using tessera::p11::api::NotSupported;

TESSERA_P11_EXPORT CK_RV C_GetOperationState(CK_SESSION_HANDLE, unsigned char*, unsigned long*) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_SetOperationState(CK_SESSION_HANDLE, unsigned char*, unsigned long,
                                             CK_OBJECT_HANDLE, CK_OBJECT_HANDLE) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_DigestKey(CK_SESSION_HANDLE, CK_OBJECT_HANDLE) { return NotSupported(); }
TESSERA_P11_EXPORT CK_RV C_SignRecoverInit(CK_SESSION_HANDLE, CK_MECHANISM*, CK_OBJECT_HANDLE) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_SignRecover(CK_SESSION_HANDLE, unsigned char*, unsigned long,
                                       unsigned char*, unsigned long*) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_VerifyRecoverInit(CK_SESSION_HANDLE, CK_MECHANISM*, CK_OBJECT_HANDLE) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_VerifyRecover(CK_SESSION_HANDLE, unsigned char*, unsigned long,
                                         unsigned char*, unsigned long*) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_DigestEncryptUpdate(CK_SESSION_HANDLE, unsigned char*, unsigned long,
                                               unsigned char*, unsigned long*) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_DecryptDigestUpdate(CK_SESSION_HANDLE, unsigned char*, unsigned long,
                                               unsigned char*, unsigned long*) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_SignEncryptUpdate(CK_SESSION_HANDLE, unsigned char*, unsigned long,
                                             unsigned char*, unsigned long*) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_DecryptVerifyUpdate(CK_SESSION_HANDLE, unsigned char*, unsigned long,
                                               unsigned char*, unsigned long*) {
  return NotSupported();
}
// Legacy parallel functions (§5.16): always CKR_FUNCTION_NOT_PARALLEL.
TESSERA_P11_EXPORT CK_RV C_GetFunctionStatus(CK_SESSION_HANDLE) {
  CK_RV rv = NotSupported();
  return rv == CKR_FUNCTION_NOT_SUPPORTED ? CKR_FUNCTION_NOT_PARALLEL : rv;
}
TESSERA_P11_EXPORT CK_RV C_CancelFunction(CK_SESSION_HANDLE) {
  CK_RV rv = NotSupported();
  return rv == CKR_FUNCTION_NOT_SUPPORTED ? CKR_FUNCTION_NOT_PARALLEL : rv;
}
