#include "tests/integration/services/directory/backend_fixture.hpp"

#include <chrono>
#include <fstream>

#include "services/directory/migrations.hpp"
#include "services/directory/postgres/pg_connection.hpp"
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

namespace {

// A new directory at `url` made with migrations 1..`version` only, as an
// older tessera left it.
void MakeOldVersion(Backend backend, const std::string& url, std::int64_t version) {
  const std::vector<Migration> migrations = Migrations(backend);
  std::string sql;
  for (std::int64_t v = 1; v <= version; ++v) sql += migrations.at(v - 1).sql;
  const std::string number = std::to_string(version);
  if (backend == Backend::kSqlite) {
    const std::string file = url.substr(std::string("sqlite:").size());
    std::ofstream(file, std::ios::binary).flush();
    auto db = sqlite::SqliteConnection::Open(file, std::chrono::seconds(5));
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    ASSERT_TRUE(db->Exec("BEGIN; " + sql + "PRAGMA user_version = " + number + "; COMMIT").ok());
  } else {
    auto db = pg::PgConnection::Connect(url, "v" + number, std::chrono::seconds(5));
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    const Status s = db->Exec(
        "BEGIN; CREATE TABLE schema_version (version BIGINT NOT NULL); "
        "INSERT INTO schema_version VALUES (" +
        number + "); " + sql + "COMMIT");
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
}

// Alice, CA ca1 and its certificate 0x42 issued to alice, into a directory
// of schema `version` opened as it is.
void AddAliceAndCa(const std::string& url, std::int64_t version) {
  DatabaseOptions as_it_is;
  as_it_is.migrate = false;
  as_it_is.keep_old_schema = true;
  auto db = OpenDatabase(url, as_it_is);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  ASSERT_EQ(*(*db)->SchemaVersion(), version);
  const Status s = (*db)->Transact([](SqlTransaction& tx) -> Status {
    TESSERA_RETURN_IF_ERROR(tx.Execute("INSERT INTO users (id, display_name, email, created_at) "
                                       "VALUES ('alice', 'Alice', 'a@x', 5)")
                                .status());
    TESSERA_RETURN_IF_ERROR(
        tx.Execute("INSERT INTO cas (name, parent, hsm, key_label, key_type, certificate, "
                   "ocsp_key_label, ocsp_certificate, created_at) "
                   "VALUES ('ca1', NULL, 'h', 'k', 'p256', $1, '', $2, 1)",
                   {Bytes{0x30}, Bytes{}})
            .status());
    return tx
        .Execute(
            "INSERT INTO certificates (ca, serial, profile, subject, not_before, not_after, "
            "der, user_id, issued_at) VALUES ('ca1', $1, 'p', 'CN=A', 1, 2, $2, 'alice', 3)",
            {Bytes{0x42}, Bytes{0x30, 0x00}})
        .status();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
}

}  // namespace

void MakeVersionTwo(Backend backend, const std::string& url) {
  MakeOldVersion(backend, url, 2);
  AddAliceAndCa(url, 2);
}

void MakeVersionThree(Backend backend, const std::string& url) {
  MakeOldVersion(backend, url, 3);
  AddAliceAndCa(url, 3);
}

}  // namespace tessera::directory::testing
