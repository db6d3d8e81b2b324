// Several writers at once, as `tessera mk-replace --jobs N` has them: threads
// sharing one Directory, and threads each with their own Database on the same
// directory, on every backend. Every write must land; none may fail on a lock
// or a lost race.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "tests/integration/services/directory/directory_fixture.hpp"

namespace tessera::directory::testing {
namespace {

constexpr std::uint32_t kThreads = 4;
constexpr std::uint32_t kTokensPerThread = 50;

using DirectoryConcurrencyTest = TokenDirectoryTest;

// Token n of thread t is number t * 1000 + n.
std::uint32_t TokenNumber(std::uint32_t thread, std::uint32_t n) { return thread * 1000 + n; }

void ExpectAllTokens(const Directory& directory, Lifecycle lifecycle, std::uint8_t mk_version) {
  auto list = directory.List();
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), kThreads * kTokensPerThread);
  std::size_t i = 0;
  for (std::uint32_t t = 0; t < kThreads; ++t) {
    for (std::uint32_t n = 0; n < kTokensPerThread; ++n, ++i) {
      const TokenRecord& token = (*list)[i];
      const std::uint32_t number = TokenNumber(t, n);
      EXPECT_EQ(token.serial, 1000 + number);
      EXPECT_EQ(token.uid, Uid(number));
      EXPECT_EQ(token.cryptogram, Cryptogram(number));
      EXPECT_EQ(token.lifecycle, lifecycle);
      EXPECT_EQ(token.mk_version, mk_version);
      EXPECT_EQ(token.target_mk_version, std::nullopt);
    }
  }
}

TEST_P(DirectoryConcurrencyTest, FourThreadsSharingOneDirectoryEndWithEveryRow) {
  auto directory = Open();
  ASSERT_NE(directory, nullptr);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (std::uint32_t t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (std::uint32_t n = 0; n < kTokensPerThread; ++n) {
        const std::uint32_t number = TokenNumber(t, n);
        const Bytes uid = Uid(number);
        const bool ok =
            directory->RecordPersonalizing(uid, 1000 + number, Cryptogram(number), 1, 1).ok() &&
            directory->MarkPersonalized(uid, Cryptogram(number)).ok() &&
            directory->BeginReplacement(uid, 2).ok() && directory->FindByUid(uid).ok() &&
            directory->FinishReplacement(uid, 2).ok();
        if (!ok) ++failures;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  ExpectAllTokens(*directory, Lifecycle::kPersonalized, 2);
}

TEST_P(DirectoryConcurrencyTest, FourDatabasesOnOneDirectoryEndWithEveryRow) {
  ASSERT_NE(Open(), nullptr);  // made and migrated once, before the race
  DirectoryOptions options = Options();
  // Writers queue on SQLite's lock; on a loaded machine the wait may be long,
  // and the test is about rows, not about time.
  options.database.busy_timeout = std::chrono::minutes(5);
  options.database.max_attempts = 100;
  std::vector<std::unique_ptr<Directory>> connections;
  for (std::uint32_t t = 0; t < kThreads; ++t) {
    auto directory = OpenDirectory(url(), options);
    ASSERT_TRUE(directory.ok()) << directory.status().ToString();
    connections.push_back(std::move(directory).value());
  }
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (std::uint32_t t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Directory& directory = *connections[t];
      for (std::uint32_t n = 0; n < kTokensPerThread; ++n) {
        const std::uint32_t number = TokenNumber(t, n);
        const Bytes uid = Uid(number);
        Status s = directory.RecordPersonalizing(uid, 1000 + number, Cryptogram(number), 1, 1);
        if (s.ok()) s = directory.MarkPersonalized(uid, Cryptogram(number));
        if (!s.ok()) {
          ++failures;
          ADD_FAILURE() << s.ToString();
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  for (const auto& directory : connections) {
    ExpectAllTokens(*directory, Lifecycle::kPersonalized, 1);
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, DirectoryConcurrencyTest, ::testing::ValuesIn(TestedBackends()),
                         BackendName);

}  // namespace
}  // namespace tessera::directory::testing
