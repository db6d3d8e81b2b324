// SessionTable: the sessions the application has open, by handle, and the
// rules that span sessions (PKCS#11 3.0 §5.6): the login belongs to the
// application and the token, so every session of a slot shares it; an SO
// login needs no read-only session open, and while the SO is logged in no
// read-only session opens; closing the last session of a token logs out.
// Handles start at 1 (0 is CK_INVALID_HANDLE) and are never reused within
// the process, so a stale handle is always "invalid", never someone else's.
// Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>

#include "pkcs11/core/mutex.hpp"
#include "pkcs11/core/session.hpp"
#include "pkcs11/core/slot.hpp"

namespace tessera::p11 {

class SessionTable {
 public:
  // C_OpenSession: the token must be present; a read-only session cannot
  // open while the SO is logged in.
  [[nodiscard]] Result<SessionHandle> Open(Slot& slot, bool read_write);
  // The session, or Fault::kSessionHandleInvalid. A session whose token went
  // away since it opened is closed here (§5.1.2), with its objects.
  [[nodiscard]] Result<std::shared_ptr<Session>> Find(SessionHandle handle);
  // C_CloseSession: its objects go; after the slot's last one, the login.
  [[nodiscard]] Status Close(SessionHandle handle);
  // C_CloseAllSessions.
  void CloseAll(Slot& slot);
  // Sessions of `slot` opened under its current insertion. Sessions from
  // before a removal are closed even while their handles linger until next
  // used, so they do not count.
  std::size_t Count(const Slot& slot) const;

  // C_Login and C_Logout with the rules above; CKU_CONTEXT_SPECIFIC needs a
  // sign or decrypt operation in `session` and the user logged in.
  [[nodiscard]] Status Login(Session& session, UserType type, ByteView pin);
  [[nodiscard]] Status Logout(Session& session);

 private:
  std::size_t CountReadOnly(const Slot& slot) const;
  // Logs the slot out when no session of it is left.
  void LogoutIfLast(Slot& slot);

  mutable Mutex mu_;
  std::map<SessionHandle, std::shared_ptr<Session>> sessions_;  // guarded by mu_
  SessionHandle next_ = 1;                                      // guarded by mu_
};

}  // namespace tessera::p11
