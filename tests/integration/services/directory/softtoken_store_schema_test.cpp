// Migration 5 (the soft-token service) on every backend: a version 4
// directory with rows migrates with them kept and gains the st_* tables
// empty, in one transaction (a migration that fails leaves version 4 as it
// was); the schema's checks, keys and indexes refuse what
// softtoken_store.hpp promises they refuse, written with raw SQL so that
// only the schema decides; and a row the checks would refuse, written past
// them, reads back as kCorrupt naming the value.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>

#include "services/directory/migrations.hpp"
#include "services/directory/postgres/pg_connection.hpp"
#include "services/directory/sqlite/sqlite_connection.hpp"
#include "services/directory/stores/reg_store.hpp"
#include "services/directory/tables.hpp"
#include "tests/integration/services/directory/backend_fixture.hpp"
#include "tests/integration/services/directory/reg_records.hpp"
#include "tests/integration/services/directory/softtoken_store_records.hpp"

namespace tessera::directory::testing {
namespace {

using SoftTokenSchemaTest = BackendTest;

// A new directory at `url` made with migrations 1..4 only (and `extra` SQL
// in the same transaction), as the previous tessera left it.
void MakeVersionFour(Backend backend, const std::string& url, const std::string& extra = "") {
  const std::vector<Migration> migrations = Migrations(backend);
  std::string sql;
  for (std::int64_t v = 1; v <= 4; ++v) sql += migrations.at(v - 1).sql;
  sql += extra;
  if (backend == Backend::kSqlite) {
    const std::string file = url.substr(std::string("sqlite:").size());
    std::ofstream(file, std::ios::binary).flush();
    auto db = sqlite::SqliteConnection::Open(file, std::chrono::seconds(5));
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    const Status s = db->Exec("BEGIN; " + sql + "PRAGMA user_version = 4; COMMIT");
    ASSERT_TRUE(s.ok()) << s.ToString();
  } else {
    auto db = pg::PgConnection::Connect(url, "v4", std::chrono::seconds(5));
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    const Status s = db->Exec(
        "BEGIN; CREATE TABLE schema_version (version BIGINT NOT NULL); "
        "INSERT INTO schema_version VALUES (4); " +
        sql + "COMMIT");
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
}

std::unique_ptr<Database> OpenAsItIs(const std::string& url) {
  DatabaseOptions as_it_is;
  as_it_is.migrate = false;
  as_it_is.keep_old_schema = true;
  auto db = OpenDatabase(url, as_it_is);
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  return db.ok() ? std::move(db).value() : nullptr;
}

// What SeedSoftToken records but the issuer (the CA's, the CMS's and the
// users' rows, all in version 4 tables), and a registration server.
Status FillVersionFour(SqlTransaction& tx) {
  TESSERA_RETURN_IF_ERROR(InsertUser(tx, CmsUser("alice")));
  TESSERA_RETURN_IF_ERROR(InsertCa(
      tx, {"ca1", std::nullopt, "hsm1", "ca-key", "p256", Bytes{0x30}, "ocsp", Bytes{0x30}, 1}));
  TESSERA_RETURN_IF_ERROR(
      InsertCertificate(tx, StCertificate(Bytes{0x50, 0x01}, "softtoken", std::nullopt)));
  TESSERA_RETURN_IF_ERROR(InsertCmsToken(tx, CmsToken(1001)));
  TESSERA_RETURN_IF_ERROR(InsertCertificate(tx, StCertificate(IdCertSerial(1001), "alice", 1001)));
  TESSERA_RETURN_IF_ERROR(InsertBinding(tx, Binding(1, "alice", 1001, "active")));
  return InsertRegServer(tx, RegServer());
}

TEST_P(SoftTokenSchemaTest, AVersionFourDirectoryMigratesWithItsRowsAndEmptySoftTokenTables) {
  MakeVersionFour(GetParam(), url());
  {
    auto old = OpenAsItIs(url());
    ASSERT_NE(old, nullptr);
    ASSERT_EQ(*old->SchemaVersion(), 4);
    const Status s = old->Transact(FillVersionFour);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  ASSERT_EQ(kSchemaVersion, 5);
  EXPECT_EQ(*db->SchemaVersion(), 5);
  auto counts = CountRows(*db, 5);
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  int st_tables = 0;
  for (const TableCount& count : *counts) {
    if (count.table.rfind("st_", 0) == 0) {
      ++st_tables;
      EXPECT_EQ(count.rows, 0) << count.table;
    }
  }
  EXPECT_EQ(st_tables, 4);
  EXPECT_EQ(QueryIntOrFail(*db, "SELECT count(*) FROM certificates"), 2);
  EXPECT_EQ(QueryIntOrFail(*db, "SELECT count(*) FROM bindings WHERE state = 'active'"), 1);
  EXPECT_EQ(QueryIntOrFail(*db, "SELECT count(*) FROM reg_servers"), 1);

  // The new tables take rows, through the store, for the migrated rows; the
  // token's status reads the migrated binding and certificate.
  SoftTokenRecord token = StToken(0);
  token.request_id = StRequest(1).id;
  const Status s = db->Transact([&](SqlTransaction& tx) -> Status {
    TESSERA_RETURN_IF_ERROR(InsertStIssuer(tx, StIssuer()));
    TESSERA_RETURN_IF_ERROR(InsertStNonce(tx, StNonce(1, 200)));
    TESSERA_RETURN_IF_ERROR(InsertStRequest(tx, StRequest(1)));
    return InsertStToken(tx, token);
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_TRUE(db->Read([](SqlTransaction& tx) -> Status {
                  TESSERA_ASSIGN_OR_RETURN(auto statuses, StTokenStatuses(tx, "default"));
                  EXPECT_EQ(statuses, (std::vector<SoftTokenStatus>{{0, false}}));
                  return Status::Ok();
                }).ok());

  // Opening again migrates nothing.
  db.reset();
  db = OpenDb();
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(*db->SchemaVersion(), 5);
  EXPECT_EQ(QueryIntOrFail(*db, "SELECT count(*) FROM st_tokens"), 1);
}

TEST_P(SoftTokenSchemaTest, AMigrationThatFailsAtItsLastStatementLeavesVersionFourWhole) {
  // An object with the name of migration 5's last index makes it fail late.
  MakeVersionFour(GetParam(), url(), "CREATE INDEX st_tokens_x509_live ON users (email);");
  auto refused = OpenDatabase(url());
  ASSERT_FALSE(refused.ok());
  auto old = OpenAsItIs(url());
  ASSERT_NE(old, nullptr);
  EXPECT_EQ(*old->SchemaVersion(), 4);
  const Status none = old->Read(
      [](SqlTransaction& tx) { return tx.Query("SELECT count(*) FROM st_issuers").status(); });
  EXPECT_FALSE(none.ok()) << "st_issuers was left behind";
}

// The code of running `body` in one transaction.
Code In(Database& db, const std::function<Status(SqlTransaction&)>& body) {
  return db.Transact(body).code();
}

// One raw INSERT; its Status code.
Code Insert(Database& db, const std::string& sql, const std::vector<SqlValue>& params = {}) {
  return db.Transact([&](SqlTransaction& tx) { return tx.Execute(sql, params).status(); }).code();
}

constexpr const char* kRequestSql =
    "INSERT INTO st_requests (id, handle, otp_hash, tries_left, state, device_serial, "
    "device_slot, device_key, manufacturer, channel1, deliver, format, created_at, expires_at, "
    "updated_at, delivered_device) VALUES ($1, $2, $3, $4, $5, 7, '9e', $6, 'm', $7, $8, $9, 1, "
    "2, 1, $10)";

// The parameters of kRequestSql for a valid pending request n.
std::vector<SqlValue> RequestRow(std::uint32_t n) {
  return {Hex32(n),
          StHandle(n),
          Filled(32, n),
          std::int64_t{5},
          std::string("pending"),
          Filled(91, n),
          Filled(32, n),
          std::string("both"),
          std::string("sd-jwt-vc"),
          std::int64_t{0}};
}

std::vector<SqlValue> With(std::vector<SqlValue> row, std::size_t column, SqlValue value) {
  row.at(column) = std::move(value);
  return row;
}

TEST_P(SoftTokenSchemaTest, ChecksRefuseBadRequestsAndThePendingHandleIsUnique) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  const Code refused = Code::kConditionsNotSatisfied;
  const std::string pending = "pending";
  EXPECT_EQ(Insert(*db, kRequestSql, With(RequestRow(1), 4, std::string("waiting"))), refused);
  EXPECT_EQ(Insert(*db, kRequestSql, With(RequestRow(1), 1, std::string("0I1"))), refused);
  EXPECT_EQ(Insert(*db, kRequestSql, With(RequestRow(1), 1, std::string("abc"))), refused);
  EXPECT_EQ(Insert(*db, kRequestSql, With(RequestRow(1), 1, std::string("ABCD"))), refused);
  EXPECT_EQ(Insert(*db, kRequestSql, With(RequestRow(1), 0, std::string("ABC"))), refused);
  EXPECT_EQ(Insert(*db, kRequestSql, With(RequestRow(1), 2, Filled(31, 1))), refused);
  EXPECT_EQ(Insert(*db, kRequestSql, With(RequestRow(1), 3, std::int64_t{-1})), refused);
  EXPECT_EQ(Insert(*db, kRequestSql, With(RequestRow(1), 7, std::string("phone"))), refused);
  EXPECT_EQ(Insert(*db, kRequestSql, With(RequestRow(1), 8, std::string("jwt"))), refused);
  EXPECT_EQ(Insert(*db, kRequestSql, With(RequestRow(1), 9, std::int64_t{2})), refused);
  // Matched or issued without the match's columns; burned with tries left.
  EXPECT_EQ(Insert(*db, kRequestSql, With(RequestRow(1), 4, std::string("matched"))), refused);
  EXPECT_EQ(Insert(*db, kRequestSql, With(RequestRow(1), 4, std::string("issued"))), refused);
  EXPECT_EQ(Insert(*db, kRequestSql, With(RequestRow(1), 4, std::string("burned"))), refused);
  EXPECT_EQ(Insert(*db, kRequestSql,
                   With(With(RequestRow(1), 4, std::string("burned")), 3, std::int64_t{0})),
            Code::kOk);

  // The partial unique index: one pending request per handle; a burned
  // one's handle (request 1's) is free.
  EXPECT_EQ(Insert(*db, kRequestSql, With(RequestRow(2), 1, StHandle(1))), Code::kOk);
  EXPECT_EQ(Insert(*db, kRequestSql, With(RequestRow(3), 1, StHandle(1))), Code::kAlreadyExists);
  EXPECT_EQ(Insert(*db, kRequestSql, With(RequestRow(3), 1, StHandle(3))), Code::kOk);
  EXPECT_EQ(QueryIntOrFail(*db, "SELECT count(*) FROM st_requests"), 3);

  // Nonces: 8 bytes; an expiry not after the creation.
  const std::string nonce_sql =
      "INSERT INTO st_nonces (nonce, created_at, expires_at) VALUES ($1, $2, $3)";
  EXPECT_EQ(Insert(*db, nonce_sql, {Filled(8, 1), std::int64_t{1}, std::int64_t{2}}), refused);
  EXPECT_EQ(Insert(*db, nonce_sql, {Filled(32, 1), std::int64_t{2}, std::int64_t{2}}), refused);
  EXPECT_EQ(Insert(*db, nonce_sql, {Filled(32, 1), std::int64_t{1}, std::int64_t{2}}), Code::kOk);
}

constexpr const char* kTokenSql =
    "INSERT INTO st_tokens (id, request_id, issuer, format, status_list, status_index, user_id, "
    "card_serial, source_ca, source_serial, device_key_sha256, cert_ca, cert_serial, issued_at, "
    "expires_at) VALUES ($1, $2, 'default', $3, $4, $5, 'alice', 1001, 'ca1', $6, $7, $8, $9, "
    "200, 300)";

std::vector<SqlValue> TokenRow(std::uint32_t n, SqlValue request = {}) {
  return {Hex32(0x8000 + n),      std::move(request), std::string("sd-jwt-vc"),
          std::string("default"), std::int64_t{n},    IdCertSerial(1001),
          Filled(32, n),          SqlValue{},         SqlValue{}};
}

TEST_P(SoftTokenSchemaTest, ChecksRefuseBadTokensAndATokenOutlivesItsRequest) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  SeedSoftToken(*db);
  const Code refused = Code::kConditionsNotSatisfied;
  EXPECT_EQ(Insert(*db, kTokenSql, With(TokenRow(1), 4, std::int64_t{-1})), refused);
  EXPECT_EQ(Insert(*db, kTokenSql, With(TokenRow(1), 4, std::int64_t{4'294'967'296})), refused);
  EXPECT_EQ(Insert(*db, kTokenSql, With(TokenRow(1), 3, std::string("a list"))), refused);
  EXPECT_EQ(Insert(*db, kTokenSql, With(TokenRow(1), 6, Filled(31, 1))), refused);
  // A certificate only in the X.509 form, and with its CA.
  EXPECT_EQ(
      Insert(*db, kTokenSql, With(With(TokenRow(1), 7, std::string("ca1")), 8, Bytes{0x5c, 1})),
      refused);
  EXPECT_EQ(
      Insert(*db, kTokenSql, With(With(TokenRow(1), 2, std::string("x509")), 8, Bytes{0x5c, 1})),
      refused);
  // Foreign keys: the source certificate, the request.
  EXPECT_EQ(Insert(*db, kTokenSql, With(TokenRow(1), 5, Bytes{0x77})), refused);
  EXPECT_EQ(Insert(*db, kTokenSql, TokenRow(1, Hex32(0x7777))), refused);

  ASSERT_EQ(In(*db, [](SqlTransaction& tx) { return InsertStRequest(tx, StRequest(1)); }),
            Code::kOk);
  EXPECT_EQ(Insert(*db, kTokenSql, TokenRow(1, StRequest(1).id)), Code::kOk);
  EXPECT_EQ(Insert(*db, kTokenSql, With(TokenRow(2), 4, std::int64_t{1})), Code::kAlreadyExists);
  ExecOrFail(*db, "DELETE FROM st_requests");
  EXPECT_EQ(QueryIntOrFail(*db, "SELECT count(*) FROM st_tokens WHERE request_id IS NULL"), 1);
}

// Drops the check of `table`.`column` (PostgreSQL names it
// <table>_<column>_check; SQLite ignores checks on the connection).
void DropCheck(Database& db, Backend backend, const std::string& table, const std::string& column) {
  ExecOrFail(db, backend == Backend::kSqlite ? "PRAGMA ignore_check_constraints = ON"
                                             : "ALTER TABLE " + table + " DROP CONSTRAINT " +
                                                   table + "_" + column + "_check");
}

TEST_P(SoftTokenSchemaTest, ARowPastTheChecksReadsBackAsCorruptNamingTheValue) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  SeedSoftToken(*db);
  ASSERT_EQ(In(*db,
               [](SqlTransaction& tx) -> Status {
                 TESSERA_RETURN_IF_ERROR(InsertStRequest(tx, StRequest(1)));
                 return InsertStToken(tx, StToken(3));
               }),
            Code::kOk);
  // As a damaged or newer directory might hold them.
  DropCheck(*db, GetParam(), "st_tokens", "status_index");
  DropCheck(*db, GetParam(), "st_requests", "state");
  ExecOrFail(*db, "UPDATE st_tokens SET status_index = -1");
  ExecOrFail(*db, "UPDATE st_requests SET state = 'lost'");

  const Status token =
      db->Read([](SqlTransaction& tx) { return FindStToken(tx, StToken(3).id).status(); });
  EXPECT_EQ(token.code(), Code::kCorrupt) << token.ToString();
  EXPECT_NE(token.message().find("status index -1"), std::string::npos) << token.message();
  const Status statuses =
      db->Read([](SqlTransaction& tx) { return StTokenStatuses(tx, "default").status(); });
  EXPECT_EQ(statuses.code(), Code::kCorrupt) << statuses.ToString();
  const Status next =
      db->Read([](SqlTransaction& tx) { return NextStatusIndex(tx, "default").status(); });
  EXPECT_EQ(next.code(), Code::kCorrupt) << next.ToString();
  const Status request =
      db->Read([](SqlTransaction& tx) { return FindStRequest(tx, StRequest(1).id).status(); });
  EXPECT_EQ(request.code(), Code::kCorrupt) << request.ToString();
  EXPECT_NE(request.message().find("'lost'"), std::string::npos) << request.message();
}

INSTANTIATE_TEST_SUITE_P(Backends, SoftTokenSchemaTest, ::testing::ValuesIn(TestedBackends()),
                         BackendName);

}  // namespace
}  // namespace tessera::directory::testing
