// Entry points of PKCS#11 2.40 that the module does not implement yet. Each
// still follows the spec's order of checks: CKR_CRYPTOKI_NOT_INITIALIZED
// before anything else (§5.4), then CKR_FUNCTION_NOT_SUPPORTED.
// Signatures as p11-kit's pkcs11.h declares them. Issue 3 replaces these one
// by one with the real entry points.
#include <p11-kit/pkcs11.h>

#include "pkcs11/api/export.hpp"
#include "pkcs11/api/library.hpp"

using tessera::p11::api::NotSupported;

TESSERA_P11_EXPORT CK_RV C_WaitForSlotEvent(CK_FLAGS, CK_SLOT_ID*, void*) { return NotSupported(); }
TESSERA_P11_EXPORT CK_RV C_InitToken(CK_SLOT_ID, unsigned char*, unsigned long, unsigned char*) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_InitPIN(CK_SESSION_HANDLE, unsigned char*, unsigned long) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_SetPIN(CK_SESSION_HANDLE, unsigned char*, unsigned long, unsigned char*,
                                  unsigned long) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_GetOperationState(CK_SESSION_HANDLE, unsigned char*, unsigned long*) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_SetOperationState(CK_SESSION_HANDLE, unsigned char*, unsigned long,
                                             CK_OBJECT_HANDLE, CK_OBJECT_HANDLE) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_CreateObject(CK_SESSION_HANDLE, CK_ATTRIBUTE*, unsigned long,
                                        CK_OBJECT_HANDLE*) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_CopyObject(CK_SESSION_HANDLE, CK_OBJECT_HANDLE, CK_ATTRIBUTE*,
                                      unsigned long, CK_OBJECT_HANDLE*) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_DestroyObject(CK_SESSION_HANDLE, CK_OBJECT_HANDLE) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_GetObjectSize(CK_SESSION_HANDLE, CK_OBJECT_HANDLE, unsigned long*) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_GetAttributeValue(CK_SESSION_HANDLE, CK_OBJECT_HANDLE, CK_ATTRIBUTE*,
                                             unsigned long) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_SetAttributeValue(CK_SESSION_HANDLE, CK_OBJECT_HANDLE, CK_ATTRIBUTE*,
                                             unsigned long) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_FindObjectsInit(CK_SESSION_HANDLE, CK_ATTRIBUTE*, unsigned long) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_FindObjects(CK_SESSION_HANDLE, CK_OBJECT_HANDLE*, unsigned long,
                                       unsigned long*) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_FindObjectsFinal(CK_SESSION_HANDLE) { return NotSupported(); }
TESSERA_P11_EXPORT CK_RV C_EncryptInit(CK_SESSION_HANDLE, CK_MECHANISM*, CK_OBJECT_HANDLE) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_Encrypt(CK_SESSION_HANDLE, unsigned char*, unsigned long, unsigned char*,
                                   unsigned long*) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_EncryptUpdate(CK_SESSION_HANDLE, unsigned char*, unsigned long,
                                         unsigned char*, unsigned long*) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_EncryptFinal(CK_SESSION_HANDLE, unsigned char*, unsigned long*) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_DecryptInit(CK_SESSION_HANDLE, CK_MECHANISM*, CK_OBJECT_HANDLE) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_Decrypt(CK_SESSION_HANDLE, unsigned char*, unsigned long, unsigned char*,
                                   unsigned long*) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_DecryptUpdate(CK_SESSION_HANDLE, unsigned char*, unsigned long,
                                         unsigned char*, unsigned long*) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_DecryptFinal(CK_SESSION_HANDLE, unsigned char*, unsigned long*) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_DigestInit(CK_SESSION_HANDLE, CK_MECHANISM*) { return NotSupported(); }
TESSERA_P11_EXPORT CK_RV C_Digest(CK_SESSION_HANDLE, unsigned char*, unsigned long, unsigned char*,
                                  unsigned long*) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_DigestUpdate(CK_SESSION_HANDLE, unsigned char*, unsigned long) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_DigestKey(CK_SESSION_HANDLE, CK_OBJECT_HANDLE) { return NotSupported(); }
TESSERA_P11_EXPORT CK_RV C_DigestFinal(CK_SESSION_HANDLE, unsigned char*, unsigned long*) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_SignInit(CK_SESSION_HANDLE, CK_MECHANISM*, CK_OBJECT_HANDLE) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_Sign(CK_SESSION_HANDLE, unsigned char*, unsigned long, unsigned char*,
                                unsigned long*) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_SignUpdate(CK_SESSION_HANDLE, unsigned char*, unsigned long) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_SignFinal(CK_SESSION_HANDLE, unsigned char*, unsigned long*) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_SignRecoverInit(CK_SESSION_HANDLE, CK_MECHANISM*, CK_OBJECT_HANDLE) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_SignRecover(CK_SESSION_HANDLE, unsigned char*, unsigned long,
                                       unsigned char*, unsigned long*) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_VerifyInit(CK_SESSION_HANDLE, CK_MECHANISM*, CK_OBJECT_HANDLE) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_Verify(CK_SESSION_HANDLE, unsigned char*, unsigned long, unsigned char*,
                                  unsigned long) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_VerifyUpdate(CK_SESSION_HANDLE, unsigned char*, unsigned long) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_VerifyFinal(CK_SESSION_HANDLE, unsigned char*, unsigned long) {
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
TESSERA_P11_EXPORT CK_RV C_GenerateKey(CK_SESSION_HANDLE, CK_MECHANISM*, CK_ATTRIBUTE*,
                                       unsigned long, CK_OBJECT_HANDLE*) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_GenerateKeyPair(CK_SESSION_HANDLE, CK_MECHANISM*, CK_ATTRIBUTE*,
                                           unsigned long, CK_ATTRIBUTE*, unsigned long,
                                           CK_OBJECT_HANDLE*, CK_OBJECT_HANDLE*) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_WrapKey(CK_SESSION_HANDLE, CK_MECHANISM*, CK_OBJECT_HANDLE,
                                   CK_OBJECT_HANDLE, unsigned char*, unsigned long*) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_UnwrapKey(CK_SESSION_HANDLE, CK_MECHANISM*, CK_OBJECT_HANDLE,
                                     unsigned char*, unsigned long, CK_ATTRIBUTE*, unsigned long,
                                     CK_OBJECT_HANDLE*) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_DeriveKey(CK_SESSION_HANDLE, CK_MECHANISM*, CK_OBJECT_HANDLE,
                                     CK_ATTRIBUTE*, unsigned long, CK_OBJECT_HANDLE*) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_SeedRandom(CK_SESSION_HANDLE, unsigned char*, unsigned long) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_GenerateRandom(CK_SESSION_HANDLE, unsigned char*, unsigned long) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_GetFunctionStatus(CK_SESSION_HANDLE) { return NotSupported(); }
TESSERA_P11_EXPORT CK_RV C_CancelFunction(CK_SESSION_HANDLE) { return NotSupported(); }
