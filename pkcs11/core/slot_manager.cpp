#include "pkcs11/core/slot_manager.hpp"

#include <algorithm>
#include <chrono>

#include "host/transport/pcsc/pcsc_source.hpp"
#include "host/transport/sim_reader.hpp"
#include "host/transport/usb/usb_reader.hpp"

namespace tessera::p11 {
namespace {

std::vector<std::unique_ptr<host::ReaderSource>> SourcesFor(const ModuleConfig& config) {
  std::vector<std::unique_ptr<host::ReaderSource>> sources;
  if (config.use_pcsc) sources.push_back(std::make_unique<host::PcscReaderSource>());
  if (config.use_usb) {
    host::UsbCcidTransport::Options usb;
    usb.timeout = config.usb_timeout;
    sources.push_back(std::make_unique<host::UsbReaderSource>(usb));
  }
  if (config.use_sim) {
    sources.push_back(std::make_unique<host::SimReaderSource>(config.sim_run_dir));
  }
  return sources;
}

// Longest single sleep of a blocked C_WaitForSlotEvent between looks.
constexpr std::chrono::milliseconds kWaitSlice{500};

}  // namespace

SlotManager::SlotManager(const ModuleConfig& config) : monitor_(SourcesFor(config)) {}

void SlotManager::Refresh() {
  // One look at a time: two looks applied out of order would report one
  // change twice.
  std::lock_guard refreshing(refresh_mu_);
  std::vector<std::shared_ptr<host::Reader>> readers = monitor_.Scan();
  // New readers get slots; then every slot's reader is asked, outside the
  // lock, since a PC/SC question is a round trip.
  std::vector<std::pair<Slot*, host::CardState>> cards;
  {
    std::lock_guard lock(mu_);
    for (auto& reader : readers) {
      bool known = std::any_of(slots_.begin(), slots_.end(),
                               [&](const Entry& e) { return &e.slot->reader() == reader.get(); });
      if (!known) {
        slots_.push_back(
            Entry{std::make_unique<Slot>(static_cast<SlotId>(slots_.size()), reader), {}, false});
      }
    }
    for (const Entry& e : slots_) cards.emplace_back(e.slot.get(), host::CardState{});
  }
  for (auto& [slot, card] : cards) {
    card = slot->ReaderCard();
    // A card seen gone is gone for its sessions too, whether or not anyone
    // asks the slot before asking the session (§5.1.2).
    slot->Reconcile(card);
  }
  std::lock_guard lock(mu_);
  for (const auto& [slot, card] : cards) {
    Entry& e = slots_[slot->id()];
    const bool changed =
        card.present != e.last.present || (card.present && card.generation != e.last.generation);
    if (changed && started_) e.event = true;
    e.last = card;
  }
  started_ = true;
}

std::vector<SlotId> SlotManager::Ids(bool token_present) {
  std::vector<Slot*> slots;
  {
    std::lock_guard lock(mu_);
    for (const Entry& e : slots_) slots.push_back(e.slot.get());
  }
  std::vector<SlotId> ids;
  for (Slot* slot : slots) {
    if (!token_present || slot->TokenPresent()) ids.push_back(slot->id());
  }
  return ids;
}

Slot* SlotManager::Find(SlotId id) {
  std::lock_guard lock(mu_);
  return id < slots_.size() ? slots_[id].slot.get() : nullptr;
}

SlotManager::Wait SlotManager::WaitForEvent(bool block, SlotId* slot) {
  for (;;) {
    if (monitor_.cancelled()) return Wait::kShutDown;
    Refresh();
    {
      std::lock_guard lock(mu_);
      for (Entry& e : slots_) {
        if (e.event) {
          e.event = false;
          *slot = e.slot->id();
          return Wait::kEvent;
        }
      }
    }
    if (!block) return Wait::kNoEvent;
    monitor_.WaitForChange(kWaitSlice);
  }
}

void SlotManager::Shutdown() { monitor_.Cancel(); }

}  // namespace tessera::p11
