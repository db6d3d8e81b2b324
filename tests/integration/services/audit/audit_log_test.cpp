// audit::Append and the Checkpointer in this process, on SQLite and
// PostgreSQL: records chain as they are appended, a lost race is retried by
// Database::Transact, writers in several threads leave one intact chain,
// and checkpoints come every N records or T seconds, signed in SoftHSM2.
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "services/audit/audit_hash.hpp"
#include "services/audit/checkpointer.hpp"
#include "services/audit/verify.hpp"
#include "services/runtime/hsm_access.hpp"
#include "tests/integration/services/audit/audit_fixture.hpp"

namespace tessera::audit::testing {
namespace {

using directory::AuditCheckpoint;
using directory::Backend;
using directory::SqlTransaction;
using directory::SqlValue;

// A transaction that reads an empty head, as a node does that read it just
// before another node appended.
class StaleHeadTransaction : public SqlTransaction {
 public:
  explicit StaleHeadTransaction(SqlTransaction& real) : real_(real) {}
  Result<std::vector<directory::SqlRow>> Query(std::string_view sql,
                                               const std::vector<SqlValue>& params) override {
    if (sql.find("ORDER BY seq DESC LIMIT 1") != std::string_view::npos) {
      return std::vector<directory::SqlRow>();
    }
    return real_.Query(sql, params);
  }
  Result<std::int64_t> Execute(std::string_view sql, const std::vector<SqlValue>& params) override {
    return real_.Execute(sql, params);
  }
  directory::Backend backend() const override { return real_.backend(); }

