/* The PKCS#11 3.0 declarations the module needs on top of p11-kit.
 *
 * p11-kit's <p11-kit/pkcs11.h> (libp11-kit-dev 0.24, Debian 12) stops at
 * PKCS#11 2.40: no CK_INTERFACE, no CK_FUNCTION_LIST_3_0, no C_GetInterface*,
 * C_LoginUser, C_SessionCancel or message-based functions. This header adds
 * them, with the names, signatures and values of the OASIS PKCS#11 3.0
 * pkcs11t.h / pkcs11f.h, following the base specification: CK_INTERFACE and
 * CK_FUNCTION_LIST_3_0 from its data types, the functions from §5.4
 * (C_GetInterfaceList, C_GetInterface), session management (C_LoginUser,
 * C_SessionCancel), §5.9 and §5.14 and their decrypt / verify counterparts.
 *
 * It relies on p11-kit's standard names (CK_RV, CK_ULONG, ...), which p11-kit
 * provides unless CRYPTOKI_GNU alone is defined. Every constant is guarded
 * with #ifndef so a p11-kit that already has it wins; the types are declared
 * only while p11-kit reports a 2.x Cryptoki. Valid C and C++; declarations
 * only, so there is nothing to own and nothing thread-related.
 */
#ifndef TESSERA_PKCS11_API_PKCS11_3_0_H_
#define TESSERA_PKCS11_API_PKCS11_3_0_H_

#include <p11-kit/pkcs11.h>

#ifndef CRYPTOKI_COMPAT
#error "pkcs11_3_0.h needs p11-kit's standard PKCS#11 names; do not define CRYPTOKI_GNU"
#endif

#ifdef __cplusplus
#include <cstddef>
#else
#include <stddef.h>
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Without CRYPTOKI_COMPAT only the #error above is worth reporting. */
#if defined(CRYPTOKI_COMPAT) && CRYPTOKI_VERSION_MAJOR < 3

/* C declarations with the spec's names, so C++ naming rules do not apply. */
/* NOLINTBEGIN(modernize-use-using, readability-identifier-naming, bugprone-macro-parentheses) */

/* Same packing rule as p11-kit's own structures. */
#if defined(_WIN32) || defined(CRYPTOKI_FORCE_WIN32)
#pragma pack(push, cryptoki, 1)
#endif

typedef struct CK_INTERFACE {
  CK_CHAR_PTR pInterfaceName;
  CK_VOID_PTR pFunctionList;
  CK_FLAGS flags;
} CK_INTERFACE;

typedef CK_INTERFACE* CK_INTERFACE_PTR;
typedef CK_INTERFACE_PTR* CK_INTERFACE_PTR_PTR;

typedef struct CK_FUNCTION_LIST_3_0 CK_FUNCTION_LIST_3_0;
typedef CK_FUNCTION_LIST_3_0* CK_FUNCTION_LIST_3_0_PTR;
typedef CK_FUNCTION_LIST_3_0_PTR* CK_FUNCTION_LIST_3_0_PTR_PTR;

/* As p11-kit does for 2.40 and pkcs11f.h does for all: a prototype C_<Name>
 * and a pointer type CK_C_<Name> from one parameter list. */
