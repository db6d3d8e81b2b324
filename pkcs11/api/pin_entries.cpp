// Token and PIN management (PKCS#11 3.0 §5.5): C_InitToken, C_InitPIN and
// C_SetPIN, with the PIV meanings docs/pkcs11-module.md gives them.
#include <p11-kit/pkcs11.h>

#include "pkcs11/api/export.hpp"
#include "pkcs11/api/rv_map.hpp"
#include "pkcs11/api/session_access.hpp"

using tessera::ByteView;
using tessera::p11::LoginState;
using tessera::p11::api::AccessSession;
using tessera::p11::api::AccessSlot;
using tessera::p11::api::Guard;
using tessera::p11::api::SessionAccess;
using tessera::p11::api::SlotAccess;
using tessera::p11::api::ToRv;

TESSERA_P11_EXPORT CK_RV C_InitToken(CK_SLOT_ID slot_id, CK_UTF8CHAR_PTR so_pin,
                                     CK_ULONG so_pin_len, CK_UTF8CHAR_PTR /*label*/) {
  return Guard([&]() -> CK_RV {
    SlotAccess s = AccessSlot(slot_id);
    if (s.rv != CKR_OK) return s.rv;
    if (so_pin == nullptr) return CKR_ARGUMENTS_BAD;
    if (!s.slot->TokenPresent()) return CKR_TOKEN_NOT_PRESENT;
    if (s.module->sessions().Count(*s.slot) > 0) return CKR_SESSION_EXISTS;
    return ToRv(s.slot->InitToken(ByteView(so_pin, so_pin_len)));
  });
}

TESSERA_P11_EXPORT CK_RV C_InitPIN(CK_SESSION_HANDLE handle, CK_UTF8CHAR_PTR pin,
                                   CK_ULONG pin_len) {
  return Guard([&]() -> CK_RV {
    SessionAccess s = AccessSession(handle);
    if (s.rv != CKR_OK) return s.rv;
    if (pin == nullptr) return CKR_ARGUMENTS_BAD;
    if (s.slot->login_state() != LoginState::kSo) return CKR_USER_NOT_LOGGED_IN;
    if (!s.session->read_write()) return CKR_SESSION_READ_ONLY;
    return ToRv(s.slot->InitPin(ByteView(pin, pin_len)));
  });
}

TESSERA_P11_EXPORT CK_RV C_SetPIN(CK_SESSION_HANDLE handle, CK_UTF8CHAR_PTR old_pin,
                                  CK_ULONG old_len, CK_UTF8CHAR_PTR new_pin, CK_ULONG new_len) {
  return Guard([&]() -> CK_RV {
    SessionAccess s = AccessSession(handle);
    if (s.rv != CKR_OK) return s.rv;
    if (old_pin == nullptr || new_pin == nullptr) return CKR_ARGUMENTS_BAD;
    if (!s.session->read_write()) return CKR_SESSION_READ_ONLY;
    return ToRv(s.slot->SetPin(ByteView(old_pin, old_len), ByteView(new_pin, new_len)));
  });
}
