// Migration 4 (the registration gateway) on every backend: a version 3
// directory migrates with its rows and gains the reg_* tables empty, and the
// schema's checks refuse what reg_store.hpp promises they refuse, written
// with raw SQL so that only the schema decides.
#include <gtest/gtest.h>

#include "services/directory/migrations.hpp"
#include "services/directory/stores/reg_store.hpp"
#include "services/directory/stores/user_store.hpp"
#include "services/directory/tables.hpp"
#include "tests/integration/services/directory/backend_fixture.hpp"
#include "tests/integration/services/directory/reg_records.hpp"

namespace tessera::directory::testing {
namespace {

using RegSchemaTest = BackendTest;

TEST_P(RegSchemaTest, AVersionThreeDirectoryMigratesWithItsRowsAndEmptyRegistrationTables) {
  MakeVersionThree(GetParam(), url());
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(*db->SchemaVersion(), kSchemaVersion);
  EXPECT_EQ(QueryIntOrFail(*db, "SELECT count(*) FROM users WHERE id = 'alice'"), 1);
  EXPECT_EQ(QueryIntOrFail(*db, "SELECT count(*) FROM certificates"), 1);
  auto counts = CountRows(*db, 4);
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  int reg_tables = 0;
  for (const TableCount& count : *counts) {
    if (count.table.rfind("reg_", 0) != 0) continue;
    ++reg_tables;
    EXPECT_EQ(count.rows, 0) << count.table;
  }
  EXPECT_EQ(reg_tables, 7);

  // The new tables take rows, through the store, for the migrated user.
  ASSERT_TRUE(db->Transact([&](SqlTransaction& tx) -> Status {
                  TESSERA_RETURN_IF_ERROR(InsertRegServer(tx, RegServer()));
                  TESSERA_RETURN_IF_ERROR(InsertRegCode(tx, RegCode(1, "alice")));
                  TESSERA_RETURN_IF_ERROR(InsertRegistration(tx, Started(1)));
                  TESSERA_RETURN_IF_ERROR(
                      MarkRegistrationPending(tx, Hex32(1), Pending(1, "alice"), 150));
                  return ConfirmRegistration(tx, Hex32(1), "UALICE234567ABCD", 160).status();
                }).ok());
  EXPECT_EQ(QueryIntOrFail(*db, "SELECT count(*) FROM reg_users WHERE user_id = 'alice'"), 1);

  // Opening again migrates nothing.
  db.reset();
  db = OpenDb();
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(*db->SchemaVersion(), kSchemaVersion);
  EXPECT_EQ(QueryIntOrFail(*db, "SELECT count(*) FROM reg_registrations"), 1);
}

// One raw INSERT; its Status code.
Code Insert(Database& db, const std::string& sql, const std::vector<SqlValue>& params = {}) {
  return db.Transact([&](SqlTransaction& tx) { return tx.Execute(sql, params).status(); }).code();
}

TEST_P(RegSchemaTest, ChecksRefuseBadValuesAndTheUniqueIndexesHold) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->Transact([](SqlTransaction& tx) -> Status {
                  TESSERA_RETURN_IF_ERROR(InsertUser(tx, CmsUser("alice")));
                  return InsertRegServer(tx, RegServer());
                }).ok());
  const Code refused = Code::kConditionsNotSatisfied;
  // reg_codes: a hash of 31 bytes, an expiry not after the issue.
  const std::string code_sql =
      "INSERT INTO reg_codes (code_hash, user_id, issued_by, issued_at, expires_at) "
      "VALUES ($1, 'alice', 'x', $2, $3)";
  EXPECT_EQ(Insert(*db, code_sql, {Bytes(31, 1), std::int64_t{1}, std::int64_t{2}}), refused);
  EXPECT_EQ(Insert(*db, code_sql, {Bytes(32, 1), std::int64_t{2}, std::int64_t{2}}), refused);
  EXPECT_EQ(Insert(*db, code_sql, {Bytes(32, 1), std::int64_t{1}, std::int64_t{2}}), Code::kOk);
  // reg_apps: a URL that is not http(s), a name with a space.
  const std::string app_sql =
      "INSERT INTO reg_apps (name, base_url, created_at, updated_at) VALUES ($1, $2, 1, 1)";
  EXPECT_EQ(Insert(*db, app_sql, {std::string("echo"), std::string("ftp://h/")}), refused);
  EXPECT_EQ(Insert(*db, app_sql, {std::string("e cho"), std::string("http://h/")}), refused);
  EXPECT_EQ(Insert(*db, app_sql, {std::string("echo"), std::string("https://h/")}), Code::kOk);
  // reg_registrations: an upper-case id; pending without k_wrapped; an
  // unknown state.
  const std::string reg_sql =
      "INSERT INTO reg_registrations (id, server, server_hello, server_nonce, state, k_wrapped, "
      "created_at, expires_at, updated_at) VALUES ($1, 'default', $2, $3, $4, $5, 1, 2, 1)";
  const SqlValue no_k;
  EXPECT_EQ(Insert(*db, reg_sql,
                   {std::string("ABCDEF") + Hex32(1).substr(6), Bytes{1}, Bytes(32, 1),
                    std::string("started"), no_k}),
            refused);
  EXPECT_EQ(Insert(*db, reg_sql, {Hex32(1), Bytes{1}, Bytes(32, 1), std::string("pending"), no_k}),
            refused);
  EXPECT_EQ(
      Insert(*db, reg_sql, {Hex32(1), Bytes{1}, Bytes(32, 1), std::string("waiting"), Bytes{1}}),
      refused);
  // Two active registrations of one user: the partial unique index.
  EXPECT_EQ(Insert(*db,
                   "INSERT INTO reg_registrations (id, server, server_hello, server_nonce, state, "
                   "user_id, k_wrapped, created_at, expires_at, updated_at) VALUES ($1, "
                   "'default', $2, $3, 'active', 'alice', $2, 1, 2, 1)",
                   {Hex32(2), Bytes{1}, Bytes(32, 2)}),
            Code::kOk);
  EXPECT_EQ(Insert(*db,
                   "INSERT INTO reg_registrations (id, server, server_hello, server_nonce, state, "
                   "user_id, k_wrapped, created_at, expires_at, updated_at) VALUES ($1, "
                   "'default', $2, $3, 'active', 'alice', $2, 1, 2, 1)",
                   {Hex32(3), Bytes{1}, Bytes(32, 3)}),
            Code::kAlreadyExists);
  // reg_users: a UIDC of 7 characters.
  EXPECT_EQ(Insert(*db,
                   "INSERT INTO reg_users (user_id, user_id_code, created_at, updated_at) "
                   "VALUES ('alice', 'UABCDEF', 1, 1)"),
            refused);
  // reg_sessions: a MAC hash of 31 bytes; closed without closed_at.
  const std::string session_sql =
      "INSERT INTO reg_sessions (id, state, mac_hash, keys_wrapped, created_at, expires_at, "
      "last_used_at) VALUES ($1, $2, $3, $4, 1, 2, 1)";
  EXPECT_EQ(Insert(*db, session_sql, {Hex32(9), std::string("open"), Bytes(31, 1), Bytes{1}}),
            refused);
  EXPECT_EQ(Insert(*db, session_sql, {Hex32(9), std::string("closed"), Bytes(32, 1), Bytes{1}}),
            refused);
  EXPECT_EQ(Insert(*db, session_sql, {Hex32(9), std::string("handshake"), Bytes(32, 1), Bytes{1}}),
            Code::kOk);
  EXPECT_EQ(QueryIntOrFail(*db, "SELECT c2s_seq FROM reg_sessions"), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, RegSchemaTest, ::testing::ValuesIn(TestedBackends()),
                         BackendName);

}  // namespace
}  // namespace tessera::directory::testing
