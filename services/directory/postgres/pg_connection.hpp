// PgConnection: the sole owner of one libpq connection (PGconn), closed when
// the owner goes away, with the statements it has prepared.
//
// Statements are prepared once per connection (PQprepare) and found again by
// their text and parameter types. Parameters travel with explicit types:
// integers as int8 in text form, text as text, bytes as bytea in binary
// form, NULL untyped. Results come back in binary form and are decoded by
// column type (int2/int4/int8/bool, text/varchar/name, bytea). Move-only; not
// thread-safe: one thread uses a connection at a time (the pool hands it
// out).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.hpp"
#include "services/directory/database.hpp"

struct pg_conn;
struct pg_result;

namespace tessera::directory::pg {

struct PgResultFree {
  void operator()(pg_result* result) const noexcept;
};
using PgResult = std::unique_ptr<pg_result, PgResultFree>;

class PgConnection {
 public:
  // kUnavailable when the server cannot be reached; the message names
  // `description` (the URL without its password), not the URL.
  static Result<PgConnection> Connect(const std::string& url, const std::string& description,
                                      std::chrono::seconds timeout);

  ~PgConnection();
  PgConnection(PgConnection&& other) noexcept;
  PgConnection& operator=(PgConnection&& other) noexcept;
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // A statement without parameters or rows wanted (BEGIN, COMMIT, DDL).
  Status Exec(const std::string& sql);
  // A prepared statement with parameters; its rows, and the rows it changed.
  Result<std::vector<SqlRow>> Query(std::string_view sql, const std::vector<SqlValue>& params,
                                    std::int64_t* changed = nullptr);

  // The server closed the connection or the network failed, or a call saw
  // kUnavailable on it (MarkBroken): drop it.
  bool broken() const;
  void MarkBroken() { marked_broken_ = true; }

 private:
  explicit PgConnection(pg_conn* conn) : conn_(conn) {}
  // The Status of a failed call; marks the connection broken when the
  // error is libpq's own (no SQLSTATE).
  Status Error(const pg_result* result, std::string_view what);
  // The name of the prepared statement for `sql` with `types`, preparing it
  // on first use.
  Result<std::string> Prepared(std::string_view sql, const std::vector<unsigned>& types);

  pg_conn* conn_ = nullptr;  // null once moved from
  bool marked_broken_ = false;
  std::unordered_map<std::string, std::string> prepared_;  // key -> statement name
};

}  // namespace tessera::directory::pg
