// Session management (PKCS#11 3.0 §5.6): sessions, their state, and logins.
// The rules live in core/session_table.hpp; these check pointers and map.
#include <p11-kit/pkcs11.h>

#include "pkcs11/api/export.hpp"
#include "pkcs11/api/library.hpp"
#include "pkcs11/api/rv_map.hpp"
#include "pkcs11/api/session_access.hpp"

namespace {

using tessera::ByteView;
using tessera::p11::LoginState;
using tessera::p11::UserType;
using tessera::p11::api::AccessSession;
using tessera::p11::api::AccessSlot;
using tessera::p11::api::Guard;
using tessera::p11::api::SessionAccess;
using tessera::p11::api::SlotAccess;
using tessera::p11::api::ToRv;

CK_STATE SessionState(LoginState login, bool read_write) {
  switch (login) {
    case LoginState::kSo: return CKS_RW_SO_FUNCTIONS;
    case LoginState::kUser: return read_write ? CKS_RW_USER_FUNCTIONS : CKS_RO_USER_FUNCTIONS;
    case LoginState::kPublic: break;
  }
  return read_write ? CKS_RW_PUBLIC_SESSION : CKS_RO_PUBLIC_SESSION;
}

}  // namespace

TESSERA_P11_EXPORT CK_RV C_OpenSession(CK_SLOT_ID slot_id, CK_FLAGS flags, CK_VOID_PTR /*app*/,
                                       CK_NOTIFY /*notify*/, CK_SESSION_HANDLE_PTR session) {
  return Guard([&]() -> CK_RV {
    SlotAccess s = AccessSlot(slot_id);
    if (s.rv != CKR_OK) return s.rv;
    if (session == nullptr) return CKR_ARGUMENTS_BAD;
    // §5.6: CKF_SERIAL_SESSION must always be set, for legacy reasons.
    if ((flags & CKF_SERIAL_SESSION) == 0) return CKR_SESSION_PARALLEL_NOT_SUPPORTED;
    auto opened = s.module->sessions().Open(*s.slot, (flags & CKF_RW_SESSION) != 0);
    if (!opened.ok()) return ToRv(opened.status());
    *session = *opened;
    return CKR_OK;
  });
}

TESSERA_P11_EXPORT CK_RV C_CloseSession(CK_SESSION_HANDLE handle) {
  return Guard([&]() -> CK_RV {
    SessionAccess s = AccessSession(handle);
    if (s.rv != CKR_OK) return s.rv;
    return ToRv(s.module->sessions().Close(handle));
  });
}

TESSERA_P11_EXPORT CK_RV C_CloseAllSessions(CK_SLOT_ID slot_id) {
  return Guard([&]() -> CK_RV {
    SlotAccess s = AccessSlot(slot_id);
    if (s.rv != CKR_OK) return s.rv;
    s.module->sessions().CloseAll(*s.slot);
    return CKR_OK;
  });
}

// Applications (NSS among them) ask C_GetSessionInfo whether a session
// still stands, so it asks the reader first: a session with a token that
// left, or was replaced, is closed (§5.1.2) even if no call reached the
// card since. Other calls learn of a removal when they talk to the card.
TESSERA_P11_EXPORT CK_RV C_GetSessionInfo(CK_SESSION_HANDLE handle, CK_SESSION_INFO_PTR info) {
  return Guard([&]() -> CK_RV {
    SessionAccess s = AccessSession(handle);
    if (s.rv != CKR_OK) return s.rv;
    s.slot->Reconcile(s.slot->ReaderCard());
    s = AccessSession(handle);
    if (s.rv != CKR_OK) return s.rv;
    if (info == nullptr) return CKR_ARGUMENTS_BAD;
    info->slotID = s.slot->id();
    info->state = SessionState(s.slot->login_state(), s.session->read_write());
    info->flags = CKF_SERIAL_SESSION | (s.session->read_write() ? CKF_RW_SESSION : 0);
    info->ulDeviceError = 0;
    return CKR_OK;
  });
}

TESSERA_P11_EXPORT CK_RV C_Login(CK_SESSION_HANDLE handle, CK_USER_TYPE user_type,
                                 CK_UTF8CHAR_PTR pin, CK_ULONG pin_len) {
  return Guard([&]() -> CK_RV {
    SessionAccess s = AccessSession(handle);
    if (s.rv != CKR_OK) return s.rv;
    UserType type{};
    switch (user_type) {
      case CKU_SO: type = UserType::kSo; break;
      case CKU_USER: type = UserType::kUser; break;
      case CKU_CONTEXT_SPECIFIC: type = UserType::kContextSpecific; break;
      default: return CKR_USER_TYPE_INVALID;
    }
    // No protected authentication path: the PIN comes with the call.
    if (pin == nullptr) return CKR_ARGUMENTS_BAD;
    return ToRv(s.module->sessions().Login(*s.session, type, ByteView(pin, pin_len)));
  });
}

TESSERA_P11_EXPORT CK_RV C_Logout(CK_SESSION_HANDLE handle) {
  return Guard([&]() -> CK_RV {
    SessionAccess s = AccessSession(handle);
    if (s.rv != CKR_OK) return s.rv;
    return ToRv(s.module->sessions().Logout(*s.session));
  });
}
