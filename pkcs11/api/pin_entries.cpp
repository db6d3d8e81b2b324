// Token and PIN management (PKCS#11 2.40 §5.5): C_InitToken, C_InitPIN and
// C_SetPIN, with the PIV meanings docs/pkcs11-module.md gives them.
#include <p11-kit/pkcs11.h>

#include "pkcs11/api/export.hpp"
#include "pkcs11/api/rv_map.hpp"
#include "pkcs11/api/session_access.hpp"

using tessera::ByteView;
using tessera::p11::LoginState;
using tessera::p11::api::AccessSession;
using tessera::p11::api::CurrentLibrary;
using tessera::p11::api::Guard;
using tessera::p11::api::SessionAccess;
using tessera::p11::api::ToRv;

namespace {

CK_RV PinRv(const tessera::Status& status) {
  if (status.code() == tessera::Code::kInvalidArgument) return CKR_PIN_LEN_RANGE;
  return ToRv(status);
}

}  // namespace

TESSERA_P11_EXPORT CK_RV C_InitToken(CK_SLOT_ID slot_id, CK_UTF8CHAR_PTR so_pin,
                                     CK_ULONG so_pin_len, CK_UTF8CHAR_PTR /*label*/) {
  return Guard([&]() -> CK_RV {
    auto library = CurrentLibrary();
    if (library == nullptr) return CKR_CRYPTOKI_NOT_INITIALIZED;
    auto* slot = library->slots.Find(slot_id);
    if (slot == nullptr) return CKR_SLOT_ID_INVALID;
    if (so_pin == nullptr) return CKR_ARGUMENTS_BAD;
    if (!slot->TokenPresent()) return CKR_TOKEN_NOT_PRESENT;
    if (library->sessions.Count(slot_id, slot->insertion()) > 0) return CKR_SESSION_EXISTS;
    return PinRv(slot->InitToken(ByteView(so_pin, so_pin_len)));
  });
}

TESSERA_P11_EXPORT CK_RV C_InitPIN(CK_SESSION_HANDLE handle, CK_UTF8CHAR_PTR pin,
                                   CK_ULONG pin_len) {
  return Guard([&]() -> CK_RV {
    SessionAccess s = AccessSession(handle);
    if (s.rv != CKR_OK) return s.rv;
    if (pin == nullptr) return CKR_ARGUMENTS_BAD;
    if (s.slot->login_state() != LoginState::kSo) return CKR_USER_NOT_LOGGED_IN;
    if (!s.session.read_write) return CKR_SESSION_READ_ONLY;
    return PinRv(s.slot->InitPin(ByteView(pin, pin_len)));
  });
}

TESSERA_P11_EXPORT CK_RV C_SetPIN(CK_SESSION_HANDLE handle, CK_UTF8CHAR_PTR old_pin,
                                  CK_ULONG old_len, CK_UTF8CHAR_PTR new_pin, CK_ULONG new_len) {
  return Guard([&]() -> CK_RV {
    SessionAccess s = AccessSession(handle);
    if (s.rv != CKR_OK) return s.rv;
    if (old_pin == nullptr || new_pin == nullptr) return CKR_ARGUMENTS_BAD;
    if (!s.session.read_write) return CKR_SESSION_READ_ONLY;
    return PinRv(s.slot->SetPin(ByteView(old_pin, old_len), ByteView(new_pin, new_len)));
  });
}