 private:
  SqlTransaction& real_;
};

class AuditLogTest : public AuditTest {
 protected:
  Checkpointer MakeCheckpointer(std::int64_t every_records, std::int64_t every_seconds) {
    return Checkpointer(db(), Access(),
                        {kHsm, kDefaultKeyLabel, CheckpointPolicy{every_records, every_seconds}});
  }
  VerifyReport VerifyHere() {
    auto report = VerifyLog(db(), {1, PinnedKey(), 7});  // small pages: the paging is walked too
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? *report : VerifyReport{};
  }
};

TEST_P(AuditLogTest, ChainsEachRecordToTheOneBefore) {
  ASSERT_NO_FATAL_FAILURE(AppendRecords(3));
  auto rows = Rows();
  ASSERT_EQ(rows.size(), 3U);
  EXPECT_EQ(rows[0].seq, 1);
  EXPECT_EQ(rows[0].prev_hash, GenesisHash());
  for (const auto& row : rows) EXPECT_EQ(row.hash, *RecordHash(row));
  EXPECT_EQ(rows[1].prev_hash, rows[0].hash);
  EXPECT_EQ(rows[2].prev_hash, rows[1].hash);
  EXPECT_EQ(rows[2].object, "ca/root/serial/3");
  EXPECT_EQ(rows[2].details, R"({"profile":"tls-server"})");
}

TEST_P(AuditLogTest, TurnsATakenSeqIntoAnAbortForTheRetry) {
  ASSERT_NO_FATAL_FAILURE(AppendRecords(1));
  Status s = db().Transact([](SqlTransaction& tx) {
    StaleHeadTransaction stale(tx);
    return Append(stale, {"cli:test", "ca.revoke", "x", "r", ""}, 1700000100).status();
  });
  // Every attempt reads the stale head, so the retries run out with kAborted.
  EXPECT_EQ(s.code(), Code::kAborted) << s.ToString();
  EXPECT_EQ(Rows().size(), 1U);
}

TEST_P(AuditLogTest, RefusesAnInvalidEventAndStoresNothing) {
  Status s = db().Transact([](SqlTransaction& tx) {
    return Append(tx, {"cli:test", "", "x", "r", ""}, 1700000000).status();
  });
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_TRUE(Rows().empty());
}

TEST_P(AuditLogTest, SignsEveryNRecords) {
  Checkpointer checkpointer = MakeCheckpointer(3, 1000000);
  ASSERT_NO_FATAL_FAILURE(AppendRecords(2));
  auto none = checkpointer.MaybeCheckpoint(1700000010);
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_FALSE(none->has_value());
  ASSERT_NO_FATAL_FAILURE(AppendRecords(1));
  auto made = checkpointer.MaybeCheckpoint(1700000010);
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  ASSERT_TRUE(made->has_value());
  EXPECT_EQ((*made)->seq, 3);
  EXPECT_EQ((*made)->head_hash, Rows().back().hash);
  EXPECT_EQ((*made)->hsm, kHsm);
  EXPECT_EQ((*made)->public_key, PinnedKey());
  ASSERT_NO_FATAL_FAILURE(AppendRecords(1));
  EXPECT_FALSE(checkpointer.MaybeCheckpoint(1700000010)->has_value());
  VerifyReport report = VerifyHere();
  EXPECT_TRUE(report.intact()) << report.broken->what;
  EXPECT_EQ(report.checkpoints_checked, 1);
  EXPECT_EQ(report.unsigned_records(), 1);
}

TEST_P(AuditLogTest, SignsWhenTheOldestUnsignedRecordIsTSecondsOld) {
  Checkpointer checkpointer = MakeCheckpointer(1000, 60);
  ASSERT_NO_FATAL_FAILURE(AppendRecords(2));  // times 1700000001, 1700000002
  EXPECT_FALSE(checkpointer.MaybeCheckpoint(1700000060)->has_value());
  auto made = checkpointer.MaybeCheckpoint(1700000061);
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  ASSERT_TRUE(made->has_value());
  EXPECT_EQ((*made)->seq, 2);
  EXPECT_EQ((*made)->time, 1700000061);
  // Nothing new: nothing to sign, however late it is.
  EXPECT_FALSE(checkpointer.MaybeCheckpoint(1800000000)->has_value());
  EXPECT_FALSE(checkpointer.CheckpointNow(1800000000)->has_value());
}

TEST_P(AuditLogTest, KeepsOneIntactChainUnderConcurrentWritersAndCheckpoints) {
  // Every writer appends to the one head, so on PostgreSQL (SERIALIZABLE)
  // most concurrent appends conflict and are retried: four threads in a
  // tight loop can use up the default 8 attempts. More attempts here; the
  // chain must come out whole either way.
  directory::DatabaseOptions options;
  options.max_attempts = 64;
  auto opened = directory::OpenDatabase(url(), options);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  directory::Database& shared = **opened;
  Checkpointer checkpointer(shared, Access(),
                            {kHsm, kDefaultKeyLabel, CheckpointPolicy{10, 1000000}});
  constexpr int kThreads = 4;
  constexpr int kEach = 15;
  std::mutex mu;
  std::vector<std::string> failures;
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        AuditEvent event{"thread:" + std::to_string(t), "ca.issue", std::to_string(i), "", ""};
        Status s = shared.Transact(
            [&](SqlTransaction& tx) { return Append(tx, event, 1700000000 + i).status(); });
        auto c = checkpointer.MaybeCheckpoint(1700000000 + i);
        if (!s.ok() || !c.ok()) {
          std::lock_guard<std::mutex> lock(mu);
          failures.push_back(s.ok() ? "checkpoint: " + c.status().ToString()
                                    : "append: " + s.ToString());
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (const std::string& f : failures) ADD_FAILURE() << f;
  ASSERT_TRUE(checkpointer.CheckpointNow(1700000100).ok());
  VerifyReport report = VerifyHere();
  EXPECT_TRUE(report.intact()) << report.broken->what;
  EXPECT_EQ(report.last_seq, kThreads * kEach);
  EXPECT_EQ(report.last_checkpoint, kThreads * kEach);
  EXPECT_GE(report.checkpoints_checked, 2);
}

TEST_P(AuditLogTest, ListsRecordsAndCheckpointsAsJsonLines) {
  ASSERT_NO_FATAL_FAILURE(AppendRecords(3));
  ASSERT_NO_FATAL_FAILURE(CliCheckpoint());
  auto r = Tessera({"audit", "list", "--directory", url(), "--from", "2", "--limit", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  const auto row = Rows()[1];
  EXPECT_EQ(r.out, R"({"seq":2,"time":1700000002,"actor":"cli:test","action":"ca.issue",)"
                   R"("object":"ca/root/serial/2","request_id":"req-2",)"
                   R"("details":"{\"profile\":\"tls-server\"}","prev_hash":")" +
                       ToHex(row.prev_hash) + R"(","hash":")" + ToHex(row.hash) + "\"}\n");
  r = Tessera({"audit", "list", "--directory", url(), "--checkpoints"});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_EQ(r.out.rfind(R"({"checkpoint":3,)", 0), 0U) << r.out;
}

INSTANTIATE_TEST_SUITE_P(Backends, AuditLogTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgresql), BackendName);

}  // namespace
}  // namespace tessera::audit::testing
