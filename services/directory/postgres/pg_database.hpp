// The PostgreSQL backend of Database (services/directory/database.hpp),
// through libpq: several servers share one directory.
//
// `url` is libpq's connection URI ("postgresql://user@host/db",
// "postgresql:///db?host=/run/postgresql"). Opening connects once, checks
// the schema and migrates it under an advisory lock (so two nodes starting
// at once migrate it once), or refuses an old one when options.migrate is
// false.
//
// Thread-safety: the Database is thread-safe. It keeps a pool of up to
// options.pool_size connections; a Transact or Read holds one for its body.
// Transact runs SERIALIZABLE and Read READ ONLY; a serialization failure or
// deadlock (SQLSTATE 40001, 40P01) is retried. A connection found broken is
// dropped with every idle one, so the next call connects afresh.
#pragma once

#include <memory>
#include <string>

#include "common/status.hpp"
#include "services/directory/database.hpp"

namespace tessera::directory {

Result<std::unique_ptr<Database>> OpenPostgresDatabase(const std::string& url,
                                                       const DatabaseOptions& options);

}  // namespace tessera::directory
