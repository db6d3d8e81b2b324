// The one table from SQLite result codes to Status for the SQLite backend.
//
// kCorrupt for a file that is not a database or fails SQLite's checks,
// kNoSpace for a full disk, kAborted for a lock still taken after the busy
// timeout (the transaction is retried whole), kIoError for I/O and
// permissions, kAlreadyExists for a UNIQUE or PRIMARY KEY constraint,
// kConditionsNotSatisfied for another violated constraint, kInternal for the
// rest (misuse, out of memory). Thread-safe.
#pragma once

#include <string_view>

#include "common/status.hpp"

namespace tessera::directory::sqlite {

// `what` says what failed ("open /x/directory.db"), `detail` is SQLite's own
// message (sqlite3_errmsg), when there is one.
Status SqliteStatus(int rc, std::string_view what, std::string_view detail);

}  // namespace tessera::directory::sqlite
