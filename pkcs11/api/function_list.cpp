// The function lists the module hands out: CK_FUNCTION_LIST (2.40) for
// C_GetFunctionList and as the "PKCS 11" 2.40 interface, and
// CK_FUNCTION_LIST_3_0 as the "PKCS 11" 3.0 interface (C_GetInterface).
// The 3.0 list starts with the 2.40 one, so the 2.40 names are listed once
// and expanded into both; the order is the structs', from p11-kit's
// pkcs11.h and pkcs11/api/pkcs11_3_0.h.
#include "pkcs11/api/function_list.hpp"

// A list of names only: each use expands X(name) for every entry point.
#define TESSERA_P11_FUNCTIONS_2_40(X) \
  X(C_Initialize)                     \
  X(C_Finalize)                       \
  X(C_GetInfo)                        \
  X(C_GetFunctionList)                \
  X(C_GetSlotList)                    \
  X(C_GetSlotInfo)                    \
  X(C_GetTokenInfo)                   \
  X(C_GetMechanismList)               \
  X(C_GetMechanismInfo)               \
  X(C_InitToken)                      \
  X(C_InitPIN)                        \
  X(C_SetPIN)                         \
  X(C_OpenSession)                    \
  X(C_CloseSession)                   \
  X(C_CloseAllSessions)               \
  X(C_GetSessionInfo)                 \
  X(C_GetOperationState)              \
  X(C_SetOperationState)              \
  X(C_Login)                          \
  X(C_Logout)                         \
  X(C_CreateObject)                   \
  X(C_CopyObject)                     \
  X(C_DestroyObject)                  \
  X(C_GetObjectSize)                  \
  X(C_GetAttributeValue)              \
  X(C_SetAttributeValue)              \
  X(C_FindObjectsInit)                \
  X(C_FindObjects)                    \
  X(C_FindObjectsFinal)               \
  X(C_EncryptInit)                    \
  X(C_Encrypt)                        \
  X(C_EncryptUpdate)                  \
  X(C_EncryptFinal)                   \
  X(C_DecryptInit)                    \
  X(C_Decrypt)                        \
  X(C_DecryptUpdate)                  \
  X(C_DecryptFinal)                   \
  X(C_DigestInit)                     \
  X(C_Digest)                         \
  X(C_DigestUpdate)                   \
  X(C_DigestKey)                      \
  X(C_DigestFinal)                    \
  X(C_SignInit)                       \
  X(C_Sign)                           \
  X(C_SignUpdate)                     \
  X(C_SignFinal)                      \
  X(C_SignRecoverInit)                \
  X(C_SignRecover)                    \
  X(C_VerifyInit)                     \
  X(C_Verify)                         \
  X(C_VerifyUpdate)                   \
  X(C_VerifyFinal)                    \
  X(C_VerifyRecoverInit)              \
  X(C_VerifyRecover)                  \
  X(C_DigestEncryptUpdate)            \
  X(C_DecryptDigestUpdate)            \
  X(C_SignEncryptUpdate)              \
  X(C_DecryptVerifyUpdate)            \
  X(C_GenerateKey)                    \
  X(C_GenerateKeyPair)                \
  X(C_WrapKey)                        \
  X(C_UnwrapKey)                      \
  X(C_DeriveKey)                      \
  X(C_SeedRandom)                     \
  X(C_GenerateRandom)                 \
  X(C_GetFunctionStatus)              \
  X(C_CancelFunction)                 \
  X(C_WaitForSlotEvent)

#define TESSERA_P11_FUNCTIONS_3_0_ONLY(X) \
  X(C_GetInterfaceList)                   \
  X(C_GetInterface)                       \
  X(C_LoginUser)                          \
  X(C_SessionCancel)                      \
  X(C_MessageEncryptInit)                 \
  X(C_EncryptMessage)                     \
  X(C_EncryptMessageBegin)                \
  X(C_EncryptMessageNext)                 \
  X(C_MessageEncryptFinal)                \
  X(C_MessageDecryptInit)                 \
  X(C_DecryptMessage)                     \
  X(C_DecryptMessageBegin)                \
  X(C_DecryptMessageNext)                 \
  X(C_MessageDecryptFinal)                \
  X(C_MessageSignInit)                    \
  X(C_SignMessage)                        \
  X(C_SignMessageBegin)                   \
  X(C_SignMessageNext)                    \
  X(C_MessageSignFinal)                   \
  X(C_MessageVerifyInit)                  \
  X(C_VerifyMessage)                      \
  X(C_VerifyMessageBegin)                 \
  X(C_VerifyMessageNext)                  \
  X(C_MessageVerifyFinal)

#define TESSERA_P11_ENTRY(name) name,

namespace tessera::p11::api {

CK_FUNCTION_LIST kFunctionList240 = {{2, 40}, TESSERA_P11_FUNCTIONS_2_40(TESSERA_P11_ENTRY)};

CK_FUNCTION_LIST_3_0 kFunctionList30 = {{3, 0},
                                        TESSERA_P11_FUNCTIONS_2_40(TESSERA_P11_ENTRY)
                                            TESSERA_P11_FUNCTIONS_3_0_ONLY(TESSERA_P11_ENTRY)};

}  // namespace tessera::p11::api
