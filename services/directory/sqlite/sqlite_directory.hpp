// The token directory on SQLite (OpenDirectory("sqlite:PATH") does the same;
// kept for its callers): the embedded default, one file (by default
// TESSERA_HOME/directory.db, services/runtime/tessera_home.hpp).
//
// OpenSqliteDirectory() needs the file's directory to exist. It creates a
// missing file with mode 0600 (SQLite gives its -wal and -shm files the
// same mode) and leaves an existing file's mode alone. The file is used in
// WAL mode with synchronous=FULL, foreign keys on and a busy timeout, and its
// schema is migrated to the newest version (sqlite_schema.hpp); a file that
// is not a directory this build can use is refused and left as it was.
//
// Thread-safety: the returned Directory is thread-safe (sqlite_database.hpp:
// one writer at a time, readers beside it). Other connections (other
// processes, or a second OpenSqliteDirectory on the same file) see every
// committed write; SQLite's locks keep writers apart, and a writer waits for
// the lock up to the busy timeout, then its transaction is retried.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>

#include "common/status.hpp"
#include "services/directory/directory.hpp"

namespace tessera::directory {

struct SqliteDirectoryOptions {
  std::chrono::milliseconds busy_timeout{5000};
  UnixClock clock = SystemUnixSeconds;
};

Result<std::unique_ptr<Directory>> OpenSqliteDirectory(const std::filesystem::path& file,
                                                       const SqliteDirectoryOptions& options = {});

}  // namespace tessera::directory
