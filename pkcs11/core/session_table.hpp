// SessionTable: the sessions the application has open, by handle. Handles
// start at 1 (0 is CK_INVALID_HANDLE) and are never reused within the
// process, so a stale handle is always "invalid", never someone else's.
// Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "pkcs11/core/mutex.hpp"
#include "pkcs11/core/operation.hpp"
#include "pkcs11/core/slot.hpp"

namespace tessera::p11 {

using SessionHandle = std::uint64_t;

// What a session is doing: its search and its cryptographic operations, one
// of each kind at a time (PKCS#11 2.40 §5.8–§5.12). Guarded by `mu`; an
// application that drives one session from two threads gets one call at a
// time, never a torn state.
struct SessionState {
  Mutex mu;
  std::optional<std::vector<ObjectHandle>> found;  // C_FindObjects results left
  std::unique_ptr<CryptoOperation> sign, verify, encrypt, decrypt, digest;
  std::unique_ptr<CryptoOperation>& Op(OpKind kind);
};

struct SessionRecord {
  SessionHandle handle = 0;
  SlotId slot = 0;
  bool read_write = false;
  std::uint64_t insertion = 0;  // the slot's insertion() when opened
  std::shared_ptr<SessionState> state = std::make_shared<SessionState>();
};

class SessionTable {
 public:
  SessionHandle Open(SlotId slot, bool read_write, std::uint64_t insertion);
  // False if the handle is not open.
  bool Close(SessionHandle handle);
  // Closes every session of `slot`; how many there were.
  std::size_t CloseAll(SlotId slot);
  std::optional<SessionRecord> Find(SessionHandle handle) const;
  // Sessions of `slot` opened under its current `insertion`. Sessions from
  // before a removal are closed (§5.1.2) even while their handles linger
  // until next used, so they do not count.
  std::size_t Count(SlotId slot, std::uint64_t insertion) const;
  std::size_t CountReadOnly(SlotId slot, std::uint64_t insertion) const;

 private:
  mutable Mutex mu_;
  std::map<SessionHandle, SessionRecord> sessions_;
  SessionHandle next_ = 1;
};

}  // namespace tessera::p11
