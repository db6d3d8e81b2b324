// Checkpointer: signs the head of the audit log inside the HSM every N
// records or T seconds (docs/audit.md "Checkpoints"), so `tessera audit
// verify` can tell an honest log from one rewritten by whoever holds the
// database.
//
// A checkpoint signs EncodeCheckpoint(seq, time, head_hash) (audit_hash.hpp)
// with the audit key (checkpoint_key.hpp) and is stored with the key's
// SubjectPublicKeyInfo. Before it signs, the Checkpointer walks the records
// since the previous checkpoint (ChainVerifier, pinned to its own key): it
// never signs a head whose chain is already broken (kCorrupt).
//
// tesserad calls MaybeCheckpoint(now) after each committed write and on a
// timer (T or less); it signs only when due: `every_records` records or
// more are unsigned, or the oldest unsigned record is `every_seconds` old.
// Two nodes may both sign: the second insert of the same seq is taken as
// done. CheckpointNow signs whatever head there is (`tessera audit
// checkpoint`).
//
// Thread-safe: one checkpoint at a time per Checkpointer. MaybeCheckpoint
// returns at once (nothing signed) while another thread is checkpointing,
// since that one covers the head; CheckpointNow waits. The HSM session is
// kept between checkpoints and reopened after an HSM error. The Database
// must outlive the Checkpointer.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "common/status.hpp"
#include "hsm/hsm_token.hpp"
#include "services/audit/checkpoint_key.hpp"
#include "services/directory/database.hpp"
#include "services/directory/stores/audit_store.hpp"
#include "services/runtime/hsm_access.hpp"

namespace tessera::audit {

struct CheckpointPolicy {
  std::int64_t every_records = 1000;  // sign when this many records are unsigned
  std::int64_t every_seconds = 300;   // or when the oldest unsigned one is this old
};

struct CheckpointerOptions {
  std::string hsm;  // the HSM's name (its token label), stored in each checkpoint
  std::string key_label = kDefaultKeyLabel;
  CheckpointPolicy policy;
};

// Opens a logged-in session on the HSM, e.g. runtime::HsmAccess::Open.
using HsmOpener = std::function<Result<hsm::HsmToken>()>;

class Checkpointer {
 public:
  Checkpointer(directory::Database& db, HsmOpener open, CheckpointerOptions options);
  // Opens options.hsm through `access`, which must outlive the Checkpointer.
  Checkpointer(directory::Database& db, const runtime::HsmAccess& access,
               const CheckpointerOptions& options);

  // The checkpoint made, or nullopt when none was due (or another thread was
  // making one).
  Result<std::optional<directory::AuditCheckpoint>> MaybeCheckpoint(std::int64_t now);
  // Signs the head now; nullopt when the log is empty or its head is signed.
  Result<std::optional<directory::AuditCheckpoint>> CheckpointNow(std::int64_t now);

 private:
  Result<std::optional<directory::AuditCheckpoint>> CheckpointLocked(std::int64_t now);
  Result<bool> Due(std::int64_t now);
  // Opens the HSM session and finds the key, unless already done.
  Status EnsureKey();
  void DropSession();

  directory::Database& db_;
  HsmOpener open_;
  CheckpointerOptions options_;
  std::mutex mu_;
  std::optional<hsm::HsmToken> token_;  // guarded by mu_
  std::optional<CheckpointKey> key_;    // guarded by mu_
};

}  // namespace tessera::audit