#define TESSERA_P11_DECLARE_FUNCTION(name, args) \
  typedef CK_RV(*CK_##name) args;                \
  CK_RV CK_SPEC name args

/* pkcs11f.h order. */
TESSERA_P11_DECLARE_FUNCTION(C_GetInterfaceList,
                             (CK_INTERFACE_PTR pInterfacesList, CK_ULONG_PTR pulCount));
TESSERA_P11_DECLARE_FUNCTION(C_GetInterface,
                             (CK_UTF8CHAR_PTR pInterfaceName, CK_VERSION_PTR pVersion,
                              CK_INTERFACE_PTR_PTR ppInterface, CK_FLAGS flags));
TESSERA_P11_DECLARE_FUNCTION(C_LoginUser, (CK_SESSION_HANDLE hSession, CK_USER_TYPE userType,
                                           CK_UTF8CHAR_PTR pPin, CK_ULONG ulPinLen,
                                           CK_UTF8CHAR_PTR pUsername, CK_ULONG ulUsernameLen));
TESSERA_P11_DECLARE_FUNCTION(C_SessionCancel, (CK_SESSION_HANDLE hSession, CK_FLAGS flags));

TESSERA_P11_DECLARE_FUNCTION(C_MessageEncryptInit,
                             (CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism,
                              CK_OBJECT_HANDLE hKey));
TESSERA_P11_DECLARE_FUNCTION(C_EncryptMessage,
                             (CK_SESSION_HANDLE hSession, CK_VOID_PTR pParameter,
                              CK_ULONG ulParameterLen, CK_BYTE_PTR pAssociatedData,
                              CK_ULONG ulAssociatedDataLen, CK_BYTE_PTR pPlaintext,
                              CK_ULONG ulPlaintextLen, CK_BYTE_PTR pCiphertext,
                              CK_ULONG_PTR pulCiphertextLen));
TESSERA_P11_DECLARE_FUNCTION(C_EncryptMessageBegin,
                             (CK_SESSION_HANDLE hSession, CK_VOID_PTR pParameter,
                              CK_ULONG ulParameterLen, CK_BYTE_PTR pAssociatedData,
                              CK_ULONG ulAssociatedDataLen));
TESSERA_P11_DECLARE_FUNCTION(C_EncryptMessageNext,
                             (CK_SESSION_HANDLE hSession, CK_VOID_PTR pParameter,
                              CK_ULONG ulParameterLen, CK_BYTE_PTR pPlaintextPart,
                              CK_ULONG ulPlaintextPartLen, CK_BYTE_PTR pCiphertextPart,
                              CK_ULONG_PTR pulCiphertextPartLen, CK_FLAGS flags));
TESSERA_P11_DECLARE_FUNCTION(C_MessageEncryptFinal, (CK_SESSION_HANDLE hSession));

TESSERA_P11_DECLARE_FUNCTION(C_MessageDecryptInit,
                             (CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism,
                              CK_OBJECT_HANDLE hKey));
TESSERA_P11_DECLARE_FUNCTION(C_DecryptMessage,
                             (CK_SESSION_HANDLE hSession, CK_VOID_PTR pParameter,
                              CK_ULONG ulParameterLen, CK_BYTE_PTR pAssociatedData,
                              CK_ULONG ulAssociatedDataLen, CK_BYTE_PTR pCiphertext,
                              CK_ULONG ulCiphertextLen, CK_BYTE_PTR pPlaintext,
                              CK_ULONG_PTR pulPlaintextLen));
TESSERA_P11_DECLARE_FUNCTION(C_DecryptMessageBegin,
                             (CK_SESSION_HANDLE hSession, CK_VOID_PTR pParameter,
                              CK_ULONG ulParameterLen, CK_BYTE_PTR pAssociatedData,
                              CK_ULONG ulAssociatedDataLen));
TESSERA_P11_DECLARE_FUNCTION(C_DecryptMessageNext,
                             (CK_SESSION_HANDLE hSession, CK_VOID_PTR pParameter,
                              CK_ULONG ulParameterLen, CK_BYTE_PTR pCiphertextPart,
                              CK_ULONG ulCiphertextPartLen, CK_BYTE_PTR pPlaintextPart,
                              CK_ULONG_PTR pulPlaintextPartLen, CK_FLAGS flags));
TESSERA_P11_DECLARE_FUNCTION(C_MessageDecryptFinal, (CK_SESSION_HANDLE hSession));

TESSERA_P11_DECLARE_FUNCTION(C_MessageSignInit,
                             (CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism,
                              CK_OBJECT_HANDLE hKey));
TESSERA_P11_DECLARE_FUNCTION(C_SignMessage,
                             (CK_SESSION_HANDLE hSession, CK_VOID_PTR pParameter,
                              CK_ULONG ulParameterLen, CK_BYTE_PTR pData, CK_ULONG ulDataLen,
                              CK_BYTE_PTR pSignature, CK_ULONG_PTR pulSignatureLen));
TESSERA_P11_DECLARE_FUNCTION(C_SignMessageBegin, (CK_SESSION_HANDLE hSession,
                                                  CK_VOID_PTR pParameter, CK_ULONG ulParameterLen));
TESSERA_P11_DECLARE_FUNCTION(C_SignMessageNext,
                             (CK_SESSION_HANDLE hSession, CK_VOID_PTR pParameter,
                              CK_ULONG ulParameterLen, CK_BYTE_PTR pData, CK_ULONG ulDataLen,
                              CK_BYTE_PTR pSignature, CK_ULONG_PTR pulSignatureLen));
TESSERA_P11_DECLARE_FUNCTION(C_MessageSignFinal, (CK_SESSION_HANDLE hSession));

TESSERA_P11_DECLARE_FUNCTION(C_MessageVerifyInit,
                             (CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism,
                              CK_OBJECT_HANDLE hKey));
TESSERA_P11_DECLARE_FUNCTION(C_VerifyMessage,
                             (CK_SESSION_HANDLE hSession, CK_VOID_PTR pParameter,
                              CK_ULONG ulParameterLen, CK_BYTE_PTR pData, CK_ULONG ulDataLen,
                              CK_BYTE_PTR pSignature, CK_ULONG ulSignatureLen));
TESSERA_P11_DECLARE_FUNCTION(C_VerifyMessageBegin,
                             (CK_SESSION_HANDLE hSession, CK_VOID_PTR pParameter,
                              CK_ULONG ulParameterLen));
TESSERA_P11_DECLARE_FUNCTION(C_VerifyMessageNext,
                             (CK_SESSION_HANDLE hSession, CK_VOID_PTR pParameter,
                              CK_ULONG ulParameterLen, CK_BYTE_PTR pData, CK_ULONG ulDataLen,
                              CK_BYTE_PTR pSignature, CK_ULONG ulSignatureLen));
TESSERA_P11_DECLARE_FUNCTION(C_MessageVerifyFinal, (CK_SESSION_HANDLE hSession));

#undef TESSERA_P11_DECLARE_FUNCTION

/* The 2.40 part uses p11-kit's own member types so that it is laid out exactly
 * like CK_FUNCTION_LIST; the 3.0 functions follow in pkcs11f.h order. */
struct CK_FUNCTION_LIST_3_0 {
  CK_VERSION version;
  CK_C_Initialize C_Initialize;
  CK_C_Finalize C_Finalize;
  CK_C_GetInfo C_GetInfo;
  CK_C_GetFunctionList C_GetFunctionList;
  CK_C_GetSlotList C_GetSlotList;
  CK_C_GetSlotInfo C_GetSlotInfo;
  CK_C_GetTokenInfo C_GetTokenInfo;
  CK_C_GetMechanismList C_GetMechanismList;
  CK_C_GetMechanismInfo C_GetMechanismInfo;
  CK_C_InitToken C_InitToken;
  CK_C_InitPIN C_InitPIN;
  CK_C_SetPIN C_SetPIN;
  CK_C_OpenSession C_OpenSession;
  CK_C_CloseSession C_CloseSession;
  CK_C_CloseAllSessions C_CloseAllSessions;
  CK_C_GetSessionInfo C_GetSessionInfo;
  CK_C_GetOperationState C_GetOperationState;
  CK_C_SetOperationState C_SetOperationState;
  CK_C_Login C_Login;
  CK_C_Logout C_Logout;
  CK_C_CreateObject C_CreateObject;
  CK_C_CopyObject C_CopyObject;
  CK_C_DestroyObject C_DestroyObject;
  CK_C_GetObjectSize C_GetObjectSize;
  CK_C_GetAttributeValue C_GetAttributeValue;
  CK_C_SetAttributeValue C_SetAttributeValue;
  CK_C_FindObjectsInit C_FindObjectsInit;
  CK_C_FindObjects C_FindObjects;
  CK_C_FindObjectsFinal C_FindObjectsFinal;
  CK_C_EncryptInit C_EncryptInit;
  CK_C_Encrypt C_Encrypt;
  CK_C_EncryptUpdate C_EncryptUpdate;
  CK_C_EncryptFinal C_EncryptFinal;
  CK_C_DecryptInit C_DecryptInit;
  CK_C_Decrypt C_Decrypt;
  CK_C_DecryptUpdate C_DecryptUpdate;
  CK_C_DecryptFinal C_DecryptFinal;
  CK_C_DigestInit C_DigestInit;
  CK_C_Digest C_Digest;
  CK_C_DigestUpdate C_DigestUpdate;
  CK_C_DigestKey C_DigestKey;
  CK_C_DigestFinal C_DigestFinal;
  CK_C_SignInit C_SignInit;
  CK_C_Sign C_Sign;
  CK_C_SignUpdate C_SignUpdate;
  CK_C_SignFinal C_SignFinal;
  CK_C_SignRecoverInit C_SignRecoverInit;
  CK_C_SignRecover C_SignRecover;
  CK_C_VerifyInit C_VerifyInit;
  CK_C_Verify C_Verify;
  CK_C_VerifyUpdate C_VerifyUpdate;
  CK_C_VerifyFinal C_VerifyFinal;
  CK_C_VerifyRecoverInit C_VerifyRecoverInit;
  CK_C_VerifyRecover C_VerifyRecover;
  CK_C_DigestEncryptUpdate C_DigestEncryptUpdate;
  CK_C_DecryptDigestUpdate C_DecryptDigestUpdate;
  CK_C_SignEncryptUpdate C_SignEncryptUpdate;
  CK_C_DecryptVerifyUpdate C_DecryptVerifyUpdate;
  CK_C_GenerateKey C_GenerateKey;
  CK_C_GenerateKeyPair C_GenerateKeyPair;
  CK_C_WrapKey C_WrapKey;
  CK_C_UnwrapKey C_UnwrapKey;
  CK_C_DeriveKey C_DeriveKey;
  CK_C_SeedRandom C_SeedRandom;
  CK_C_GenerateRandom C_GenerateRandom;
  CK_C_GetFunctionStatus C_GetFunctionStatus;
  CK_C_CancelFunction C_CancelFunction;
  CK_C_WaitForSlotEvent C_WaitForSlotEvent;
  CK_C_GetInterfaceList C_GetInterfaceList;
  CK_C_GetInterface C_GetInterface;
  CK_C_LoginUser C_LoginUser;
  CK_C_SessionCancel C_SessionCancel;
  CK_C_MessageEncryptInit C_MessageEncryptInit;
  CK_C_EncryptMessage C_EncryptMessage;
  CK_C_EncryptMessageBegin C_EncryptMessageBegin;
  CK_C_EncryptMessageNext C_EncryptMessageNext;
  CK_C_MessageEncryptFinal C_MessageEncryptFinal;
  CK_C_MessageDecryptInit C_MessageDecryptInit;
  CK_C_DecryptMessage C_DecryptMessage;
  CK_C_DecryptMessageBegin C_DecryptMessageBegin;
  CK_C_DecryptMessageNext C_DecryptMessageNext;
  CK_C_MessageDecryptFinal C_MessageDecryptFinal;
  CK_C_MessageSignInit C_MessageSignInit;
  CK_C_SignMessage C_SignMessage;
  CK_C_SignMessageBegin C_SignMessageBegin;
  CK_C_SignMessageNext C_SignMessageNext;
  CK_C_MessageSignFinal C_MessageSignFinal;
  CK_C_MessageVerifyInit C_MessageVerifyInit;
  CK_C_VerifyMessage C_VerifyMessage;
  CK_C_VerifyMessageBegin C_VerifyMessageBegin;
  CK_C_VerifyMessageNext C_VerifyMessageNext;
  CK_C_MessageVerifyFinal C_MessageVerifyFinal;
};

/* CKM_ECDH_AES_KEY_WRAP parameters (3.0 current mechanisms, "ECDH AES KEY
 * WRAP"): the KEK size, the KDF over the ECDH secret and its shared data. */
typedef struct CK_ECDH_AES_KEY_WRAP_PARAMS {
  CK_ULONG ulAESKeyBits;
  CK_ULONG kdf; /* CK_EC_KDF_TYPE: CKD_NULL, CKD_SHA256_KDF, ... */
  CK_ULONG ulSharedDataLen;
  CK_BYTE_PTR pSharedData;
} CK_ECDH_AES_KEY_WRAP_PARAMS;
typedef CK_ECDH_AES_KEY_WRAP_PARAMS* CK_ECDH_AES_KEY_WRAP_PARAMS_PTR;

/* CKM_EDDSA's optional parameters (3.0 current mechanisms, "EdDSA"):
 * prehash and a context, the Ed25519ph and Ed25519ctx variants. */
typedef struct CK_EDDSA_PARAMS {
  CK_BBOOL phFlag;
  CK_ULONG ulContextDataLen;
  CK_BYTE_PTR pContextData;
} CK_EDDSA_PARAMS;
typedef CK_EDDSA_PARAMS* CK_EDDSA_PARAMS_PTR;

/* CKM_HKDF_DERIVE / CKM_HKDF_DATA parameters (3.0 current mechanisms, "HKDF"). */
typedef struct CK_HKDF_PARAMS {
  CK_BBOOL bExtract;
  CK_BBOOL bExpand;
  CK_MECHANISM_TYPE prfHashMechanism;
  CK_ULONG ulSaltType;
  CK_BYTE_PTR pSalt;
  CK_ULONG ulSaltLen;
  CK_OBJECT_HANDLE hSaltKey;
  CK_BYTE_PTR pInfo;
  CK_ULONG ulInfoLen;
} CK_HKDF_PARAMS;
typedef CK_HKDF_PARAMS* CK_HKDF_PARAMS_PTR;

#if defined(_WIN32) || defined(CRYPTOKI_FORCE_WIN32)
#pragma pack(pop, cryptoki)
#endif

/* NOLINTEND(modernize-use-using, readability-identifier-naming, bugprone-macro-parentheses) */

/* A 3.0 list must be usable wherever a 2.40 list is expected. */
#ifdef __cplusplus
static_assert(offsetof(CK_FUNCTION_LIST_3_0, C_WaitForSlotEvent) ==
                  offsetof(CK_FUNCTION_LIST, C_WaitForSlotEvent),
              "CK_FUNCTION_LIST_3_0 must start with the CK_FUNCTION_LIST layout");
#elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
_Static_assert(offsetof(CK_FUNCTION_LIST_3_0, C_WaitForSlotEvent) ==
                   offsetof(CK_FUNCTION_LIST, C_WaitForSlotEvent),
               "CK_FUNCTION_LIST_3_0 must start with the CK_FUNCTION_LIST layout");
#endif

#endif /* CRYPTOKI_COMPAT && CRYPTOKI_VERSION_MAJOR < 3 */

/* Constants: values from the OASIS PKCS#11 3.0 pkcs11t.h. */

/* CK_INTERFACE flags. */
#ifndef CKF_INTERFACE_FORK_SAFE
#define CKF_INTERFACE_FORK_SAFE (0x00000001UL)
#endif

/* Flags of C_EncryptMessageNext / C_DecryptMessageNext. */
#ifndef CKF_END_OF_MESSAGE
#define CKF_END_OF_MESSAGE (0x00000001UL)
#endif

/* CK_MECHANISM_INFO flags. */
#ifndef CKF_MESSAGE_ENCRYPT
#define CKF_MESSAGE_ENCRYPT (0x00000002UL)
#endif
#ifndef CKF_MESSAGE_DECRYPT
#define CKF_MESSAGE_DECRYPT (0x00000004UL)
#endif
#ifndef CKF_MESSAGE_SIGN
#define CKF_MESSAGE_SIGN (0x00000008UL)
#endif
#ifndef CKF_MESSAGE_VERIFY
#define CKF_MESSAGE_VERIFY (0x00000010UL)
#endif
#ifndef CKF_MULTI_MESSAGE
#define CKF_MULTI_MESSAGE (0x00000020UL)
#endif
/* The OASIS 3.0 header spells it this way; 3.1 keeps it as an alias. */
#ifndef CKF_MULTI_MESSGE
#define CKF_MULTI_MESSGE CKF_MULTI_MESSAGE
#endif
#ifndef CKF_FIND_OBJECTS
#define CKF_FIND_OBJECTS (0x00000040UL)
#endif
/* CKF_EC_OID is 2.40's CKF_EC_NAMEDCURVE under its 3.0 name. */
#ifndef CKF_EC_OID
#define CKF_EC_OID (0x00800000UL)
#endif
#ifndef CKF_EC_CURVENAME
#define CKF_EC_CURVENAME (0x04000000UL)
#endif

/* Objects, attributes and profiles. */
#ifndef CKO_PROFILE
#define CKO_PROFILE (0x00000009UL)
#endif
#ifndef CKA_UNIQUE_ID
#define CKA_UNIQUE_ID (0x00000004UL)
#endif
#ifndef CKA_PROFILE_ID
#define CKA_PROFILE_ID (0x00000601UL)
#endif
#ifndef CKP_INVALID_ID
#define CKP_INVALID_ID (0x00000000UL)
#endif
#ifndef CKP_BASELINE_PROVIDER
#define CKP_BASELINE_PROVIDER (0x00000001UL)
#endif
#ifndef CKP_EXTENDED_PROVIDER
#define CKP_EXTENDED_PROVIDER (0x00000002UL)
#endif
#ifndef CKP_AUTHENTICATION_TOKEN
#define CKP_AUTHENTICATION_TOKEN (0x00000003UL)
#endif
#ifndef CKP_PUBLIC_CERTIFICATES_TOKEN
#define CKP_PUBLIC_CERTIFICATES_TOKEN (0x00000004UL)
#endif
#ifndef CKP_VENDOR_DEFINED
#define CKP_VENDOR_DEFINED (0x80000000UL)
#endif

/* Edwards and Montgomery curves. p11-kit 0.24 already has the Edwards ones. */
#ifndef CKK_EC_EDWARDS
#define CKK_EC_EDWARDS (0x00000040UL)
#endif
#ifndef CKK_EC_MONTGOMERY
#define CKK_EC_MONTGOMERY (0x00000041UL)
#endif
#ifndef CKM_EC_EDWARDS_KEY_PAIR_GEN
#define CKM_EC_EDWARDS_KEY_PAIR_GEN (0x00001055UL)
#endif
#ifndef CKM_EC_MONTGOMERY_KEY_PAIR_GEN
#define CKM_EC_MONTGOMERY_KEY_PAIR_GEN (0x00001056UL)
#endif
#ifndef CKM_EDDSA
#define CKM_EDDSA (0x00001057UL)
#endif

/* Return values. Caution: p11-kit 0.24 defines CKR_EXCEEDED_MAX_ITERATIONS
 * .. CKR_PUBLIC_KEY_INVALID as 0x1C0..0x1C4, where the 2.40 and 3.0
 * pkcs11t.h have 0x1B5..0x1B9 (CKR_PIN_TOO_WEAK is 0x1B8). The guards below
 * leave p11-kit's values alone, so those five must not reach a caller as
 * they are. */
#ifndef CKR_AEAD_DECRYPT_FAILED
#define CKR_AEAD_DECRYPT_FAILED (0x00000042UL)
#endif
#ifndef CKR_TOKEN_RESOURCE_EXCEEDED
#define CKR_TOKEN_RESOURCE_EXCEEDED (0x00000201UL)
#endif
#ifndef CKR_OPERATION_CANCEL_FAILED
#define CKR_OPERATION_CANCEL_FAILED (0x00000202UL)
#endif

/* Key wrap with padding (RFC 5649) and HKDF. */
#ifndef CKM_AES_KEY_WRAP_KWP
#define CKM_AES_KEY_WRAP_KWP (0x0000210BUL)
#endif
#ifndef CKM_HKDF_DERIVE
#define CKM_HKDF_DERIVE (0x0000402AUL)
#endif
#ifndef CKM_HKDF_DATA
#define CKM_HKDF_DATA (0x0000402BUL)
#endif
#ifndef CKM_HKDF_KEY_GEN
#define CKM_HKDF_KEY_GEN (0x0000402CUL)
#endif
#ifndef CKK_HKDF
#define CKK_HKDF (0x00000042UL)
#endif
#ifndef CKF_HKDF_SALT_NULL
#define CKF_HKDF_SALT_NULL (0x00000001UL)
#endif
#ifndef CKF_HKDF_SALT_DATA
#define CKF_HKDF_SALT_DATA (0x00000002UL)
#endif
#ifndef CKF_HKDF_SALT_KEY
#define CKF_HKDF_SALT_KEY (0x00000004UL)
#endif

/* SHA-3: the module offers none, but must tell a SHA-3 parameter apart from
 * an unknown mechanism (CKR_MECHANISM_PARAM_INVALID). */
#ifndef CKM_SHA3_256
#define CKM_SHA3_256 (0x000002B0UL)
#endif
#ifndef CKM_SHA3_224
#define CKM_SHA3_224 (0x000002B5UL)
#endif
#ifndef CKM_SHA3_384
#define CKM_SHA3_384 (0x000002C0UL)
#endif
#ifndef CKM_SHA3_512
#define CKM_SHA3_512 (0x000002D0UL)
#endif
#ifndef CKG_MGF1_SHA3_224
#define CKG_MGF1_SHA3_224 (0x00000006UL)
#endif
#ifndef CKG_MGF1_SHA3_256
#define CKG_MGF1_SHA3_256 (0x00000007UL)
#endif
#ifndef CKG_MGF1_SHA3_384
#define CKG_MGF1_SHA3_384 (0x00000008UL)
#endif
#ifndef CKG_MGF1_SHA3_512
#define CKG_MGF1_SHA3_512 (0x00000009UL)
#endif

#ifdef __cplusplus
}
#endif

#endif /* TESSERA_PKCS11_API_PKCS11_3_0_H_ */
