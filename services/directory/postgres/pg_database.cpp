#include "services/directory/postgres/pg_database.hpp"

namespace tessera::directory {

Result<std::unique_ptr<Database>> OpenPostgresDatabase(const std::string& url,
                                                       const DatabaseOptions& options) {
  (void)url;
  (void)options;
  return Status::FunctionNotSupported("PostgreSQL directories are not built yet");
}

}  // namespace tessera::directory
