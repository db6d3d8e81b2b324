// PgPool: up to `size` PostgreSQL connections shared by a Database's
// threads, opened on demand.
//
// Acquire() hands out an idle connection, or opens one while fewer than
// `size` exist, or waits for one to come back. The PgLease returns it when it
// goes away, unless the connection broke: then it is dropped together with
// every idle one (after a server restart they are all dead), so the next
// Acquire connects afresh. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "common/status.hpp"
#include "services/directory/postgres/pg_connection.hpp"

namespace tessera::directory::pg {

class PgPool;

// One connection borrowed from a PgPool. Move-only.
class PgLease {
 public:
  PgLease(PgPool* pool, PgConnection connection)
      : pool_(pool), connection_(std::move(connection)) {}
  ~PgLease();
  PgLease(PgLease&& other) noexcept;
  PgLease& operator=(PgLease&&) = delete;
  PgLease(const PgLease&) = delete;
  PgLease& operator=(const PgLease&) = delete;

  PgConnection& operator*() { return connection_; }
  PgConnection* operator->() { return &connection_; }

 private:
  PgPool* pool_;  // null once moved from
  PgConnection connection_;
};

class PgPool {
 public:
  PgPool(std::string url, std::string description, int size, std::chrono::seconds timeout)
      : url_(std::move(url)),
        description_(std::move(description)),
        size_(size < 1 ? 1 : size),
        timeout_(timeout) {}

  // kUnavailable when no connection can be made.
  Result<PgLease> Acquire();

 private:
  friend class PgLease;
  void Release(PgConnection connection);

  const std::string url_;
  const std::string description_;
  const int size_;
  const std::chrono::seconds timeout_;
  std::mutex mu_;
  std::condition_variable returned_;
  std::vector<PgConnection> idle_;
  int open_ = 0;  // idle plus leased
};

}  // namespace tessera::directory::pg
