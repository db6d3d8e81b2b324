// RetryAborted: how both backends run a transaction that lost a race again.
//
// `attempt` runs one whole transaction; while it fails with kAborted (SQLite
// busy past its timeout, PostgreSQL SQLSTATE 40001/40P01) it runs again, up
// to `max_attempts` times, with a short random pause that grows with each
// attempt so that the racers spread out. Any other result ends it. Stateless;
// thread-safe.
#pragma once

#include <functional>

#include "common/status.hpp"

namespace tessera::directory {

Status RetryAborted(int max_attempts, const std::function<Status()>& attempt);

}  // namespace tessera::directory
