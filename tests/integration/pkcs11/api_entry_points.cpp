#include "tests/integration/pkcs11/api_entry_points.hpp"

namespace tessera::testing {

// Every function of CK_FUNCTION_LIST (PKCS#11 2.40 §5.2), in its order.
std::vector<EntryPoint> AllEntryPoints() {
  using F = CK_FUNCTION_LIST*;
  using A = EntryArgs&;
  return {
      {"C_Initialize", EntryKind::kGeneral, [](F f, A) { return f->C_Initialize(nullptr); }},
      {"C_Finalize", EntryKind::kGeneral, [](F f, A) { return f->C_Finalize(nullptr); }},
      {"C_GetInfo", EntryKind::kGeneral,
       [](F f, A) {
         CK_INFO i;
         return f->C_GetInfo(&i);
       }},
      {"C_GetFunctionList", EntryKind::kGeneral,
       [](F f, A) {
         CK_FUNCTION_LIST* l;
         return f->C_GetFunctionList(&l);
       }},
      {"C_GetSlotList", EntryKind::kGeneral,
       [](F f, A a) {
         CK_SLOT_ID s[4];
         a.len = 4;
         return f->C_GetSlotList(CK_TRUE, s, &a.len);
       }},
      {"C_GetSlotInfo", EntryKind::kSlot,
       [](F f, A a) {
         CK_SLOT_INFO i;
         return f->C_GetSlotInfo(a.slot, &i);
       }},
      {"C_GetTokenInfo", EntryKind::kSlot,
       [](F f, A a) {
         CK_TOKEN_INFO i;
         return f->C_GetTokenInfo(a.slot, &i);
       }},
      {"C_GetMechanismList", EntryKind::kSlot,
       [](F f, A a) { return f->C_GetMechanismList(a.slot, nullptr, a.l()); }},
      {"C_GetMechanismInfo", EntryKind::kSlot,
       [](F f, A a) {
         CK_MECHANISM_INFO i;
         return f->C_GetMechanismInfo(a.slot, CKM_SHA256, &i);
       }},
      {"C_InitToken", EntryKind::kSlot,
       [](F f, A a) { return f->C_InitToken(a.slot, a.p(), a.pin.size(), a.b()); }},
      {"C_InitPIN", EntryKind::kSession,
       [](F f, A a) { return f->C_InitPIN(a.session, a.p(), a.pin.size()); }},
      {"C_SetPIN", EntryKind::kSession,
       [](F f, A a) { return f->C_SetPIN(a.session, a.p(), a.pin.size(), a.p(), a.pin.size()); }},
      {"C_OpenSession", EntryKind::kSlot,
       [](F f, A a) {
         return f->C_OpenSession(a.slot, CKF_SERIAL_SESSION, nullptr, nullptr, &a.out);
       }},
      {"C_CloseSession", EntryKind::kSession,
       [](F f, A a) { return f->C_CloseSession(a.session); }},
      {"C_CloseAllSessions", EntryKind::kSlot,
       [](F f, A a) { return f->C_CloseAllSessions(a.slot); }},
      {"C_GetSessionInfo", EntryKind::kSession,
       [](F f, A a) {
         CK_SESSION_INFO i;
         return f->C_GetSessionInfo(a.session, &i);
       }},
      {"C_GetOperationState", EntryKind::kUnsupported,
       [](F f, A a) { return f->C_GetOperationState(a.session, a.b(), a.l()); }},
      {"C_SetOperationState", EntryKind::kUnsupported,
       [](F f, A a) { return f->C_SetOperationState(a.session, a.b(), 16, 0, 0); }},
      {"C_Login", EntryKind::kSession,
       [](F f, A a) { return f->C_Login(a.session, CKU_USER, a.p(), a.pin.size()); }},
      {"C_Logout", EntryKind::kSession, [](F f, A a) { return f->C_Logout(a.session); }},
      {"C_CreateObject", EntryKind::kSession,
       [](F f, A a) { return f->C_CreateObject(a.session, &a.attr, 1, &a.out); }},
      {"C_CopyObject", EntryKind::kSession,
       [](F f, A a) { return f->C_CopyObject(a.session, a.object, &a.attr, 1, &a.out); }},
      {"C_DestroyObject", EntryKind::kSession,
       [](F f, A a) { return f->C_DestroyObject(a.session, a.object); }},
      {"C_GetObjectSize", EntryKind::kSession,
       [](F f, A a) { return f->C_GetObjectSize(a.session, a.object, &a.len); }},
      {"C_GetAttributeValue", EntryKind::kSession,
       [](F f, A a) { return f->C_GetAttributeValue(a.session, a.object, &a.attr, 1); }},
      {"C_SetAttributeValue", EntryKind::kSession,
       [](F f, A a) { return f->C_SetAttributeValue(a.session, a.object, &a.attr, 1); }},
      {"C_FindObjectsInit", EntryKind::kSession,
       [](F f, A a) { return f->C_FindObjectsInit(a.session, &a.attr, 1); }},
      {"C_FindObjects", EntryKind::kSession,
       [](F f, A a) { return f->C_FindObjects(a.session, &a.out, 1, &a.len); }},
      {"C_FindObjectsFinal", EntryKind::kSession,
       [](F f, A a) { return f->C_FindObjectsFinal(a.session); }},
      {"C_EncryptInit", EntryKind::kSession,
       [](F f, A a) { return f->C_EncryptInit(a.session, &a.mechanism, a.object); }},
      {"C_Encrypt", EntryKind::kSession,
       [](F f, A a) { return f->C_Encrypt(a.session, a.b(), 16, a.b(), a.l()); }},
      {"C_EncryptUpdate", EntryKind::kSession,
       [](F f, A a) { return f->C_EncryptUpdate(a.session, a.b(), 16, a.b(), a.l()); }},
      {"C_EncryptFinal", EntryKind::kSession,
       [](F f, A a) { return f->C_EncryptFinal(a.session, a.b(), a.l()); }},
      {"C_DecryptInit", EntryKind::kSession,
       [](F f, A a) { return f->C_DecryptInit(a.session, &a.mechanism, a.object); }},
      {"C_Decrypt", EntryKind::kSession,
       [](F f, A a) { return f->C_Decrypt(a.session, a.b(), 16, a.b(), a.l()); }},
      {"C_DecryptUpdate", EntryKind::kSession,
       [](F f, A a) { return f->C_DecryptUpdate(a.session, a.b(), 16, a.b(), a.l()); }},
      {"C_DecryptFinal", EntryKind::kSession,
       [](F f, A a) { return f->C_DecryptFinal(a.session, a.b(), a.l()); }},
      {"C_DigestInit", EntryKind::kSession,
       [](F f, A a) { return f->C_DigestInit(a.session, &a.mechanism); }},
      {"C_Digest", EntryKind::kSession,
       [](F f, A a) { return f->C_Digest(a.session, a.b(), 16, a.b(), a.l()); }},
      {"C_DigestUpdate", EntryKind::kSession,
       [](F f, A a) { return f->C_DigestUpdate(a.session, a.b(), 16); }},
      {"C_DigestKey", EntryKind::kUnsupported,
       [](F f, A a) { return f->C_DigestKey(a.session, a.object); }},
      {"C_DigestFinal", EntryKind::kSession,
       [](F f, A a) { return f->C_DigestFinal(a.session, a.b(), a.l()); }},
      {"C_SignInit", EntryKind::kSession,
       [](F f, A a) { return f->C_SignInit(a.session, &a.mechanism, a.object); }},
      {"C_Sign", EntryKind::kSession,
       [](F f, A a) { return f->C_Sign(a.session, a.b(), 16, a.b(), a.l()); }},
      {"C_SignUpdate", EntryKind::kSession,
       [](F f, A a) { return f->C_SignUpdate(a.session, a.b(), 16); }},
      {"C_SignFinal", EntryKind::kSession,
       [](F f, A a) { return f->C_SignFinal(a.session, a.b(), a.l()); }},
      {"C_SignRecoverInit", EntryKind::kUnsupported,
       [](F f, A a) { return f->C_SignRecoverInit(a.session, &a.mechanism, a.object); }},
      {"C_SignRecover", EntryKind::kUnsupported,
       [](F f, A a) { return f->C_SignRecover(a.session, a.b(), 16, a.b(), a.l()); }},
      {"C_VerifyInit", EntryKind::kSession,
       [](F f, A a) { return f->C_VerifyInit(a.session, &a.mechanism, a.object); }},
      {"C_Verify", EntryKind::kSession,
       [](F f, A a) { return f->C_Verify(a.session, a.b(), 16, a.b(), 64); }},
      {"C_VerifyUpdate", EntryKind::kSession,
       [](F f, A a) { return f->C_VerifyUpdate(a.session, a.b(), 16); }},
      {"C_VerifyFinal", EntryKind::kSession,
       [](F f, A a) { return f->C_VerifyFinal(a.session, a.b(), 64); }},
      {"C_VerifyRecoverInit", EntryKind::kUnsupported,
       [](F f, A a) { return f->C_VerifyRecoverInit(a.session, &a.mechanism, a.object); }},
      {"C_VerifyRecover", EntryKind::kUnsupported,
       [](F f, A a) { return f->C_VerifyRecover(a.session, a.b(), 64, a.b(), a.l()); }},
      {"C_DigestEncryptUpdate", EntryKind::kUnsupported,
       [](F f, A a) { return f->C_DigestEncryptUpdate(a.session, a.b(), 16, a.b(), a.l()); }},
      {"C_DecryptDigestUpdate", EntryKind::kUnsupported,
       [](F f, A a) { return f->C_DecryptDigestUpdate(a.session, a.b(), 16, a.b(), a.l()); }},
      {"C_SignEncryptUpdate", EntryKind::kUnsupported,
       [](F f, A a) { return f->C_SignEncryptUpdate(a.session, a.b(), 16, a.b(), a.l()); }},
      {"C_DecryptVerifyUpdate", EntryKind::kUnsupported,
       [](F f, A a) { return f->C_DecryptVerifyUpdate(a.session, a.b(), 16, a.b(), a.l()); }},
      {"C_GenerateKey", EntryKind::kSession,
       [](F f, A a) { return f->C_GenerateKey(a.session, &a.mechanism, &a.attr, 1, &a.out); }},
      {"C_GenerateKeyPair", EntryKind::kSession,
       [](F f, A a) {
         return f->C_GenerateKeyPair(a.session, &a.mechanism, &a.attr, 1, &a.attr, 1, &a.out,
                                     &a.out2);
       }},
      {"C_WrapKey", EntryKind::kSession,
       [](F f, A a) {
         return f->C_WrapKey(a.session, &a.mechanism, a.object, a.object, a.b(), a.l());
       }},
      {"C_UnwrapKey", EntryKind::kSession,
       [](F f, A a) {
         return f->C_UnwrapKey(a.session, &a.mechanism, a.object, a.b(), 16, &a.attr, 1, &a.out);
       }},
      {"C_DeriveKey", EntryKind::kSession,
       [](F f, A a) {
         return f->C_DeriveKey(a.session, &a.mechanism, a.object, &a.attr, 1, &a.out);
       }},
      {"C_SeedRandom", EntryKind::kSession,
       [](F f, A a) { return f->C_SeedRandom(a.session, a.b(), 16); }},
      {"C_GenerateRandom", EntryKind::kSession,
       [](F f, A a) { return f->C_GenerateRandom(a.session, a.b(), 16); }},
      {"C_GetFunctionStatus", EntryKind::kParallel,
       [](F f, A a) { return f->C_GetFunctionStatus(a.session); }},
      {"C_CancelFunction", EntryKind::kParallel,
       [](F f, A a) { return f->C_CancelFunction(a.session); }},
      {"C_WaitForSlotEvent", EntryKind::kGeneral,
       [](F f, A) {
         CK_SLOT_ID s = 0;
         return f->C_WaitForSlotEvent(CKF_DONT_BLOCK, &s, nullptr);
       }},
  };
}

}  // namespace tessera::testing
