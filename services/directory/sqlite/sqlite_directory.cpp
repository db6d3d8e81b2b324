#include "services/directory/sqlite/sqlite_directory.hpp"

#include <utility>

#include "services/directory/sqlite/sqlite_database.hpp"

namespace tessera::directory {

Result<std::unique_ptr<Directory>> OpenSqliteDirectory(const std::filesystem::path& file,
                                                       const SqliteDirectoryOptions& options) {
  if (!options.clock) return Status::InvalidArgument("SqliteDirectoryOptions without a clock");
  DatabaseOptions database;
  database.busy_timeout = options.busy_timeout;
  TESSERA_ASSIGN_OR_RETURN(std::unique_ptr<Database> db, OpenSqliteDatabase(file, database));
  return MakeDirectory(std::move(db), options.clock);
}

}  // namespace tessera::directory
