#include "pkcs11/core/module.hpp"

namespace tessera::p11 {

Result<Slot*> Module::FindSlot(SlotId id) {
  Slot* slot = slots_.Find(id);
  if (slot == nullptr) return Refuse(Fault::kSlotIdInvalid, "no such slot");
  return slot;
}

Result<SessionRef> Module::FindSession(SessionHandle handle) {
  TESSERA_ASSIGN_OR_RETURN(std::shared_ptr<Session> session, sessions_.Find(handle));
  Slot* slot = &session->slot();
  return SessionRef{std::move(session), slot};
}

}  // namespace tessera::p11
