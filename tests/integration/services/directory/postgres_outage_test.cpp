// PostgreSQL going away under a Database: a stopped server makes calls fail
// with kUnavailable, a connection cut mid-transaction commits nothing, and
// once the server is back the next call reconnects and succeeds.
#include <gtest/gtest.h>

#include "services/directory/database.hpp"
#include "tests/integration/services/directory/backend_fixture.hpp"
#include "tests/support/postgres_server.hpp"

namespace tessera::directory::testing {
namespace {

using tessera::testing::PostgresServer;
using tessera::testing::SharedPostgresServer;

class PostgresOutage : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = OpenDatabase(server_.NewDatabase());
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
  }
  void TearDown() override {
    if (!server_running_) {
      ASSERT_TRUE(server_.Start());
    }
  }

  Status AddUser(const std::string& id) {
    return db_->Transact([&](SqlTransaction& tx) {
      return tx.Execute("INSERT INTO users VALUES ($1, 'n', 'e', 0)", {id}).status();
    });
  }
  void StopServer() {
    ASSERT_TRUE(server_.Stop());
    server_running_ = false;
  }
  void StartServer() {
    ASSERT_TRUE(server_.Start());
    server_running_ = true;
  }

  PostgresServer& server_ = SharedPostgresServer();
  bool server_running_ = true;
  std::unique_ptr<Database> db_;
};

TEST_F(PostgresOutage, AStoppedServerIsUnavailableAndTheNextCallAfterAStartSucceeds) {
  ASSERT_TRUE(AddUser("a").ok());
  StopServer();
  EXPECT_EQ(AddUser("b").code(), Code::kUnavailable);
  EXPECT_EQ(db_->Ping().code(), Code::kUnavailable);
  EXPECT_EQ(AddUser("c").code(), Code::kUnavailable);  // no connection to reuse either
  StartServer();
  const Status s = AddUser("d");
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(QueryIntOrFail(*db_, "SELECT count(*) FROM users"), 2);
}

TEST_F(PostgresOutage, ARestartBetweenCallsFailsOneCallAndTheNextReconnects) {
  ASSERT_TRUE(AddUser("a").ok());  // an idle connection stays in the pool
  ASSERT_TRUE(server_.Restart());
  EXPECT_EQ(AddUser("b").code(), Code::kUnavailable);
  const Status s = AddUser("c");
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(QueryIntOrFail(*db_, "SELECT count(*) FROM users"), 2);
}

TEST_F(PostgresOutage, AServerStoppedMidTransactionCommitsNothing) {
  const Status s = db_->Transact([&](SqlTransaction& tx) -> Status {
    TESSERA_RETURN_IF_ERROR(tx.Execute("INSERT INTO users VALUES ('early', 'n', 'e', 0)").status());
    StopServer();
    return tx.Execute("INSERT INTO users VALUES ('late', 'n', 'e', 0)").status();
  });
  EXPECT_EQ(s.code(), Code::kUnavailable) << s.ToString();
  StartServer();
  EXPECT_EQ(QueryIntOrFail(*db_, "SELECT count(*) FROM users"), 0);
}

}  // namespace
}  // namespace tessera::directory::testing
