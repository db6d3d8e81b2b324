#include "services/directory/postgres/pg_pool.hpp"

#include <utility>

namespace tessera::directory::pg {

PgLease::~PgLease() {
  if (pool_ != nullptr) pool_->Release(std::move(connection_));
}

PgLease::PgLease(PgLease&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)), connection_(std::move(other.connection_)) {}

Result<PgLease> PgPool::Acquire() {
  {
    std::unique_lock lock(mu_);
    returned_.wait(lock, [&] { return !idle_.empty() || open_ < size_; });
    if (!idle_.empty()) {
      PgConnection connection = std::move(idle_.back());
      idle_.pop_back();
      return PgLease(this, std::move(connection));
    }
    ++open_;  // a slot for the connection made below, outside the lock
  }
  Result<PgConnection> connection = PgConnection::Connect(url_, description_, timeout_);
  if (!connection.ok()) {
    std::lock_guard lock(mu_);
    --open_;
    returned_.notify_one();
    return connection.status();
  }
  return PgLease(this, std::move(*connection));
}

void PgPool::Release(PgConnection connection) {
  std::vector<PgConnection> dead;  // closed outside the lock
  {
    std::lock_guard lock(mu_);
    if (connection.broken()) {
      dead.push_back(std::move(connection));
      for (PgConnection& idle : idle_) dead.push_back(std::move(idle));
      open_ -= static_cast<int>(idle_.size()) + 1;
      idle_.clear();
    } else {
      idle_.push_back(std::move(connection));
    }
  }
  returned_.notify_all();
}

}  // namespace tessera::directory::pg
