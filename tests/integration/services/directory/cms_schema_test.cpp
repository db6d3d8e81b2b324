// Migration 3 on every backend, written to with raw SQL so that only the
// schema decides: its CHECK constraints and foreign keys refuse bad rows,
// its partial unique indexes allow one live binding per user and per token
// and one active officer per token, and a version 2 directory migrates with
// its rows kept and the new columns at their defaults.
#include <gtest/gtest.h>

#include <map>
#include <utility>

#include "services/directory/migrations.hpp"
#include "services/directory/stores/ca_store.hpp"
#include "tests/integration/services/directory/backend_fixture.hpp"
#include "tests/integration/services/directory/cms_records.hpp"

namespace tessera::directory::testing {
namespace {

using CmsSchemaTest = BackendTest;
using Row = std::vector<std::pair<std::string, SqlValue>>;

const SqlValue kNull{};

// "INSERT INTO table (columns of row) VALUES ($1, ...)" with row's values.
Status InsertRaw(Database& db, const std::string& table, const Row& row) {
  std::string columns;
  std::string values;
  std::vector<SqlValue> params;
  for (const auto& [column, value] : row) {
    columns += (params.empty() ? "" : ", ") + column;
    params.push_back(value);
    values += (params.size() == 1 ? "$" : ", $") + std::to_string(params.size());
  }
  const std::string sql = "INSERT INTO " + table + " (" + columns + ") VALUES (" + values + ")";
  return db.Transact([&](SqlTransaction& tx) { return tx.Execute(sql, params).status(); });
}

Row With(Row row, const std::string& column, SqlValue value) {
  for (auto& [name, old] : row) {
    if (name == column) old = std::move(value);
  }
  return row;
}

SqlValue Int(std::int64_t v) { return v; }
SqlValue Text(const std::string& v) { return v; }

// A valid row of each table, beside what SeedCms recorded.
std::vector<std::pair<std::string, Row>> ValidRows() {
  return {
      {"users",
       {{"id", Text("carol")},
        {"display_name", Text("Carol")},
        {"email", Text("c@x")},
        {"created_at", Int(1)},
        {"photo_hash", Bytes(32, 1)}}},
      {"certificates",
       {{"ca", Text("ca1")},
        {"serial", Bytes{1}},
        {"profile", Text("p")},
        {"subject", Text("CN=C")},
        {"not_before", Int(1)},
        {"not_after", Int(2)},
        {"der", Bytes{0x30}},
        {"issued_at", Int(1)},
        {"token_serial", Int(4'294'967'295)}}},
      {"cms_tokens",
       {{"serial", Int(2000)},
        {"token_key", Bytes{1}},
        {"attestation", Bytes{2}},
        {"attestation_ca", Bytes{3}},
        {"chuid", Bytes{4}},
        {"transport", Text("pcsc")},
        {"state", Text("inventory")},
        {"user_id", kNull},
        {"registrations", Int(1)},
        {"registered_at", Int(1)},
        {"updated_at", Int(1)},
        {"revoked_reason", kNull}}},
      {"officers",
       {{"id", Text("off.9@x-y_z")},
        {"name", Text("O")},
        {"role", Text("administrator")},
        {"token_serial", Int(9009)},
        {"ca", Text("ca1")},
        {"cert_serial", Bytes(20, 9)},
        {"certificate", Bytes{0x30}},
        {"state", Text("active")},
        {"created_at", Int(1)},
        {"updated_at", Int(1)}}},
      {"cms_nonces",
       {{"nonce", Bytes(16, 7)},
        {"officer_id", Text("off1")},
        {"issued_at", Int(1)},
        {"expires_at", Int(2)}}},
      {"cms_requests",
       {{"id", Text(Hex32(7))},
        {"user_id", Text("alice")},
        {"token_serial", Int(1001)},
        {"officer_id", Text("off1")},
        {"state", Text("v2-sent")},
        {"eform_v1", Bytes{'a'}},
        {"eform_v2", Bytes{'{', '}'}},
        {"ca", kNull},
        {"cert_serial", kNull},
        {"created_at", Int(1)},
        {"updated_at", Int(1)}}},
      {"bindings",
       {{"id", Text(Hex32(7))},
        {"user_id", Text("bob")},
        {"token_serial", Int(1003)},
        {"state", Text("pending")},
        {"ca", Text("ca1")},
        {"cert_serial", Bytes{1}},
        {"created_at", Int(1)},
        {"updated_at", Int(1)},
        {"revoked_at", kNull},
        {"revoked_reason", kNull}}},
  };
}

struct BadValue {
  std::string table;
  std::string column;
  SqlValue value;
};

std::vector<BadValue> BadValues() {
  const std::string upper = "ABCDEF" + Hex32(7).substr(6);
  return {
      {"users", "photo_hash", Bytes(31, 1)},
      {"certificates", "token_serial", Int(-1)},
      {"certificates", "token_serial", Int(4'294'967'296)},
      {"cms_tokens", "state", Text("lost")},
      {"cms_tokens", "state", Text("bound")},  // bound to nobody
      {"cms_tokens", "transport", Text("nfc")},
      {"cms_tokens", "serial", Int(-1)},
      {"cms_tokens", "serial", Int(4'294'967'296)},
      {"cms_tokens", "registrations", Int(0)},
      {"cms_tokens", "revoked_reason", Int(7)},
      {"cms_tokens", "user_id", Text("nobody")},
      {"officers", "role", Text("root")},
      {"officers", "state", Text("suspended")},
      {"officers", "id", Text("a b")},
      {"officers", "id", Text("")},
      {"officers", "id", Text(std::string(129, 'a'))},
      {"officers", "token_serial", Int(4'294'967'296)},
      {"officers", "cert_serial", Bytes(21, 1)},
      {"officers", "cert_serial", Bytes{}},
      {"cms_nonces", "nonce", Bytes(15, 7)},
      {"cms_nonces", "nonce", Bytes(65, 7)},
      {"cms_nonces", "officer_id", Text("nobody")},
      {"cms_nonces", "expires_at", Int(0)},
      {"cms_requests", "id", Text(upper)},
      {"cms_requests", "id", Text(Hex32(7).substr(1))},
      {"cms_requests", "state", Text("sent")},
      {"cms_requests", "user_id", Text("nobody")},
      {"cms_requests", "token_serial", Int(4242)},  // not in the inventory
      {"cms_requests", "officer_id", Text("nobody")},
      {"cms_requests", "ca", Text("ca1")},  // without its serial
      {"bindings", "state", Text("live")},
      {"bindings", "state", Text("revoked")},  // without revoked_at
      {"bindings", "id", Text("g" + Hex32(7).substr(1))},
      {"bindings", "user_id", Text("nobody")},
      {"bindings", "token_serial", Int(4'294'967'296)},
      {"bindings", "cert_serial", Bytes(21, 1)},
      {"bindings", "revoked_reason", Int(11)},
  };
}

void SeedWithCa(Database& db) {
  SeedCms(db);
  const Status s = db.Transact([](SqlTransaction& tx) {
    return InsertCa(tx, {"ca1", std::nullopt, "h", "k", "p256", Bytes{0x30}, "", Bytes{}, 1});
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
}

TEST_P(CmsSchemaTest, ChecksAndForeignKeysRefuseEveryBadValueAndTheValidRowsGoIn) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  SeedWithCa(*db);
  std::map<std::string, Row> valid;
  for (auto& [table, row] : ValidRows()) valid[table] = row;
  for (const BadValue& bad : BadValues()) {
    ASSERT_EQ(valid.count(bad.table), 1u) << bad.table;
    const Status s = InsertRaw(*db, bad.table, With(valid[bad.table], bad.column, bad.value));
    EXPECT_EQ(s.code(), Code::kConditionsNotSatisfied)
        << bad.table << "." << bad.column << ": " << s.ToString();
  }
  for (const auto& [table, row] : ValidRows()) {
    const Status s = InsertRaw(*db, table, row);
    EXPECT_TRUE(s.ok()) << table << ": " << s.ToString();
  }
}

TEST_P(CmsSchemaTest, PartialUniqueIndexesAllowOneLiveBindingPerUserAndPerToken) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  SeedWithCa(*db);
  const Row binding = ValidRows().back().second;  // bob on token 1003, pending
  ASSERT_TRUE(InsertRaw(*db, "bindings", binding).ok());
  Row same_user = With(With(binding, "id", Hex32(8)), "token_serial", Int(1002));
  Row same_token = With(With(binding, "id", Hex32(9)), "user_id", Text("alice"));
  for (const char* state : {"pending", "active"}) {
    EXPECT_EQ(InsertRaw(*db, "bindings", With(same_user, "state", Text(state))).code(),
              Code::kAlreadyExists)
        << state;
    EXPECT_EQ(InsertRaw(*db, "bindings", With(same_token, "state", Text(state))).code(),
              Code::kAlreadyExists)
        << state;
  }
  ExecOrFail(*db,
             "UPDATE bindings SET state = 'revoked', revoked_at = 5 WHERE id = '" + Hex32(7) + "'");
  EXPECT_TRUE(InsertRaw(*db, "bindings", With(same_user, "state", Text("active"))).ok());
  // Token 1003 is free now, and bob is bound again (to 1002).
  EXPECT_EQ(InsertRaw(*db, "bindings", With(same_token, "user_id", Text("bob"))).code(),
            Code::kAlreadyExists);
  EXPECT_TRUE(InsertRaw(*db, "bindings", same_token).ok());
  EXPECT_EQ(QueryIntOrFail(*db, "SELECT count(*) FROM bindings WHERE state <> 'revoked'"), 2);
}

TEST_P(CmsSchemaTest, APartialUniqueIndexAllowsOneActiveOfficerPerToken) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  SeedWithCa(*db);
  Row officer =
      With(With(ValidRows()[3].second, "token_serial", Int(9000)), "cert_serial", Bytes{0x42});
  EXPECT_EQ(InsertRaw(*db, "officers", officer).code(), Code::kAlreadyExists);  // off1 has it
  EXPECT_TRUE(InsertRaw(*db, "officers", With(officer, "state", Text("revoked"))).ok());
  // The certificate (ca, cert_serial) belongs to one officer.
  EXPECT_EQ(
      InsertRaw(*db, "officers", With(With(officer, "id", Text("other")), "token_serial", Int(1)))
          .code(),
      Code::kAlreadyExists);
  const Status s = db->Transact([](SqlTransaction& tx) -> Status {
    OfficerRecord second = Officer("off.9@x-y_z", 9000);
    second.cert_serial = {0x42};
    second.role = "administrator";
    return UpdateOfficer(tx, second);  // active beside off1
  });
  EXPECT_EQ(s.code(), Code::kAlreadyExists) << s.ToString();
}

TEST_P(CmsSchemaTest, AVersionTwoDirectoryMigratesWithItsRowsAndTheNewColumnsAtTheirDefaults) {
  MakeVersionTwo(GetParam(), url());
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(*db->SchemaVersion(), kSchemaVersion);
  const UserRecord alice{"alice", "Alice", "a@x", 5, "", "", std::nullopt};
  const CertificateRecord certificate{
      "ca1", Bytes{0x42}, "p", "CN=A", 1, 2, Bytes{0x30, 0x00}, std::string("alice"), 3, {}};
  ASSERT_TRUE(db->Read([&](SqlTransaction& tx) -> Status {
                  TESSERA_ASSIGN_OR_RETURN(auto users, ListUsers(tx));
                  EXPECT_EQ(users, std::vector<UserRecord>{alice});
                  TESSERA_ASSIGN_OR_RETURN(auto found, FindCertificate(tx, "ca1", Bytes{0x42}));
                  EXPECT_EQ(found, certificate);
                  return Status::Ok();
                }).ok());
  // The new columns and tables take rows.
  UserRecord updated = alice;
  updated.organization = "Org";
  updated.photo_hash = Bytes(32, 3);
  ASSERT_TRUE(db->Transact([&](SqlTransaction& tx) -> Status {
                  TESSERA_RETURN_IF_ERROR(UpdateUser(tx, updated));
                  TESSERA_RETURN_IF_ERROR(InsertCmsToken(tx, CmsToken(1001)));
                  TESSERA_RETURN_IF_ERROR(InsertOfficer(tx, Officer("off1", 9000)));
                  return InsertBinding(tx, Binding(1, "alice", 1001));
                }).ok());
  EXPECT_EQ(QueryIntOrFail(*db, "SELECT count(*) FROM bindings"), 1);
  // Opening again migrates nothing.
  db.reset();
  db = OpenDb();
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(*db->SchemaVersion(), kSchemaVersion);
  EXPECT_EQ(QueryIntOrFail(*db, "SELECT count(*) FROM users"), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, CmsSchemaTest, ::testing::ValuesIn(TestedBackends()),
                         BackendName);

}  // namespace
}  // namespace tessera::directory::testing
