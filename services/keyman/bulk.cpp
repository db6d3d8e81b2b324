#include "services/keyman/bulk.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace tessera::keyman {
namespace {

// An exception out of one job (bad_alloc, system_error) fails that job, not
// the process.
Status Guarded(const BulkWork& work, int worker, std::size_t index, std::size_t upcoming) {
  try {
    return work(worker, index, upcoming);
  } catch (const std::exception& e) {
    return Status::Internal(std::string("unexpected failure: ") + e.what());
  } catch (...) {
    return Status::Internal("unexpected failure");
  }
}

}  // namespace

double BulkProgress::per_second() const {
  const double seconds = std::chrono::duration<double>(elapsed).count();
  return seconds > 0 ? static_cast<double>(done) / seconds : 0.0;
}

std::vector<Status> RunBulk(std::size_t count, int jobs, bool lookahead, const BulkWork& work,
                            const std::function<void(const BulkProgress&)>& progress) {
  std::vector<Status> results(count);
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> done{0};
  std::atomic<std::size_t> failed{0};
  std::mutex mu;
  std::condition_variable finished_cv;
  int running = std::max(1, jobs);
  const int workers = running;
  const auto start = std::chrono::steady_clock::now();

  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(workers));
  // Joins whatever started, also when starting another thread throws.
  struct Joiner {
    std::vector<std::thread>& threads;
    ~Joiner() {
      for (auto& t : threads) {
        if (t.joinable()) t.join();
      }
    }
  } joiner{threads};
  for (int w = 0; w < workers; ++w) {
    threads.emplace_back([&, w] {
      // An early claim only while more are left than workers, so nobody
      // idles while another holds two.
      auto claim_upcoming = [&]() -> std::size_t {
        if (!lookahead) return kNoIndex;
        std::size_t n = next.load();
        while (n < count && count - n > static_cast<std::size_t>(workers)) {
          if (next.compare_exchange_weak(n, n + 1)) return n;
        }
        return kNoIndex;
      };
      std::size_t i = next.fetch_add(1);
      while (i < count) {
        const std::size_t upcoming = claim_upcoming();
        Status status = Guarded(work, w, i, upcoming);
        if (!status.ok()) failed.fetch_add(1);
        results[i] = std::move(status);
        done.fetch_add(1);
        i = upcoming != kNoIndex ? upcoming : next.fetch_add(1);
      }
      std::lock_guard lock(mu);
      --running;
      finished_cv.notify_all();
    });
  }
  auto snapshot = [&] {
    return BulkProgress{done.load(), failed.load(), count,
                        std::chrono::steady_clock::now() - start};
  };
  {
    std::unique_lock lock(mu);
    while (
        !finished_cv.wait_for(lock, std::chrono::milliseconds(200), [&] { return running == 0; })) {
      lock.unlock();
      if (progress) progress(snapshot());
      lock.lock();
    }
  }
  for (auto& t : threads) t.join();
  if (progress) progress(snapshot());
  return results;
}

}  // namespace tessera::keyman
