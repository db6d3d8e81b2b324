// Module: the module's state between C_Initialize and C_Finalize: its slots
// and the application's sessions. Entry points reach a slot or a session
// through it and get the refusal the spec names when there is none
// (CKR_SLOT_ID_INVALID, CKR_SESSION_HANDLE_INVALID). Thread-safe.
#pragma once

#include <memory>

#include "pkcs11/core/config.hpp"
#include "pkcs11/core/session_table.hpp"
#include "pkcs11/core/slot_manager.hpp"

namespace tessera::p11 {

struct SessionRef {
  std::shared_ptr<Session> session;
  Slot* slot = nullptr;
};

class Module {
 public:
  explicit Module(const ModuleConfig& config) : slots_(config) {}

  SlotManager& slots() { return slots_; }
  SessionTable& sessions() { return sessions_; }

  [[nodiscard]] Result<Slot*> FindSlot(SlotId id);
  [[nodiscard]] Result<SessionRef> FindSession(SessionHandle handle);

 private:
  SlotManager slots_;
  SessionTable sessions_;
};

}  // namespace tessera::p11
