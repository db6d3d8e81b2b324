// Session management (PKCS#11 2.40 §5.6): sessions, their state, and logins.
// Login state belongs to the application and the token, so it lives in the
// slot and every session of the slot shares it.
#include <p11-kit/pkcs11.h>

#include "pkcs11/api/export.hpp"
#include "pkcs11/api/library.hpp"
#include "pkcs11/api/rv_map.hpp"
#include "pkcs11/api/session_access.hpp"

namespace {

using tessera::ByteView;
using tessera::p11::LoginState;
using tessera::p11::Slot;
using tessera::p11::UserType;
using tessera::p11::api::AccessSession;
using tessera::p11::api::CurrentLibrary;
using tessera::p11::api::Guard;
using tessera::p11::api::Library;
using tessera::p11::api::SessionAccess;

CK_STATE SessionState(LoginState login, bool read_write) {
  switch (login) {
    case LoginState::kSo: return CKS_RW_SO_FUNCTIONS;
    case LoginState::kUser: return read_write ? CKS_RW_USER_FUNCTIONS : CKS_RO_USER_FUNCTIONS;
    case LoginState::kPublic: break;
  }
  return read_write ? CKS_RW_PUBLIC_SESSION : CKS_RO_PUBLIC_SESSION;
}

// §5.6: closing the last session of a token logs the application out.
void LogoutIfLast(Library& library, Slot& slot) {
  if (library.sessions.Count(slot.id(), slot.insertion()) == 0 &&
      slot.login_state() != LoginState::kPublic) {
    (void)slot.Logout();  // the card may be gone; the module's state is reset either way
  }
}

CK_RV LoginRv(const tessera::Status& status) {
  switch (status.code()) {
    case tessera::Code::kInvalidArgument: return CKR_PIN_LEN_RANGE;
    case tessera::Code::kNotFound: return CKR_DEVICE_REMOVED;
    default: return tessera::p11::api::ToRv(status);
  }
}

}  // namespace

TESSERA_P11_EXPORT CK_RV C_OpenSession(CK_SLOT_ID slot_id, CK_FLAGS flags, CK_VOID_PTR /*app*/,
                                       CK_NOTIFY /*notify*/, CK_SESSION_HANDLE_PTR session) {
  return Guard([&]() -> CK_RV {
    auto library = CurrentLibrary();
    if (library == nullptr) return CKR_CRYPTOKI_NOT_INITIALIZED;
    Slot* slot = library->slots.Find(slot_id);
    if (slot == nullptr) return CKR_SLOT_ID_INVALID;
    if (session == nullptr) return CKR_ARGUMENTS_BAD;
    // §5.6: CKF_SERIAL_SESSION must always be set, for legacy reasons.
    if ((flags & CKF_SERIAL_SESSION) == 0) return CKR_SESSION_PARALLEL_NOT_SUPPORTED;
    if (!slot->TokenPresent()) return CKR_TOKEN_NOT_PRESENT;
    const bool read_write = (flags & CKF_RW_SESSION) != 0;
    if (!read_write && slot->login_state() == LoginState::kSo)
      return CKR_SESSION_READ_WRITE_SO_EXISTS;
    *session = library->sessions.Open(slot_id, read_write, slot->insertion());
    return CKR_OK;
  });
}

TESSERA_P11_EXPORT CK_RV C_CloseSession(CK_SESSION_HANDLE handle) {
  return Guard([&]() -> CK_RV {
    SessionAccess r = AccessSession(handle);
    if (r.rv != CKR_OK) return r.rv;
    Library* library = r.library.get();
    if (!library->sessions.Close(handle)) return CKR_SESSION_HANDLE_INVALID;
    r.slot->DestroySessionObjects(handle);
    LogoutIfLast(*library, *r.slot);
    return CKR_OK;
  });
}

