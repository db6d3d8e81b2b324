// Layout and values of pkcs11/api/pkcs11_3_0.h against the OASIS PKCS#11 3.0
// headers: a caller that reads a 3.0 function list through a 2.40 pointer, or
// walks it by index, must find every function where the spec puts it.
#include <gtest/gtest.h>

#include <cstddef>

#include "pkcs11/api/pkcs11_3_0.h"

namespace {

constexpr std::size_t kFunctions240 = 68;
constexpr std::size_t kFunctions30 = 92;
constexpr std::size_t kFirstFunction = offsetof(CK_FUNCTION_LIST_3_0, C_Initialize);
constexpr std::size_t kPointerSize = sizeof(CK_C_Initialize);

// Index of a member among the function pointers that follow the version.
constexpr std::size_t Slot(std::size_t offset) { return (offset - kFirstFunction) / kPointerSize; }

static_assert(sizeof(CK_INTERFACE) == sizeof(CK_CHAR_PTR) + sizeof(CK_VOID_PTR) + sizeof(CK_FLAGS));
static_assert(offsetof(CK_INTERFACE, pInterfaceName) == 0);
static_assert(offsetof(CK_INTERFACE, pFunctionList) == sizeof(CK_CHAR_PTR));
static_assert(offsetof(CK_INTERFACE, flags) == sizeof(CK_CHAR_PTR) + sizeof(CK_VOID_PTR));

static_assert(offsetof(CK_FUNCTION_LIST_3_0, version) == 0);
static_assert(kFirstFunction == offsetof(CK_FUNCTION_LIST, C_Initialize));
static_assert(Slot(offsetof(CK_FUNCTION_LIST_3_0, C_WaitForSlotEvent)) == kFunctions240 - 1);
static_assert(Slot(offsetof(CK_FUNCTION_LIST_3_0, C_MessageVerifyFinal)) == kFunctions30 - 1);
static_assert(sizeof(CK_FUNCTION_LIST_3_0) == kFirstFunction + kFunctions30 * kPointerSize);
static_assert(sizeof(CK_FUNCTION_LIST) == kFirstFunction + kFunctions240 * kPointerSize);

// The first 68 members sit where CK_FUNCTION_LIST has them.
#define EXPECT_SAME_OFFSET(member) \
  EXPECT_EQ(offsetof(CK_FUNCTION_LIST_3_0, member), offsetof(CK_FUNCTION_LIST, member)) << #member

TEST(Pkcs11Header30, FunctionList30StartsWithTheFunctionList240) {
  EXPECT_SAME_OFFSET(version);
  EXPECT_SAME_OFFSET(C_Initialize);
  EXPECT_SAME_OFFSET(C_Finalize);
  EXPECT_SAME_OFFSET(C_GetInfo);
  EXPECT_SAME_OFFSET(C_GetFunctionList);
  EXPECT_SAME_OFFSET(C_GetSlotList);
  EXPECT_SAME_OFFSET(C_GetSlotInfo);
  EXPECT_SAME_OFFSET(C_GetTokenInfo);
  EXPECT_SAME_OFFSET(C_GetMechanismList);
  EXPECT_SAME_OFFSET(C_GetMechanismInfo);
  EXPECT_SAME_OFFSET(C_InitToken);
  EXPECT_SAME_OFFSET(C_InitPIN);
  EXPECT_SAME_OFFSET(C_SetPIN);
  EXPECT_SAME_OFFSET(C_OpenSession);
  EXPECT_SAME_OFFSET(C_CloseSession);
  EXPECT_SAME_OFFSET(C_CloseAllSessions);
  EXPECT_SAME_OFFSET(C_GetSessionInfo);
  EXPECT_SAME_OFFSET(C_GetOperationState);
  EXPECT_SAME_OFFSET(C_SetOperationState);
  EXPECT_SAME_OFFSET(C_Login);
  EXPECT_SAME_OFFSET(C_Logout);
  EXPECT_SAME_OFFSET(C_CreateObject);
  EXPECT_SAME_OFFSET(C_CopyObject);
  EXPECT_SAME_OFFSET(C_DestroyObject);
  EXPECT_SAME_OFFSET(C_GetObjectSize);
  EXPECT_SAME_OFFSET(C_GetAttributeValue);
  EXPECT_SAME_OFFSET(C_SetAttributeValue);
  EXPECT_SAME_OFFSET(C_FindObjectsInit);
  EXPECT_SAME_OFFSET(C_FindObjects);
  EXPECT_SAME_OFFSET(C_FindObjectsFinal);
  EXPECT_SAME_OFFSET(C_EncryptInit);
  EXPECT_SAME_OFFSET(C_Encrypt);
  EXPECT_SAME_OFFSET(C_EncryptUpdate);
  EXPECT_SAME_OFFSET(C_EncryptFinal);
  EXPECT_SAME_OFFSET(C_DecryptInit);
  EXPECT_SAME_OFFSET(C_Decrypt);
  EXPECT_SAME_OFFSET(C_DecryptUpdate);
  EXPECT_SAME_OFFSET(C_DecryptFinal);
  EXPECT_SAME_OFFSET(C_DigestInit);
  EXPECT_SAME_OFFSET(C_Digest);
  EXPECT_SAME_OFFSET(C_DigestUpdate);
  EXPECT_SAME_OFFSET(C_DigestKey);
  EXPECT_SAME_OFFSET(C_DigestFinal);
  EXPECT_SAME_OFFSET(C_SignInit);
  EXPECT_SAME_OFFSET(C_Sign);
  EXPECT_SAME_OFFSET(C_SignUpdate);
  EXPECT_SAME_OFFSET(C_SignFinal);
  EXPECT_SAME_OFFSET(C_SignRecoverInit);
  EXPECT_SAME_OFFSET(C_SignRecover);
  EXPECT_SAME_OFFSET(C_VerifyInit);
  EXPECT_SAME_OFFSET(C_Verify);
  EXPECT_SAME_OFFSET(C_VerifyUpdate);
  EXPECT_SAME_OFFSET(C_VerifyFinal);
  EXPECT_SAME_OFFSET(C_VerifyRecoverInit);
  EXPECT_SAME_OFFSET(C_VerifyRecover);
  EXPECT_SAME_OFFSET(C_DigestEncryptUpdate);
  EXPECT_SAME_OFFSET(C_DecryptDigestUpdate);
  EXPECT_SAME_OFFSET(C_SignEncryptUpdate);
  EXPECT_SAME_OFFSET(C_DecryptVerifyUpdate);
  EXPECT_SAME_OFFSET(C_GenerateKey);
  EXPECT_SAME_OFFSET(C_GenerateKeyPair);
  EXPECT_SAME_OFFSET(C_WrapKey);
  EXPECT_SAME_OFFSET(C_UnwrapKey);
  EXPECT_SAME_OFFSET(C_DeriveKey);
  EXPECT_SAME_OFFSET(C_SeedRandom);
  EXPECT_SAME_OFFSET(C_GenerateRandom);
  EXPECT_SAME_OFFSET(C_GetFunctionStatus);
  EXPECT_SAME_OFFSET(C_CancelFunction);
  EXPECT_SAME_OFFSET(C_WaitForSlotEvent);
}

#undef EXPECT_SAME_OFFSET

// pkcs11f.h order of the 24 functions 3.0 adds.
TEST(Pkcs11Header30, FunctionList30AddsTheNewFunctionsInSpecOrder) {
  EXPECT_EQ(Slot(offsetof(CK_FUNCTION_LIST_3_0, C_GetInterfaceList)), 68u);
  EXPECT_EQ(Slot(offsetof(CK_FUNCTION_LIST_3_0, C_GetInterface)), 69u);
  EXPECT_EQ(Slot(offsetof(CK_FUNCTION_LIST_3_0, C_LoginUser)), 70u);
  EXPECT_EQ(Slot(offsetof(CK_FUNCTION_LIST_3_0, C_SessionCancel)), 71u);
  EXPECT_EQ(Slot(offsetof(CK_FUNCTION_LIST_3_0, C_MessageEncryptInit)), 72u);
  EXPECT_EQ(Slot(offsetof(CK_FUNCTION_LIST_3_0, C_EncryptMessage)), 73u);
  EXPECT_EQ(Slot(offsetof(CK_FUNCTION_LIST_3_0, C_EncryptMessageBegin)), 74u);
  EXPECT_EQ(Slot(offsetof(CK_FUNCTION_LIST_3_0, C_EncryptMessageNext)), 75u);
  EXPECT_EQ(Slot(offsetof(CK_FUNCTION_LIST_3_0, C_MessageEncryptFinal)), 76u);
  EXPECT_EQ(Slot(offsetof(CK_FUNCTION_LIST_3_0, C_MessageDecryptInit)), 77u);
  EXPECT_EQ(Slot(offsetof(CK_FUNCTION_LIST_3_0, C_DecryptMessage)), 78u);
  EXPECT_EQ(Slot(offsetof(CK_FUNCTION_LIST_3_0, C_DecryptMessageBegin)), 79u);
  EXPECT_EQ(Slot(offsetof(CK_FUNCTION_LIST_3_0, C_DecryptMessageNext)), 80u);
  EXPECT_EQ(Slot(offsetof(CK_FUNCTION_LIST_3_0, C_MessageDecryptFinal)), 81u);
  EXPECT_EQ(Slot(offsetof(CK_FUNCTION_LIST_3_0, C_MessageSignInit)), 82u);
  EXPECT_EQ(Slot(offsetof(CK_FUNCTION_LIST_3_0, C_SignMessage)), 83u);
  EXPECT_EQ(Slot(offsetof(CK_FUNCTION_LIST_3_0, C_SignMessageBegin)), 84u);
  EXPECT_EQ(Slot(offsetof(CK_FUNCTION_LIST_3_0, C_SignMessageNext)), 85u);
  EXPECT_EQ(Slot(offsetof(CK_FUNCTION_LIST_3_0, C_MessageSignFinal)), 86u);
  EXPECT_EQ(Slot(offsetof(CK_FUNCTION_LIST_3_0, C_MessageVerifyInit)), 87u);
  EXPECT_EQ(Slot(offsetof(CK_FUNCTION_LIST_3_0, C_VerifyMessage)), 88u);
  EXPECT_EQ(Slot(offsetof(CK_FUNCTION_LIST_3_0, C_VerifyMessageBegin)), 89u);
  EXPECT_EQ(Slot(offsetof(CK_FUNCTION_LIST_3_0, C_VerifyMessageNext)), 90u);
  EXPECT_EQ(Slot(offsetof(CK_FUNCTION_LIST_3_0, C_MessageVerifyFinal)), 91u);
}

// The pointer types take the pkcs11f.h parameter lists: a function with the
// spec's signature converts to each without a cast.
CK_RV GetInterface(CK_UTF8CHAR_PTR, CK_VERSION_PTR, CK_INTERFACE_PTR_PTR, CK_FLAGS) {
  return CKR_OK;
}
CK_RV LoginUser(CK_SESSION_HANDLE, CK_USER_TYPE, CK_UTF8CHAR_PTR, CK_ULONG, CK_UTF8CHAR_PTR,
                CK_ULONG) {
  return CKR_OK;
}
CK_RV DecryptMessageNext(CK_SESSION_HANDLE, CK_VOID_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG,
                         CK_BYTE_PTR, CK_ULONG_PTR, CK_FLAGS) {
  return CKR_OK;
}
CK_RV VerifyMessage(CK_SESSION_HANDLE, CK_VOID_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR,
                    CK_ULONG) {
  return CKR_OK;
}

TEST(Pkcs11Header30, FunctionPointerTypesTakeTheSpecSignatures) {
  CK_FUNCTION_LIST_3_0 list{};
  list.C_GetInterface = GetInterface;
  list.C_LoginUser = LoginUser;
  list.C_DecryptMessageNext = DecryptMessageNext;
  list.C_VerifyMessage = VerifyMessage;
  EXPECT_EQ(list.C_LoginUser(0, CKU_USER, nullptr, 0, nullptr, 0), CKR_OK);
}

TEST(Pkcs11Header30, ConstantsHaveTheSpecValues) {
  EXPECT_EQ(CKF_INTERFACE_FORK_SAFE, 0x1UL);
  EXPECT_EQ(CKF_END_OF_MESSAGE, 0x1UL);
  EXPECT_EQ(CKK_EC_EDWARDS, 0x40UL);
  EXPECT_EQ(CKK_EC_MONTGOMERY, 0x41UL);
  EXPECT_EQ(CKM_EC_EDWARDS_KEY_PAIR_GEN, 0x1055UL);
  EXPECT_EQ(CKM_EC_MONTGOMERY_KEY_PAIR_GEN, 0x1056UL);
  EXPECT_EQ(CKM_EDDSA, 0x1057UL);
  EXPECT_EQ(CKF_MESSAGE_ENCRYPT | CKF_MESSAGE_DECRYPT | CKF_MESSAGE_SIGN | CKF_MESSAGE_VERIFY |
                CKF_MULTI_MESSAGE | CKF_FIND_OBJECTS,
            0x7EUL);
  EXPECT_EQ(CKF_MULTI_MESSGE, CKF_MULTI_MESSAGE);
  EXPECT_EQ(CKF_EC_OID, CKF_EC_NAMEDCURVE);
  EXPECT_EQ(CKO_PROFILE, 0x9UL);
  EXPECT_EQ(CKA_PROFILE_ID, 0x601UL);
  EXPECT_EQ(CKA_UNIQUE_ID, 0x4UL);
  EXPECT_EQ(CKR_AEAD_DECRYPT_FAILED, 0x42UL);
  EXPECT_EQ(CKR_TOKEN_RESOURCE_EXCEEDED, 0x201UL);
  EXPECT_EQ(CKR_OPERATION_CANCEL_FAILED, 0x202UL);
}

}  // namespace
