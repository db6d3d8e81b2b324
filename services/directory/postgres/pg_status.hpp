// The one table from libpq errors to Status for the PostgreSQL backend
// (database.hpp "Errors").
//
// By SQLSTATE: 40001 serialization failure and 40P01 deadlock are kAborted
// (the transaction is retried whole); 23505 unique violation is
// kAlreadyExists; other 23xxx constraints are kConditionsNotSatisfied; 08xxx
// connection exceptions, 57P01-57P03 (the server shutting down or starting)
// and 53xxx (out of resources) are kUnavailable; 25006 (a write in a
// READ ONLY transaction) is kConditionsNotSatisfied; the rest is kInternal.
// No SQLSTATE (an error of libpq's own, such as "server closed the
// connection unexpectedly"), or a broken connection, is kUnavailable.
// Thread-safe.
#pragma once

#include <string_view>

#include "common/status.hpp"

namespace tessera::directory::pg {

// `what` says what failed; `message` is libpq's (PQresultErrorMessage or
// PQerrorMessage); `sqlstate` may be empty.
Status PgStatus(std::string_view sqlstate, std::string_view what, std::string_view message,
                bool connection_broken);

}  // namespace tessera::directory::pg