TESSERA_P11_EXPORT CK_RV C_CloseAllSessions(CK_SLOT_ID slot_id) {
  return Guard([&]() -> CK_RV {
    auto library = CurrentLibrary();
    if (library == nullptr) return CKR_CRYPTOKI_NOT_INITIALIZED;
    Slot* slot = library->slots.Find(slot_id);
    if (slot == nullptr) return CKR_SLOT_ID_INVALID;
    library->sessions.CloseAll(slot_id);
    slot->DestroySessionObjects(0);
    LogoutIfLast(*library, *slot);
    return CKR_OK;
  });
}

// Applications (NSS among them) ask C_GetSessionInfo whether a session
// still stands, so it asks the reader first: a session with a token that
// left, or was replaced, is closed (§5.1.2) even if no call reached the
// card since. Other calls learn of a removal when they talk to the card.
TESSERA_P11_EXPORT CK_RV C_GetSessionInfo(CK_SESSION_HANDLE handle, CK_SESSION_INFO_PTR info) {
  return Guard([&]() -> CK_RV {
    SessionAccess r = AccessSession(handle);
    if (r.rv != CKR_OK) return r.rv;
    r.slot->Reconcile(r.slot->ReaderCard());
    r = AccessSession(handle);
    if (r.rv != CKR_OK) return r.rv;
    if (info == nullptr) return CKR_ARGUMENTS_BAD;
    info->slotID = r.session.slot;
    info->state = SessionState(r.slot->login_state(), r.session.read_write);
    info->flags = CKF_SERIAL_SESSION | (r.session.read_write ? CKF_RW_SESSION : 0);
    info->ulDeviceError = 0;
    return CKR_OK;
  });
}

TESSERA_P11_EXPORT CK_RV C_Login(CK_SESSION_HANDLE handle, CK_USER_TYPE user_type,
                                 CK_UTF8CHAR_PTR pin, CK_ULONG pin_len) {
  return Guard([&]() -> CK_RV {
    SessionAccess r = AccessSession(handle);
    if (r.rv != CKR_OK) return r.rv;
    Library* library = r.library.get();
    UserType type{};
    switch (user_type) {
      case CKU_SO: type = UserType::kSo; break;
      case CKU_USER: type = UserType::kUser; break;
      case CKU_CONTEXT_SPECIFIC: type = UserType::kContextSpecific; break;
      default: return CKR_USER_TYPE_INVALID;
    }
    // No protected authentication path: the PIN comes with the call.
    if (pin == nullptr) return CKR_ARGUMENTS_BAD;
    if (type == UserType::kContextSpecific) {
      // §5.6: re-authentication for the session's operation with a
      // CKA_ALWAYS_AUTHENTICATE key, after its Init and before the operation.
      std::lock_guard lock(r.session.state->mu);
      if (!r.session.state->sign && !r.session.state->decrypt) {
        return CKR_OPERATION_NOT_INITIALIZED;
      }
      if (r.slot->login_state() != LoginState::kUser) return CKR_USER_NOT_LOGGED_IN;
      return LoginRv(r.slot->ContextLogin(ByteView(pin, pin_len)));
    }
    const LoginState now = r.slot->login_state();
    const LoginState wanted = type == UserType::kSo ? LoginState::kSo : LoginState::kUser;
    if (now == wanted) return CKR_USER_ALREADY_LOGGED_IN;
    if (now != LoginState::kPublic) return CKR_USER_ANOTHER_ALREADY_LOGGED_IN;
    if (type == UserType::kSo &&
        library->sessions.CountReadOnly(r.session.slot, r.slot->insertion()) > 0) {
      return CKR_SESSION_READ_ONLY_EXISTS;
    }
    return LoginRv(r.slot->Login(type, ByteView(pin, pin_len)));
  });
}

TESSERA_P11_EXPORT CK_RV C_Logout(CK_SESSION_HANDLE handle) {
  return Guard([&]() -> CK_RV {
    SessionAccess r = AccessSession(handle);
    if (r.rv != CKR_OK) return r.rv;
    if (r.slot->login_state() == LoginState::kPublic) return CKR_USER_NOT_LOGGED_IN;
    tessera::Status s = r.slot->Logout();
    return s.ok() || s.code() == tessera::Code::kNotFound ? CKR_OK : tessera::p11::api::ToRv(s);
  });
}
