// RunBulk: runs one job per token on N worker threads and reports progress.
//
// Each worker calls `work(worker, index, upcoming)` for the next unclaimed
// index; `upcoming` is the index the same worker will do next (claimed
// already, kNoIndex when none), so the caller can prepare it. The worker
// number lets the caller keep per-thread resources (an HSM session: PKCS#11
// sessions are single-threaded, §5.6.1). A job's failure is recorded
// and the others go on, so one bad token never stops a bulk run. `progress`
// is called from the calling thread about every 200 ms and once at the end.
// An exception out of `work` fails that job with kInternal.
// Thread-safe as described; RunBulk returns once every worker has finished.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "common/status.hpp"

namespace tessera::keyman {

struct BulkProgress {
  std::size_t done = 0;
  std::size_t failed = 0;
  std::size_t total = 0;
  std::chrono::steady_clock::duration elapsed{};
  double per_second() const;
};

inline constexpr std::size_t kNoIndex = static_cast<std::size_t>(-1);
using BulkWork = std::function<Status(int worker, std::size_t index, std::size_t upcoming)>;

// With `lookahead` off, `upcoming` is always kNoIndex. With it on, a worker
// claims its next index early only while more indices are left than there
// are workers, so no worker sits idle while another holds two.
std::vector<Status> RunBulk(std::size_t count, int jobs, bool lookahead, const BulkWork& work,
                            const std::function<void(const BulkProgress&)>& progress);

}  // namespace tessera::keyman
