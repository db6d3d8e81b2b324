// SlotManager: the module's slots. Refresh() looks for tokens (simulator
// sockets in the configured run directory); a token seen for the first time
// gets the next slot ID, and a known one keeps its ID for the life of the
// process even while it is removed. Thread-safe; Slot pointers stay valid
// until the manager is destroyed (C_Finalize).
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "pkcs11/core/config.hpp"
#include "pkcs11/core/mutex.hpp"
#include "pkcs11/core/slot.hpp"

namespace tessera::p11 {

class SlotManager {
 public:
  explicit SlotManager(ModuleConfig config) : config_(std::move(config)) {}

  void Refresh();
  // IDs in ascending order; with `token_present` only those holding a token.
  std::vector<SlotId> Ids(bool token_present);
  Slot* Find(SlotId id);

 private:
  ModuleConfig config_;
  Mutex mu_;
  std::vector<std::unique_ptr<Slot>> slots_;  // ordered by ID
};

}  // namespace tessera::p11
