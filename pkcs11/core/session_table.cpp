#include "pkcs11/core/session_table.hpp"

#include <algorithm>
#include <vector>

namespace tessera::p11 {

Result<SessionHandle> SessionTable::Open(Slot& slot, bool read_write) {
  if (!slot.TokenPresent()) return Refuse(Fault::kTokenNotPresent, "no token in the slot");
  if (!read_write && slot.login_state() == LoginState::kSo) {
    return Refuse(Fault::kSessionReadWriteSoExists, "the SO is logged in");
  }
  std::lock_guard lock(mu_);
  const SessionHandle handle = next_++;
  sessions_.emplace(handle, std::make_shared<Session>(handle, slot, read_write, slot.insertion()));
  return handle;
}

Result<std::shared_ptr<Session>> SessionTable::Find(SessionHandle handle) {
  std::shared_ptr<Session> session;
  {
    std::lock_guard lock(mu_);
    auto it = sessions_.find(handle);
    if (it != sessions_.end()) session = it->second;
  }
  if (session == nullptr) return Refuse(Fault::kSessionHandleInvalid, "no such session");
  if (session->slot().insertion() != session->insertion()) {
    // PKCS#11 3.0 §5.1.2: removing a token closes all sessions with it.
    {
      std::lock_guard lock(mu_);
      sessions_.erase(handle);
    }
    session->slot().DestroySessionObjects(handle);
    return Refuse(Fault::kSessionHandleInvalid, "the token was removed");
  }
  return session;
}

Status SessionTable::Close(SessionHandle handle) {
  std::shared_ptr<Session> session;
  {
    std::lock_guard lock(mu_);
    auto it = sessions_.find(handle);
    if (it == sessions_.end()) return Refuse(Fault::kSessionHandleInvalid, "no such session");
    session = it->second;
    sessions_.erase(it);
  }
  session->slot().DestroySessionObjects(handle);
  LogoutIfLast(session->slot());
  return Status::Ok();
}

void SessionTable::CloseAll(Slot& slot) {
  std::vector<SessionHandle> closed;
  {
    std::lock_guard lock(mu_);
    for (auto it = sessions_.begin(); it != sessions_.end();) {
      if (&it->second->slot() == &slot) {
        closed.push_back(it->first);
        it = sessions_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (SessionHandle h : closed) slot.DestroySessionObjects(h);
  LogoutIfLast(slot);
}

std::size_t SessionTable::Count(const Slot& slot) const {
  std::lock_guard lock(mu_);
  return static_cast<std::size_t>(
      std::count_if(sessions_.begin(), sessions_.end(), [&](const auto& e) {
        return &e.second->slot() == &slot && e.second->insertion() == slot.insertion();
      }));
}

std::size_t SessionTable::CountReadOnly(const Slot& slot) const {
  std::lock_guard lock(mu_);
  return static_cast<std::size_t>(
      std::count_if(sessions_.begin(), sessions_.end(), [&](const auto& e) {
        return &e.second->slot() == &slot && e.second->insertion() == slot.insertion() &&
               !e.second->read_write();
      }));
}

void SessionTable::LogoutIfLast(Slot& slot) {
  if (Count(slot) == 0 && slot.login_state() != LoginState::kPublic) {
    (void)slot.Logout();  // the card may be gone; the module's state is reset either way
  }
}

Status SessionTable::Login(Session& session, UserType type, ByteView pin) {
  Slot& slot = session.slot();
  if (type == UserType::kContextSpecific) {
    // §5.6: re-authentication for the session's operation with a
    // CKA_ALWAYS_AUTHENTICATE key, after its Init and before the operation.
    if (!session.HasPrivateKeyOperation()) {
      return Refuse(Fault::kOperationNotInitialized, "no sign or decrypt operation");
    }
    if (slot.login_state() != LoginState::kUser) {
      return Refuse(Fault::kUserNotLoggedIn, "the user is not logged in");
    }
    return slot.ContextLogin(pin);
  }
  const LoginState now = slot.login_state();
  const LoginState wanted = type == UserType::kSo ? LoginState::kSo : LoginState::kUser;
  if (now == wanted) return Refuse(Fault::kUserAlreadyLoggedIn, "already logged in");
  if (now != LoginState::kPublic) {
    return Refuse(Fault::kUserAnotherAlreadyLoggedIn, "another user is logged in");
  }
  if (type == UserType::kSo && CountReadOnly(slot) > 0) {
    return Refuse(Fault::kSessionReadOnlyExists, "a read-only session is open");
  }
  return slot.Login(type, pin);
}

Status SessionTable::Logout(Session& session) {
  Slot& slot = session.slot();
  if (slot.login_state() == LoginState::kPublic) {
    return Refuse(Fault::kUserNotLoggedIn, "nobody is logged in");
  }
  Status s = slot.Logout();
  // The login is gone either way; a card that left cannot keep one.
  if (IsFault(s, Fault::kDeviceRemoved)) return Status::Ok();
  return s;
}

}  // namespace tessera::p11
