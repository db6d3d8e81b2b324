// The message-based functions of PKCS#11 3.0 (§5.7 on): the module offers
// no message-based mechanism, so each answers CKR_FUNCTION_NOT_SUPPORTED
// once the library is initialized. Signatures from pkcs11_3_0.h.
#include "pkcs11/api/export.hpp"
#include "pkcs11/api/library.hpp"
#include "pkcs11/api/pkcs11_3_0.h"

using tessera::p11::api::NotSupported;

TESSERA_P11_EXPORT CK_RV C_MessageEncryptInit(CK_SESSION_HANDLE, CK_MECHANISM_PTR,
                                              CK_OBJECT_HANDLE) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_EncryptMessage(CK_SESSION_HANDLE, CK_VOID_PTR, CK_ULONG, CK_BYTE_PTR,
                                          CK_ULONG, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR,
                                          CK_ULONG_PTR) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_EncryptMessageBegin(CK_SESSION_HANDLE, CK_VOID_PTR, CK_ULONG,
                                               CK_BYTE_PTR, CK_ULONG) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_EncryptMessageNext(CK_SESSION_HANDLE, CK_VOID_PTR, CK_ULONG, CK_BYTE_PTR,
                                              CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR, CK_FLAGS) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_MessageEncryptFinal(CK_SESSION_HANDLE) { return NotSupported(); }
TESSERA_P11_EXPORT CK_RV C_MessageDecryptInit(CK_SESSION_HANDLE, CK_MECHANISM_PTR,
                                              CK_OBJECT_HANDLE) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_DecryptMessage(CK_SESSION_HANDLE, CK_VOID_PTR, CK_ULONG, CK_BYTE_PTR,
                                          CK_ULONG, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR,
                                          CK_ULONG_PTR) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_DecryptMessageBegin(CK_SESSION_HANDLE, CK_VOID_PTR, CK_ULONG,
                                               CK_BYTE_PTR, CK_ULONG) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_DecryptMessageNext(CK_SESSION_HANDLE, CK_VOID_PTR, CK_ULONG, CK_BYTE_PTR,
                                              CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR, CK_FLAGS) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_MessageDecryptFinal(CK_SESSION_HANDLE) { return NotSupported(); }
TESSERA_P11_EXPORT CK_RV C_MessageSignInit(CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_SignMessage(CK_SESSION_HANDLE, CK_VOID_PTR, CK_ULONG, CK_BYTE_PTR,
                                       CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_SignMessageBegin(CK_SESSION_HANDLE, CK_VOID_PTR, CK_ULONG) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_SignMessageNext(CK_SESSION_HANDLE, CK_VOID_PTR, CK_ULONG, CK_BYTE_PTR,
                                           CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_MessageSignFinal(CK_SESSION_HANDLE) { return NotSupported(); }
TESSERA_P11_EXPORT CK_RV C_MessageVerifyInit(CK_SESSION_HANDLE, CK_MECHANISM_PTR,
                                             CK_OBJECT_HANDLE) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_VerifyMessage(CK_SESSION_HANDLE, CK_VOID_PTR, CK_ULONG, CK_BYTE_PTR,
                                         CK_ULONG, CK_BYTE_PTR, CK_ULONG) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_VerifyMessageBegin(CK_SESSION_HANDLE, CK_VOID_PTR, CK_ULONG) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_VerifyMessageNext(CK_SESSION_HANDLE, CK_VOID_PTR, CK_ULONG, CK_BYTE_PTR,
                                             CK_ULONG, CK_BYTE_PTR, CK_ULONG) {
  return NotSupported();
}
TESSERA_P11_EXPORT CK_RV C_MessageVerifyFinal(CK_SESSION_HANDLE) { return NotSupported(); }
