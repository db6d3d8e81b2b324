#include "services/directory/sqlite/sqlite_status.hpp"

#include <sqlite3.h>

#include <string>

namespace tessera::directory::sqlite {

Status SqliteStatus(int rc, std::string_view what, std::string_view detail) {
  std::string msg(what);
  msg += ": ";
  msg += detail.empty() ? std::string_view(sqlite3_errstr(rc)) : detail;
  msg += " (SQLite code " + std::to_string(rc) + ")";
  // database.hpp: a unique constraint is kAlreadyExists, a lock that stayed
  // taken past the busy timeout is a lost race (kAborted, retried whole).
  if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
    return Status::AlreadyExists(std::move(msg));
  }
  switch (rc & 0xff) {  // the primary code; extended codes keep it in the low byte
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT: return Status::Corrupt(std::move(msg));
    case SQLITE_FULL: return Status::NoSpace(std::move(msg));
    case SQLITE_CONSTRAINT: return Status::ConditionsNotSatisfied(std::move(msg));
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return Status::Aborted(std::move(msg));
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_READONLY:
    case SQLITE_NOLFS:
    case SQLITE_AUTH:
    case SQLITE_PROTOCOL: return Status::IoError(std::move(msg));
    default: return Status::Internal(std::move(msg));
  }
}

}  // namespace tessera::directory::sqlite
