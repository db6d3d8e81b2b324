// JSON forms of audit records and checkpoints, one object per line, for
// `tessera audit list` (docs/audit.md "Listing"). Hashes, keys and
// signatures are lower-case hex; details is the stored text as a JSON
// string (it is JSON text itself, but is shown as stored, byte for byte).
// Stateless; thread-safe.
#pragma once

#include <string>

#include "services/directory/stores/audit_store.hpp"

namespace tessera::audit {

// {"seq":1,"time":...,"actor":"...","action":"...","object":"...",
//  "request_id":"...","details":"...","prev_hash":"hex","hash":"hex"}
std::string RecordJson(const directory::AuditRow& row);
// {"checkpoint":seq,"time":...,"head_hash":"hex","hsm":"...","key_label":"...",
//  "key":"sha256:hex","signature":"hex"}
std::string CheckpointJson(const directory::AuditCheckpoint& checkpoint);

}  // namespace tessera::audit
