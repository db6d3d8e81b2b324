// RunBulk: every index exactly once, failures and exceptions kept per job,
// and the lookahead contract (the upcoming index is the worker's next one,
// and nobody holds two while another could have one).
#include "services/keyman/bulk.hpp"

#include <gtest/gtest.h>

#include <mutex>
#include <set>
#include <stdexcept>
#include <vector>

namespace tessera::keyman {
namespace {

TEST(RunBulk, DoesEveryIndexOnceWithAnyNumberOfWorkers) {
  for (int jobs : {1, 2, 4}) {
    for (std::size_t count : {0u, 1u, 3u, 10u}) {
      std::mutex mu;
      std::multiset<std::size_t> seen;
      auto results = RunBulk(
          count, jobs, /*lookahead=*/true,
          [&](int, std::size_t i, std::size_t) {
            std::lock_guard lock(mu);
            seen.insert(i);
            return Status::Ok();
          },
          nullptr);
      ASSERT_EQ(results.size(), count);
      EXPECT_EQ(seen.size(), count);
      for (std::size_t i = 0; i < count; ++i) EXPECT_EQ(seen.count(i), 1u);
    }
  }
}

TEST(RunBulk, KeepsEachFailureAndSurvivesExceptions) {
  auto results = RunBulk(
      6, 2, /*lookahead=*/false,
      [](int, std::size_t i, std::size_t) -> Status {
        if (i == 2) return Status::NotFound("two");
        if (i == 4) throw std::runtime_error("four");
        return Status::Ok();
      },
      nullptr);
  EXPECT_TRUE(results[0].ok());
  EXPECT_EQ(results[2].code(), Code::kNotFound);
  EXPECT_EQ(results[4].code(), Code::kInternal);
  EXPECT_NE(results[4].message().find("four"), std::string::npos);
  EXPECT_TRUE(results[5].ok());
}

TEST(RunBulk, UpcomingIsTheSameWorkersNextIndex) {
  std::mutex mu;
  std::vector<std::vector<std::pair<std::size_t, std::size_t>>> by_worker(2);
  (void)RunBulk(
      20, 2, /*lookahead=*/true,
      [&](int worker, std::size_t i, std::size_t upcoming) {
        std::lock_guard lock(mu);
        by_worker[static_cast<std::size_t>(worker)].emplace_back(i, upcoming);
        return Status::Ok();
      },
      nullptr);
  for (const auto& jobs : by_worker) {
    for (std::size_t k = 0; k + 1 < jobs.size(); ++k) {
      if (jobs[k].second != kNoIndex) {
        EXPECT_EQ(jobs[k].second, jobs[k + 1].first);
      }
    }
    if (!jobs.empty()) {
      EXPECT_EQ(jobs.back().second, kNoIndex);
    }
  }
}

TEST(RunBulk, NoLookaheadWhenThereIsNoMoreWorkThanWorkers) {
  (void)RunBulk(
      2, 2, /*lookahead=*/true,
      [&](int, std::size_t, std::size_t upcoming) {
        EXPECT_EQ(upcoming, kNoIndex);
        return Status::Ok();
      },
      nullptr);
}

}  // namespace
}  // namespace tessera::keyman
