#include "tests/integration/services/directory/backend_fixture.hpp"

#include <chrono>
#include <fstream>

#include "services/directory/migrations.hpp"
#include "services/directory/sqlite/sqlite_connection.hpp"
#include "tests/integration/services/directory/directory_fixture.hpp"
#include "tests/support/postgres_server.hpp"

namespace tessera::directory::testing {

std::vector<Backend> TestedBackends() { return {Backend::kSqlite, Backend::kPostgresql}; }

std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kSqlite ? "Sqlite" : "Postgresql";
}

std::string BackendTest::NewUrl() {
  if (GetParam() == Backend::kSqlite) {
    return "sqlite:" + (dir_ / ("directory-" + std::to_string(files_++) + ".db")).string();
  }
  return tessera::testing::SharedPostgresServer().NewDatabase();
}

const std::string& BackendTest::url() {
  if (url_.empty()) url_ = NewUrl();
  return url_;
}

std::unique_ptr<Database> BackendTest::OpenDb(const DatabaseOptions& options) {
  auto db = OpenDatabase(url(), options);
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  return db.ok() ? std::move(db).value() : nullptr;
}

void ExecOrFail(Database& db, const std::string& sql) {
  const Status s = db.Transact([&](SqlTransaction& tx) { return tx.Execute(sql).status(); });
  EXPECT_TRUE(s.ok()) << sql << ": " << s.ToString();
}

std::int64_t QueryIntOrFail(Database& db, const std::string& sql) {
  std::int64_t value = -1;
  const Status s = db.Read([&](SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(auto rows, tx.Query(sql));
    if (rows.size() != 1) return Status::Internal(sql + ": not one row");
    TESSERA_ASSIGN_OR_RETURN(value, rows[0].Int(0));
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << sql << ": " << s.ToString();
  return value;
}

void MakeVersionOneFile(const std::filesystem::path& file, std::uint32_t n) {
  std::ofstream(file, std::ios::binary).flush();
  auto db = sqlite::SqliteConnection::Open(file, std::chrono::seconds(5));
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  const std::string v1 = Migrations(Backend::kSqlite).front().sql;
  ASSERT_TRUE(db->Exec("PRAGMA journal_mode = WAL").ok());
  ASSERT_TRUE(db->Exec("BEGIN; " + v1 + "PRAGMA user_version = 1; COMMIT").ok());
  for (std::uint32_t i = 1; i <= n; ++i) {
    auto insert =
        db->Prepare("INSERT INTO tokens VALUES (?1, ?2, ?3, 1, 1, NULL, 'personalized', 7, 8)");
    ASSERT_TRUE(insert.ok());
    insert->Bind(1, ByteView(Uid(i)))
        .Bind(2, std::int64_t{1000 + i})
        .Bind(3, ByteView(Cryptogram(i)));
    ASSERT_TRUE(insert->Run().ok());
  }
}

}  // namespace tessera::directory::testing
