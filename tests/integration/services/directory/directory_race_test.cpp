// Two processes of four threads each make conflicting updates to one
// directory, on every backend, and the invariants hold afterwards. Each
// transaction appends the audit record after the head it read (seq = head+1,
// prev_hash = the head's hash), stores the CRL after the latest one (number =
// latest+1) and revokes a serial unless it is revoked already, logging which
// it did. Serializable transactions (PostgreSQL) or the write lock (SQLite),
// with retries, must leave no gap, no duplicate and no lost update.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <map>
#include <set>
#include <thread>
#include <vector>

#include "services/directory/stores/audit_store.hpp"
#include "services/directory/stores/ca_store.hpp"
#include "tests/integration/services/directory/backend_fixture.hpp"

namespace tessera::directory::testing {
namespace {

constexpr int kProcesses = 2;
constexpr int kThreads = 4;
constexpr int kRounds = 8;            // transactions per thread
constexpr std::uint8_t kSerials = 6;  // every thread revokes the same serials

using DirectoryRaceTest = BackendTest;

Bytes HashOf(std::int64_t seq, const std::string& actor) {
  Bytes hash(32, 0);
  PutU32(hash, static_cast<std::uint32_t>(seq));
  for (std::size_t i = 0; i < actor.size() && i + 4 < hash.size(); ++i) {
    hash[i + 4] = static_cast<std::uint8_t>(actor[i]);
  }
  return hash;
}

// One round of `actor`: the three conflicting updates in one transaction.
Status Round(Database& db, const std::string& actor, int round) {
  return db.Transact([&](SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(std::optional<AuditRow> head, AuditHead(tx));
    TESSERA_ASSIGN_OR_RETURN(std::optional<CrlRecord> crl, FindLatestCrl(tx, "race"));
    const Bytes serial{static_cast<std::uint8_t>(1 + round % kSerials)};
    TESSERA_ASSIGN_OR_RETURN(std::optional<RevocationRecord> revoked,
                             FindRevocation(tx, "race", serial));
    if (!revoked) TESSERA_RETURN_IF_ERROR(InsertRevocation(tx, {"race", serial, round, 1}));
    const std::int64_t seq = head ? head->seq + 1 : 1;
    AuditRow row{seq,
                 round,
                 actor,
                 revoked ? "noop" : "revoke",
                 ToHex(serial),
                 "",
                 "",
                 head ? head->hash : Bytes(32, 0),
                 HashOf(seq, actor)};
    TESSERA_RETURN_IF_ERROR(AppendAudit(tx, row));
    const std::int64_t number = crl ? crl->number + 1 : 1;
    return InsertCrl(tx, {"race", number, 0, 0, Bytes{0x30, 0x00}});
  });
}

// kThreads threads of process `p`, each on its own Database; the number of
// rounds that failed.
int RunThreads(const std::string& url, int p) {
  DatabaseOptions options;
  options.max_attempts = 10'000;  // the test is about invariants, not about luck
  options.busy_timeout = std::chrono::minutes(2);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto db = OpenDatabase(url, options);
      if (!db.ok()) {
        (void)std::fprintf(stderr, "open: %s\n", db.status().ToString().c_str());
        failures += kRounds;
        return;
      }
      const std::string actor = "p" + std::to_string(p) + "t" + std::to_string(t);
      for (int r = 0; r < kRounds; ++r) {
        const Status s = Round(**db, actor, r);
        if (!s.ok()) {
          (void)std::fprintf(stderr, "%s round %d: %s\n", actor.c_str(), r, s.ToString().c_str());
          ++failures;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  return failures.load();
}

TEST_P(DirectoryRaceTest, TwoProcessesOfFourThreadsLeaveNoGapNoDuplicateAndNoLostUpdate) {
  {
    auto db = OpenDb();
    ASSERT_NE(db, nullptr);
    ASSERT_TRUE(
        db->Transact([](SqlTransaction& tx) -> Status {
            TESSERA_RETURN_IF_ERROR(InsertCa(
                tx, {"race", std::nullopt, "h", "k", "p256", Bytes{0x30}, "", Bytes{}, 0}));
            for (std::uint8_t s = 1; s <= kSerials; ++s) {
              TESSERA_RETURN_IF_ERROR(InsertCertificate(
                  tx, {"race", Bytes{s}, "tls-server", "CN=x", 0, 1, Bytes{0x30}, {}, s, {}}));
            }
            return Status::Ok();
          }).ok());
  }  // no connection crosses the fork
  const std::string url = this->url();
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) ::_exit(RunThreads(url, 1) == 0 ? 0 : 1);
  const int parent_failures = RunThreads(url, 0);
  int wstatus = 0;
  ASSERT_EQ(::waitpid(child, &wstatus, 0), child);
  EXPECT_EQ(parent_failures, 0);
  ASSERT_TRUE(WIFEXITED(wstatus));
  EXPECT_EQ(WEXITSTATUS(wstatus), 0) << "rounds failed in the second process (its stderr)";

  constexpr int kTotal = kProcesses * kThreads * kRounds;
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->Read([&](SqlTransaction& tx) -> Status {
                  TESSERA_ASSIGN_OR_RETURN(auto audit, ListAudit(tx, 1, kTotal + 10));
                  EXPECT_EQ(audit.size(), static_cast<std::size_t>(kTotal));
                  std::map<std::string, int> per_actor;
                  int revokes = 0;
                  Bytes prev(32, 0);
                  for (std::size_t i = 0; i < audit.size(); ++i) {
                    EXPECT_EQ(audit[i].seq, static_cast<std::int64_t>(i + 1));      // no gap
                    EXPECT_EQ(audit[i].prev_hash, prev) << "seq " << audit[i].seq;  // chained
                    prev = audit[i].hash;
                    ++per_actor[audit[i].actor];
                    if (audit[i].action == "revoke") ++revokes;
                  }
                  EXPECT_EQ(per_actor.size(), static_cast<std::size_t>(kProcesses * kThreads));
                  for (const auto& [actor, n] : per_actor) EXPECT_EQ(n, kRounds) << actor;
                  // Each serial revoked once, and each revocation logged once.
                  TESSERA_ASSIGN_OR_RETURN(auto revocations, ListRevocations(tx, "race"));
                  std::set<Bytes> serials;
                  for (const auto& r : revocations) serials.insert(r.serial);
                  EXPECT_EQ(revocations.size(), static_cast<std::size_t>(kSerials));
                  EXPECT_EQ(serials.size(), static_cast<std::size_t>(kSerials));
                  EXPECT_EQ(revokes, kSerials);
                  // CRL numbers 1..kTotal, the latest the last.
                  TESSERA_ASSIGN_OR_RETURN(auto crl, FindLatestCrl(tx, "race"));
                  EXPECT_TRUE(crl.has_value());
                  if (crl) {
                    EXPECT_EQ(crl->number, kTotal);
                  }
                  TESSERA_ASSIGN_OR_RETURN(auto count, tx.Query("SELECT count(*) FROM crls"));
                  EXPECT_EQ(*count.at(0).Int(0), kTotal);
                  return Status::Ok();
                }).ok());
}

INSTANTIATE_TEST_SUITE_P(Backends, DirectoryRaceTest, ::testing::ValuesIn(TestedBackends()),
                         BackendName);

}  // namespace
}  // namespace tessera::directory::testing
