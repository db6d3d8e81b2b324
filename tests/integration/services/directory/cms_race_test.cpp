// Two transactions race for what the schema allows once: a live binding of
// one user or of one token, and the use of one nonce. Through Transact on
// every backend (the write lock or PostgreSQL's advisory lock orders them),
// and on PostgreSQL in transactions that truly overlap (raw connections,
// without the writers' advisory lock), where the partial unique index or
// SERIALIZABLE decides: exactly one commits, the other ends in
// kAlreadyExists (or kConditionsNotSatisfied for the nonce), at once or
// after its kAborted is retried.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "services/directory/postgres/pg_connection.hpp"
#include "tests/integration/services/directory/backend_fixture.hpp"
#include "tests/integration/services/directory/cms_records.hpp"
#include "tests/support/postgres_server.hpp"

namespace tessera::directory::testing {
namespace {

using CmsRaceTest = BackendTest;

constexpr int kRounds = 6;

// Round r: user u<r>, tokens 3000 + 2r and 3001 + 2r.
void SeedRounds(Database& db) {
  const Status s = db.Transact([](SqlTransaction& tx) -> Status {
    for (std::uint32_t r = 0; r < kRounds; ++r) {
      TESSERA_RETURN_IF_ERROR(InsertUser(tx, CmsUser("u" + std::to_string(r))));
      TESSERA_RETURN_IF_ERROR(InsertCmsToken(tx, CmsToken(3000 + 2 * r)));
      TESSERA_RETURN_IF_ERROR(InsertCmsToken(tx, CmsToken(3001 + 2 * r)));
    }
    TESSERA_RETURN_IF_ERROR(InsertUser(tx, CmsUser("other")));
    return Status::Ok();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
}

// What racer i (0 or 1) binds in round r: even rounds both bind user u<r>
// (to two tokens), odd rounds both bind token 3000 + 2r (u<r> and "other").
BindingRecord Contender(std::uint32_t r, std::uint32_t i) {
  const bool same_user = r % 2 == 0;
  const std::string user = same_user || i == 0 ? "u" + std::to_string(r) : "other";
  return Binding(100 * r + i, user, 3000 + 2 * r + (same_user ? i : 0));
}

TEST_P(CmsRaceTest, TwoThreadsBindingOneUserOrOneTokenLeaveExactlyOneLiveBinding) {
  auto setup = OpenDb();
  ASSERT_NE(setup, nullptr);
  SeedRounds(*setup);
  std::unique_ptr<Database> dbs[2] = {OpenDb(), OpenDb()};  // a Database per thread
  ASSERT_TRUE(dbs[0] && dbs[1]);
  for (std::uint32_t r = 0; r < kRounds; ++r) {
    std::atomic<int> ready{0};
    Code codes[2] = {Code::kInternal, Code::kInternal};
    std::vector<std::thread> threads;
    for (std::uint32_t i = 0; i < 2; ++i) {
      threads.emplace_back([&, i] {
        ++ready;
        while (ready.load() < 2) std::this_thread::yield();
        codes[i] =
            dbs[i]
                ->Transact([&](SqlTransaction& tx) { return InsertBinding(tx, Contender(r, i)); })
                .code();
      });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ((codes[0] == Code::kOk) + (codes[1] == Code::kOk), 1) << "round " << r;
    EXPECT_EQ((codes[0] == Code::kAlreadyExists) + (codes[1] == Code::kAlreadyExists), 1)
        << "round " << r;
    const std::uint32_t winner = codes[0] == Code::kOk ? 0 : 1;
    ASSERT_TRUE(setup
                    ->Read([&](SqlTransaction& tx) -> Status {
                      TESSERA_ASSIGN_OR_RETURN(auto live, LiveBindingOfToken(tx, 3000 + 2 * r));
                      TESSERA_ASSIGN_OR_RETURN(auto of_user,
                                               LiveBindingsOfUser(tx, "u" + std::to_string(r)));
                      const BindingRecord won = Contender(r, winner);
                      if (won.token_serial == 3000 + 2 * r) {
                        EXPECT_EQ(live, won);
                      }
                      if (won.user_id != "other") {
                        EXPECT_EQ(of_user, std::vector{won});
                      }
                      return Status::Ok();
                    })
                    .ok());
    // Free "other" for the next round.
    ExecOrFail(*setup,
               "UPDATE bindings SET state = 'revoked', revoked_at = 1 WHERE user_id = 'other'");
  }
  EXPECT_EQ(QueryIntOrFail(*setup, "SELECT count(*) FROM bindings"), kRounds);
}

// An SqlTransaction on a raw connection: no pool, no advisory lock.
class RawTransaction final : public SqlTransaction {
 public:
  explicit RawTransaction(pg::PgConnection& connection) : connection_(connection) {}
  Result<std::vector<SqlRow>> Query(std::string_view sql,
                                    const std::vector<SqlValue>& params) override {
    return connection_.Query(sql, params);
  }
  Result<std::int64_t> Execute(std::string_view sql, const std::vector<SqlValue>& params) override {
    std::int64_t changed = 0;
    TESSERA_RETURN_IF_ERROR(connection_.Query(sql, params, &changed).status());
    return changed;
  }
  Backend backend() const override { return Backend::kPostgresql; }

 private:
  pg::PgConnection& connection_;
};

using Body = std::function<Status(SqlTransaction&)>;

// `body` in one SERIALIZABLE transaction on `connection`, committed when Ok.
Status RunRaw(pg::PgConnection& connection, const Body& body) {
  TESSERA_RETURN_IF_ERROR(connection.Exec("BEGIN ISOLATION LEVEL SERIALIZABLE"));
  RawTransaction tx(connection);
  const Status status = body(tx);
  if (!status.ok()) {
    EXPECT_TRUE(connection.Exec("ROLLBACK").ok());
    return status;
  }
  return connection.Exec("COMMIT");
}

pg::PgConnection Connect(const std::string& url) {
  auto connection = pg::PgConnection::Connect(url, "race", std::chrono::seconds(5));
  EXPECT_TRUE(connection.ok()) << connection.status().ToString();
  return std::move(connection).value();
}

struct Outcome {
  Status first;         // the transaction that wrote first, committed after the second waited
  Status second;        // the second's first attempt
  Status second_retry;  // its retry when the first attempt was kAborted
};

// The first body runs and waits uncommitted; the second starts in another
// thread and blocks on the first's row or index entry; then the first
// commits and the second finishes (retried once if it aborted).
Outcome Overlap(const std::string& url, const Body& first, const Body& second) {
  pg::PgConnection a = Connect(url);
  pg::PgConnection b = Connect(url);
  pg::PgConnection watch = Connect(url);
  Outcome outcome;
  EXPECT_TRUE(a.Exec("BEGIN ISOLATION LEVEL SERIALIZABLE").ok());
  RawTransaction tx_a(a);
  EXPECT_TRUE(first(tx_a).ok());
  std::thread racer([&] { outcome.second = RunRaw(b, second); });
  // Until the second waits for the first's lock (or gave up at once).
  for (int i = 0; i < 1000; ++i) {
    auto waiting =
        watch.Query("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'", {});
    if (waiting.ok() && *waiting->at(0).Int(0) == 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  outcome.first = a.Exec("COMMIT");
  racer.join();
  if (outcome.second.code() == Code::kAborted) outcome.second_retry = RunRaw(b, second);
  return outcome;
}

// The second's final status: its first attempt, or its retry after kAborted.
Status Final(const Outcome& outcome) {
  return outcome.second.code() == Code::kAborted ? outcome.second_retry : outcome.second;
}

TEST(CmsPostgresRace, OverlappingLiveBindingsOfOneUserOrTokenCommitOnce) {
  const std::string url = tessera::testing::SharedPostgresServer().NewDatabase();
  auto db = OpenDatabase(url);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  SeedRounds(**db);
  for (std::uint32_t r = 0; r < 2; ++r) {  // round 0: one user; round 1: one token
    const Outcome outcome = Overlap(
        url, [&](SqlTransaction& tx) { return InsertBinding(tx, Contender(r, 0)); },
        [&](SqlTransaction& tx) { return InsertBinding(tx, Contender(r, 1)); });
    EXPECT_TRUE(outcome.first.ok()) << outcome.first.ToString();
    EXPECT_TRUE(outcome.second.code() == Code::kAborted ||
                outcome.second.code() == Code::kAlreadyExists)
        << outcome.second.ToString();
    EXPECT_EQ(Final(outcome).code(), Code::kAlreadyExists) << Final(outcome).ToString();
    ASSERT_TRUE((*db)
                    ->Read([&](SqlTransaction& tx) -> Status {
                      TESSERA_ASSIGN_OR_RETURN(auto live, LiveBindingOfToken(tx, 3000 + 2 * r));
                      EXPECT_EQ(live, Contender(r, 0));
                      TESSERA_ASSIGN_OR_RETURN(auto of_user,
                                               LiveBindingsOfUser(tx, "u" + std::to_string(r)));
                      EXPECT_EQ(of_user, std::vector{Contender(r, 0)});
                      return Status::Ok();
                    })
                    .ok());
  }
  EXPECT_EQ(QueryIntOrFail(**db, "SELECT count(*) FROM bindings"), 2);
}

TEST(CmsPostgresRace, OverlappingConsumersOfOneNonceUseItOnce) {
  const std::string url = tessera::testing::SharedPostgresServer().NewDatabase();
  auto db = OpenDatabase(url);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  SeedCms(**db);
  ASSERT_TRUE(
      (*db)->Transact([](SqlTransaction& tx) { return InsertNonce(tx, Nonce(1, 500)); }).ok());
  const Bytes nonce = Nonce(1, 500).nonce;
  const Outcome outcome = Overlap(
      url, [&](SqlTransaction& tx) { return ConsumeNonce(tx, nonce, 150); },
      [&](SqlTransaction& tx) { return ConsumeNonce(tx, nonce, 151); });
  EXPECT_TRUE(outcome.first.ok()) << outcome.first.ToString();
  const Status final_status = Final(outcome);
  EXPECT_EQ(final_status.code(), Code::kConditionsNotSatisfied) << final_status.ToString();
  EXPECT_NE(final_status.message().find("used already, at 150"), std::string::npos)
      << final_status.message();
  EXPECT_EQ(QueryIntOrFail(**db, "SELECT used_at FROM cms_nonces"), 150);
}

INSTANTIATE_TEST_SUITE_P(Backends, CmsRaceTest, ::testing::ValuesIn(TestedBackends()), BackendName);

}  // namespace
}  // namespace tessera::directory::testing
