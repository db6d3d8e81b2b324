// SlotManager: the module's slots, one per reader the ReaderMonitor finds
// on the configured routes (PC/SC readers, USB CCID devices, simulator
// sockets). Refresh() looks for readers; a reader seen for the first time
// gets the next slot ID, and a known one keeps its ID for the life of the
// process even while it is gone.
//
// Slot events (C_WaitForSlotEvent, PKCS#11 2.40 §5.5): Refresh() compares
// each reader's card with what it saw last; a card going in or out, or a
// new reader holding a card, marks that slot. WaitForEvent() hands out the
// marked slots one by one, looking again whenever the monitor reports a
// change. Shutdown() (C_Finalize) wakes every waiter.
//
// Thread-safe; Slot pointers stay valid until the manager is destroyed.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "host/transport/reader_monitor.hpp"
#include "pkcs11/core/config.hpp"
#include "pkcs11/core/mutex.hpp"
#include "pkcs11/core/slot.hpp"

namespace tessera::p11 {

class SlotManager {
 public:
  explicit SlotManager(const ModuleConfig& config);

  void Refresh();
  // IDs in ascending order; with `token_present` only those holding a token.
  std::vector<SlotId> Ids(bool token_present);
  Slot* Find(SlotId id);

  enum class Wait { kEvent, kNoEvent, kShutDown };
  // The next slot with an event in `*slot`. Without `block`, kNoEvent when
  // none is waiting; with it, sleeps until one comes or Shutdown().
  Wait WaitForEvent(bool block, SlotId* slot);
  void Shutdown();

 private:
  struct Entry {
    std::unique_ptr<Slot> slot;
    host::CardState last;  // the reader's card at the last Refresh
    bool event = false;    // a change not yet handed out
  };

  host::ReaderMonitor monitor_;
  std::mutex refresh_mu_;  // one Refresh at a time; taken before mu_
  Mutex mu_;
  std::vector<Entry> slots_;  // ordered by ID; guarded by mu_
  bool started_ = false;      // the first Refresh made no events; guarded by mu_
};

}  // namespace tessera::p11
