#include "firmware-sim/applets/piv/piv_context.hpp"

namespace tessera::sim::piv_applet {

void PivContext::Charge(Cost cost, std::size_t key_bits) const {
  if (token_.latency != nullptr && token_.clock != nullptr) {
    token_.latency->Charge(*token_.clock, cost, key_bits);
  }
}

Status PivContext::Commit(const Transaction& txn) {
  Charge(Cost::kStorageWrite);
  session_.keys.InvalidateFor(txn);
  return token_.storage->Commit(txn);
}

Status RequireManagementKey(const PivContext& c) {
  if (!c.session().management_authenticated) {
    return Status::SecurityStatus("management key authentication required");
  }
  return Status::Ok();
}

Status CheckPinPolicy(const PivContext& c, piv::PinPolicy policy) {
  const PivSession& s = c.session();
  switch (policy) {
    case piv::PinPolicy::kDefault:  // never stored; treat as the strictest
    case piv::PinPolicy::kAlways:
      if (s.pin_verified && s.pin_always_grant) return Status::Ok();
      break;
    case piv::PinPolicy::kOnce:
      if (s.pin_verified) return Status::Ok();
      break;
    case piv::PinPolicy::kNever: return Status::Ok();
  }
  return Status::SecurityStatus("the key's PIN policy needs the PIN verified");
}

void ConsumePinPolicy(PivContext& c, piv::PinPolicy policy) {
  if (policy == piv::PinPolicy::kAlways || policy == piv::PinPolicy::kDefault) {
    c.session().pin_always_grant = false;
  }
}

}  // namespace tessera::sim::piv_applet
