#include "pkcs11/core/slot_manager.hpp"

#include <algorithm>

#include "host/transport/sim_socket_transport.hpp"

namespace tessera::p11 {

void SlotManager::Refresh() {
  auto sockets = host::ListSimSockets(config_.sim_run_dir);
  if (!sockets.ok()) return;  // an unreadable run directory simply has no tokens
  std::lock_guard lock(mu_);
  for (const host::SimSocketEntry& entry : *sockets) {
    bool known = std::any_of(slots_.begin(), slots_.end(),
                             [&](const auto& s) { return s->serial() == entry.serial; });
    if (!known) {
      slots_.push_back(
          std::make_unique<Slot>(static_cast<SlotId>(slots_.size()), entry.path, entry.serial));
    }
  }
}

std::vector<SlotId> SlotManager::Ids(bool token_present) {
  std::lock_guard lock(mu_);
  std::vector<SlotId> ids;
  for (const auto& slot : slots_) {
    if (!token_present || slot->TokenPresent()) ids.push_back(slot->id());
  }
  return ids;
}

Slot* SlotManager::Find(SlotId id) {
  std::lock_guard lock(mu_);
  return id < slots_.size() ? slots_[id].get() : nullptr;
}

}  // namespace tessera::p11
