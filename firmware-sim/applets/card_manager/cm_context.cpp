#include "firmware-sim/applets/card_manager/cm_context.hpp"

#include <string>

namespace tessera::sim::card_manager {

void CmContext::Charge(Cost cost) const {
  if (token_.latency != nullptr && token_.clock != nullptr) {
    token_.latency->Charge(*token_.clock, cost);
  }
}

Status CmContext::Commit(const Transaction& txn) {
  Charge(Cost::kStorageWrite);
  return token_.storage->Commit(txn);
}

cm::Lifecycle EffectiveLifecycle(const CmContext& c) {
  const Channel* channel = c.channel();
  if (channel != nullptr && channel->unlocked) return cm::Lifecycle::kUnlocked;
  return c.state().lifecycle;
}

Result<Channel*> RequireChannel(CmContext& c) {
  if (c.channel() == nullptr) return Status::SecurityStatus("card manager: no secure channel");
  return c.channel();
}

Status RequireLifecycle(const CmContext& c, cm::Lifecycle want) {
  if (EffectiveLifecycle(c) != want) {
    return Status::ConditionsNotSatisfied(
        std::string("card manager: not allowed while ") +
        cm::LifecycleName(static_cast<std::uint8_t>(EffectiveLifecycle(c))));
  }
  return Status::Ok();
}

}  // namespace tessera::sim::card_manager
