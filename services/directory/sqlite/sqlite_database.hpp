// The SQLite backend of Database (services/directory/database.hpp): the
// embedded default, one file (by default TESSERA_HOME/directory.db).
//
// The file's folder must exist (kNotFound otherwise). A missing file is
// made with mode 0600 (SQLite gives its -wal and -shm files the same mode);
// an existing file keeps its mode. The file is checked, configured and
// migrated by sqlite_schema.hpp; a file this build cannot use is refused and
// left as it was.
//
// Thread-safety: the Database is thread-safe. It keeps two connections:
// writes (Transact, BEGIN IMMEDIATE) run one at a time on the first, under a
// mutex; reads (Read) run on the second, beside a writer, as WAL allows.
// Other processes are kept apart by SQLite's locks: a writer waits up to
// busy_timeout for the lock, then the attempt is kAborted and retried.
#pragma once

#include <filesystem>
#include <memory>

#include "common/status.hpp"
#include "services/directory/database.hpp"

namespace tessera::directory {

Result<std::unique_ptr<Database>> OpenSqliteDatabase(const std::filesystem::path& file,
                                                     const DatabaseOptions& options);

}  // namespace tessera::directory
