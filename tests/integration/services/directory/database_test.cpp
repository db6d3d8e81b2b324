// Database on every backend: transactions commit or roll back whole, lost
// races are retried, constraints map to the promised codes, Read cannot
// write, and the schema is at the newest version.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "services/directory/migrations.hpp"
#include "tests/integration/services/directory/backend_fixture.hpp"

namespace tessera::directory::testing {
namespace {

using DatabaseTest = BackendTest;

constexpr const char* kInsertUser =
    "INSERT INTO users (id, display_name, email, created_at) VALUES ($1, $2, $3, $4)";

std::vector<SqlValue> User(const std::string& id) {
  return {id, std::string("Name"), std::string("x@example.org"), std::int64_t{1}};
}

TEST_P(DatabaseTest, ANewDatabaseIsAtTheNewestSchemaAndReachable) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(db->backend(), GetParam());
  auto version = db->SchemaVersion();
  ASSERT_TRUE(version.ok()) << version.status().ToString();
  EXPECT_EQ(*version, kSchemaVersion);
  EXPECT_TRUE(db->Ping().ok());
  // Opening again migrates nothing and loses nothing.
  ExecOrFail(*db,
             "INSERT INTO users (id, display_name, email, created_at) VALUES ('u', 'U', 'u@x', 5)");
  db.reset();
  db = OpenDb();
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(QueryIntOrFail(*db, "SELECT created_at FROM users WHERE id = 'u'"), 5);
}

TEST_P(DatabaseTest, ABodyThatFailsRollsBackEverythingItWrote) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  const Status s = db->Transact([&](SqlTransaction& tx) -> Status {
    TESSERA_RETURN_IF_ERROR(tx.Execute(kInsertUser, User("a")).status());
    TESSERA_RETURN_IF_ERROR(tx.Execute(kInsertUser, User("b")).status());
    return Status::NotFound("the body changed its mind");
  });
  EXPECT_EQ(s.code(), Code::kNotFound);
  EXPECT_EQ(QueryIntOrFail(*db, "SELECT count(*) FROM users"), 0);
}

TEST_P(DatabaseTest, ValuesOfEveryTypeRoundTripIncludingNullAndEmptyBytes) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  const Bytes der{0x00, 0xff, 0x30, 0x00};
  ASSERT_TRUE(db->Transact([&](SqlTransaction& tx) {
                  return tx
                      .Execute(
                          "INSERT INTO cas (name, parent, hsm, key_label, key_type, certificate, "
                          "ocsp_key_label, ocsp_certificate, created_at) VALUES ($1, $2, $3, $4, "
                          "$5, $6, $7, $8, $9)",
                          {std::string("root"), SqlValue{}, std::string("h"), std::string("k"),
                           std::string("p384"), der, std::string(""), Bytes{},
                           std::int64_t{-9'000'000'000}})
                      .status();
                }).ok());
  ASSERT_TRUE(db->Read([&](SqlTransaction& tx) -> Status {
                  TESSERA_ASSIGN_OR_RETURN(
                      auto rows, tx.Query("SELECT parent, certificate, ocsp_key_label, "
                                          "ocsp_certificate, created_at FROM cas WHERE name = $1",
                                          {std::string("root")}));
                  EXPECT_EQ(rows.size(), 1u);
                  if (rows.size() != 1) return Status::Ok();
                  EXPECT_TRUE(rows[0].IsNull(0));
                  EXPECT_EQ(*rows[0].Blob(1), der);
                  EXPECT_EQ(*rows[0].Text(2), "");
                  EXPECT_EQ(*rows[0].Blob(3), Bytes{});
                  EXPECT_EQ(*rows[0].Int(4), -9'000'000'000);
                  EXPECT_EQ(rows[0].Int(1).status().code(), Code::kInternal);  // wrong type
                  return Status::Ok();
                }).ok());
}

TEST_P(DatabaseTest, AUniqueConstraintIsAlreadyExists) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->Transact([&](SqlTransaction& tx) {
                  return tx.Execute(kInsertUser, User("a")).status();
                }).ok());
  const Status s =
      db->Transact([&](SqlTransaction& tx) { return tx.Execute(kInsertUser, User("a")).status(); });
  EXPECT_EQ(s.code(), Code::kAlreadyExists) << s.ToString();
  EXPECT_EQ(QueryIntOrFail(*db, "SELECT count(*) FROM users"), 1);
}

TEST_P(DatabaseTest, AnAbortedBodyRunsAgainUntilItSucceedsOrAttemptsRunOut) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  int runs = 0;
  Status s = db->Transact([&](SqlTransaction& tx) -> Status {
    ++runs;
    TESSERA_RETURN_IF_ERROR(tx.Execute(kInsertUser, User("u" + std::to_string(runs))).status());
    if (runs < 3) return Status::Aborted("lost a race");
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(runs, 3);
  // Only the attempt that committed left its row.
  EXPECT_EQ(QueryIntOrFail(*db, "SELECT count(*) FROM users"), 1);
  EXPECT_EQ(QueryIntOrFail(*db, "SELECT count(*) FROM users WHERE id = 'u3'"), 1);

  DatabaseOptions options;
  options.max_attempts = 2;
  auto limited = OpenDb(options);
  ASSERT_NE(limited, nullptr);
  runs = 0;
  s = limited->Transact([&](SqlTransaction&) {
    ++runs;
    return Status::Aborted("always loses");
  });
  EXPECT_EQ(s.code(), Code::kAborted);
  EXPECT_EQ(runs, 2);
}

TEST_P(DatabaseTest, ReadCannotWrite) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  const Status s =
      db->Read([&](SqlTransaction& tx) { return tx.Execute(kInsertUser, User("a")).status(); });
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(QueryIntOrFail(*db, "SELECT count(*) FROM users"), 0);
}

TEST_P(DatabaseTest, SqlErrorsAreInternalAndLeaveTheDatabaseUsable) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  const Status s = db->Transact(
      [&](SqlTransaction& tx) { return tx.Query("SELECT nope FROM nowhere").status(); });
  EXPECT_EQ(s.code(), Code::kInternal) << s.ToString();
  EXPECT_EQ(QueryIntOrFail(*db, "SELECT count(*) FROM users"), 0);
}

TEST_P(DatabaseTest, ThreadsSharingOneDatabaseAllCommit) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        const Status s = db->Transact([&](SqlTransaction& tx) {
          return tx.Execute(kInsertUser, User("t" + std::to_string(t) + "-" + std::to_string(i)))
              .status();
        });
        if (!s.ok()) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(QueryIntOrFail(*db, "SELECT count(*) FROM users"), 40);
}

INSTANTIATE_TEST_SUITE_P(Backends, DatabaseTest, ::testing::ValuesIn(TestedBackends()),
                         BackendName);

TEST(OpenDatabase, AnUnknownSchemeIsInvalidArgumentNamingIt) {
  auto db = OpenDatabase("mysql://localhost/x");
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), Code::kInvalidArgument);
  EXPECT_NE(db.status().message().find("'mysql'"), std::string::npos) << db.status().message();
}

}  // namespace
}  // namespace tessera::directory::testing
