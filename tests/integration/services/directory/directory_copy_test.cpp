// CopyDirectory from an SQLite file into PostgreSQL: every row of every
// table arrives as it was (compared value by value), token records
// included; a target with rows is refused and left as it was.
#include <gtest/gtest.h>

#include "services/directory/copy.hpp"
#include "services/directory/directory.hpp"
#include "services/directory/migrations.hpp"
#include "services/directory/stores/audit_store.hpp"
#include "services/directory/stores/ca_store.hpp"
#include "services/directory/stores/softtoken_store.hpp"
#include "services/directory/stores/user_store.hpp"
#include "tests/integration/services/directory/cms_records.hpp"
#include "tests/integration/services/directory/directory_fixture.hpp"
#include "tests/integration/services/directory/reg_records.hpp"
#include "tests/support/postgres_server.hpp"

namespace tessera::directory::testing {
namespace {

using tessera::testing::SharedPostgresServer;

// The CMS tables (schema version 3): two tokens, one bound to alice, with
// the request and the binding that bound it, an officer and two nonces.
Status FillCms(SqlTransaction& tx) {
  CmsTokenRecord bound = CmsToken(4'294'967'295u);
  bound.state = "bound";
  bound.user_id = "alice";
  TESSERA_RETURN_IF_ERROR(InsertCmsToken(tx, bound));
  CmsTokenRecord revoked = CmsToken(7);
  revoked.state = "revoked";
  revoked.revoked_at = 9;
  revoked.revoked_reason = 1;
  TESSERA_RETURN_IF_ERROR(InsertCmsToken(tx, revoked));
  TESSERA_RETURN_IF_ERROR(InsertOfficer(tx, Officer("off1", 9000)));
  NonceRecord used = Nonce(1, 500);
  used.used_at = 150;
  TESSERA_RETURN_IF_ERROR(InsertNonce(tx, used));
  TESSERA_RETURN_IF_ERROR(InsertNonce(tx, Nonce(2, 500)));
  CmsRequestRecord request = Request(1, "alice", bound.serial);
  request.state = "bound";
  request.eform_v2_signed = Bytes{'x'};
  request.ca = "a-issuing";
  request.cert_serial = Bytes{0xff, 1};
  TESSERA_RETURN_IF_ERROR(InsertCmsRequest(tx, request));
  return InsertBinding(tx, Binding(1, "alice", bound.serial));
}

// The registration tables (schema version 4): alice registered (a used
// code, an active registration, a superseded one), an app she is entitled
// to, an open session with requests and a closed decoy.
Status FillRegistration(SqlTransaction& tx) {
  TESSERA_RETURN_IF_ERROR(InsertRegServer(tx, RegServer()));
  TESSERA_RETURN_IF_ERROR(InsertRegCode(tx, RegCode(1, "alice")));
  TESSERA_RETURN_IF_ERROR(InsertRegistration(tx, Started(1)));
  TESSERA_RETURN_IF_ERROR(MarkRegistrationPending(tx, Hex32(1), Pending(1, "alice"), 150));
  TESSERA_RETURN_IF_ERROR(ConfirmRegistration(tx, Hex32(1), "UALICE234567ABCD", 160).status());
  TESSERA_RETURN_IF_ERROR(InsertRegistration(tx, Started(2)));
  TESSERA_RETURN_IF_ERROR(MarkRegistrationPending(tx, Hex32(2), Pending(2, "alice", "cms"), 170));
  TESSERA_RETURN_IF_ERROR(ConfirmRegistration(tx, Hex32(2), "UALICE234567ABCD", 180).status());
  TESSERA_RETURN_IF_ERROR(InsertRegApp(tx, RegApp("echo")));
  TESSERA_RETURN_IF_ERROR(
      GrantEntitlement(tx, {"alice", "echo", R"(["/", "/ä"])", "admin", 190}).status());
  TESSERA_RETURN_IF_ERROR(InsertRegSession(tx, Handshake(1, Hex32(2))));
  TESSERA_RETURN_IF_ERROR(OpenRegSession(tx, Hex32(0x5001), 29000, 210));
  TESSERA_RETURN_IF_ERROR(AdvanceRegSessionSeq(tx, Hex32(0x5001), 1, 220).status());
  TESSERA_RETURN_IF_ERROR(InsertRegSession(tx, Handshake(2, std::nullopt)));
  return CloseRegSession(tx, Hex32(0x5002), 230);
}

// The soft-token tables (schema version 5): an issuer, a used nonce, an
// issued request and its X.509 token for alice's certificate on token
// 4294967295, still holding its content.
Status FillSoftToken(SqlTransaction& tx) {
  TESSERA_RETURN_IF_ERROR(
      InsertStIssuer(tx, {"default", "h", Bytes{0x51}, "a-issuing", Bytes{0xff, 3}, 20}));
  TESSERA_RETURN_IF_ERROR(InsertStNonce(tx, {Bytes(32, 0x5a), 20, 140, 30}));
  SoftTokenRequestRecord request;
  request.id = Hex32(0x7001);
  request.handle = "Z9Z";
  request.otp_hash = Bytes(32, 1);
  request.tries_left = 4;
  request.state = "issued";
  request.device_serial = 12345678;
  request.device_slot = "9e";
  request.device_key = Bytes(91, 2);
  request.manufacturer = "CN=Manufacturer";
  request.channel1 = Bytes(32, 3);
  request.deliver = "device";
  request.format = "x509";
  request.created_at = 30;
  request.expires_at = 330;
  request.updated_at = 40;
  request.id_ca = "a-issuing";
  request.id_cert_serial = Bytes{0xff, 1};
  request.user_id = "alice";
  request.card_serial = 4'294'967'295u;
  request.attributes = R"({"name":"Alice Ä"})";
  request.comparison = "ABC123";
  request.confirm_hash = Bytes(32, 4);
  request.token_id = Hex32(0x8001);
  request.delivered_device = true;
  TESSERA_RETURN_IF_ERROR(InsertStRequest(tx, request));
  return InsertStToken(tx, {Hex32(0x8001), request.id, "default", "x509", "default", 0, "alice",
                            4'294'967'295u, "a-issuing", Bytes{0xff, 1}, Bytes(32, 5), "a-issuing",
                            Bytes{0xff, 3}, 40, 4000, std::nullopt, "-----BEGIN CERTIFICATE-----"});
}

// A directory with rows in every table, tokens in every lifecycle.
void Fill(const std::shared_ptr<Database>& db) {
  auto tokens = MakeDirectory(db, [] { return std::int64_t{1'700'000'000}; });
  for (std::uint32_t n = 1; n <= 4; ++n) {
    ASSERT_TRUE(tokens->RecordPersonalizing(Uid(n), 4'000'000'000u + n, Cryptogram(n), 2, 3).ok());
  }
  ASSERT_TRUE(tokens->MarkPersonalized(Uid(2), Cryptogram(2)).ok());
  ASSERT_TRUE(tokens->MarkPersonalized(Uid(3), Cryptogram(3)).ok());
  ASSERT_TRUE(tokens->BeginReplacement(Uid(3), 4).ok());  // a target in flight
  ASSERT_TRUE(tokens->MarkTerminated(Uid(4)).ok());
  ASSERT_TRUE(
      db->Transact([](SqlTransaction& tx) -> Status {
          TESSERA_RETURN_IF_ERROR(
              InsertUser(tx, {"alice", "Alice Ä", "a@x", 1, "Org", "P-1", Bytes(32, 0xfe)}));
          TESSERA_RETURN_IF_ERROR(InsertUser(tx, {"bob", "Bob", "b@x", 1, "", "", std::nullopt}));
          // The child sorts before its parent: the copy must order them.
          TESSERA_RETURN_IF_ERROR(InsertCa(
              tx, {"z-root", std::nullopt, "h", "k", "p384", Bytes{0x30, 0x00}, "", Bytes{}, 2}));
          TESSERA_RETURN_IF_ERROR(InsertCa(tx, {"a-issuing", "z-root", "h", "k2", "rsa3072",
                                                Bytes{0x30, 0x01}, "ocsp", Bytes{0x30, 0x02}, 3}));
          for (std::uint8_t s = 1; s <= 3; ++s) {
            TESSERA_RETURN_IF_ERROR(InsertCertificate(
                tx, {"a-issuing", Bytes{0xff, s}, "user-signature", "CN=Alice", -5, 9,
                     Bytes(300, s), s == 1 ? std::optional<std::string>("alice") : std::nullopt, s,
                     s == 1 ? std::optional<std::uint32_t>(4'294'967'295u) : std::nullopt}));
          }
          TESSERA_RETURN_IF_ERROR(InsertRevocation(tx, {"a-issuing", {0xff, 2}, 10, 4}));
          TESSERA_RETURN_IF_ERROR(InsertCrl(tx, {"a-issuing", 7, 1, 2, Bytes{0x30}}));
          for (std::int64_t seq = 1; seq <= 3; ++seq) {
            TESSERA_RETURN_IF_ERROR(
                AppendAudit(tx, {seq, seq, "op", "ca.issue", "x", "r", "{\"k\":1}", Bytes(32, 0),
                                 Bytes(32, static_cast<std::uint8_t>(seq))}));
          }
          TESSERA_RETURN_IF_ERROR(InsertCheckpoint(tx, {3, 4, Bytes(32, 3), "h", "ak", {1}, {2}}));
          TESSERA_RETURN_IF_ERROR(FillCms(tx));
          TESSERA_RETURN_IF_ERROR(FillRegistration(tx));
          return FillSoftToken(tx);
        }).ok());
}

std::vector<std::vector<SqlRow>> Dump(Database& db) {
  std::vector<std::vector<SqlRow>> tables;
  const Status s = db.Read([&](SqlTransaction& tx) -> Status {
    for (const TableInfo& table : Tables()) {
      TESSERA_ASSIGN_OR_RETURN(auto rows, tx.Query(SelectAll(table)));
      tables.push_back(std::move(rows));
    }
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return tables;
}

class DirectoryCopy : public DirectoryTest {
 protected:
  std::shared_ptr<Database> Source() {
    auto db = OpenDatabase("sqlite:" + db_path().string());
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    return db.ok() ? std::shared_ptr<Database>(std::move(db).value()) : nullptr;
  }
  std::unique_ptr<Database> Target() {
    auto db = OpenDatabase(SharedPostgresServer().NewDatabase());
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    return db.ok() ? std::move(db).value() : nullptr;
  }
};

TEST_F(DirectoryCopy, SqliteToPostgresqlLosesNothingTokenRecordsIncluded) {
  auto source = Source();
  ASSERT_NE(source, nullptr);
  Fill(source);
  auto target = Target();
  ASSERT_NE(target, nullptr);
  auto copied = CopyDirectory(*source, *target);
  ASSERT_TRUE(copied.ok()) << copied.status().ToString();
  ASSERT_EQ(copied->size(), Tables().size());
  EXPECT_EQ((*copied)[0], (TableCount{"tokens", 4}));
  const auto before = Dump(*source);
  const auto after = Dump(*target);
  ASSERT_EQ(before.size(), after.size());
  for (std::size_t t = 0; t < before.size(); ++t) {
    ASSERT_EQ(before[t].size(), after[t].size()) << Tables()[t].name;
    EXPECT_FALSE(before[t].empty()) << Tables()[t].name << " has no rows to compare";
    for (std::size_t r = 0; r < before[t].size(); ++r) {
      EXPECT_EQ(before[t][r].columns(), after[t][r].columns()) << Tables()[t].name << " row " << r;
    }
  }
  // The token records read back whole through the Directory too.
  auto on_postgres = MakeDirectory(std::shared_ptr<Database>(std::move(target)));
  auto on_sqlite = MakeDirectory(source);
  EXPECT_EQ(*on_postgres->List(), *on_sqlite->List());
}

TEST_F(DirectoryCopy, AVersionTwoSourceCopiesWithTheNewColumnsAtTheirDefaults) {
  const std::string url = "sqlite:" + db_path().string();
  MakeVersionTwo(Backend::kSqlite, url);
  DatabaseOptions as_it_is;
  as_it_is.migrate = false;
  as_it_is.keep_old_schema = true;
  auto source = OpenDatabase(url, as_it_is);
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  auto target = Target();
  ASSERT_NE(target, nullptr);
  auto copied = CopyDirectory(**source, *target);
  ASSERT_TRUE(copied.ok()) << copied.status().ToString();
  EXPECT_EQ(*(*source)->SchemaVersion(), 2);  // read, not migrated
  EXPECT_EQ(copied->size(), 8u);              // the tables of version 2
  ASSERT_TRUE(
      target
          ->Read([](SqlTransaction& tx) -> Status {
            TESSERA_ASSIGN_OR_RETURN(auto alice, FindUser(tx, "alice"));
            EXPECT_EQ(alice, (UserRecord{"alice", "Alice", "a@x", 5, "", "", std::nullopt}));
            TESSERA_ASSIGN_OR_RETURN(auto cert, FindCertificate(tx, "ca1", Bytes{0x42}));
            EXPECT_TRUE(cert.has_value());
            if (cert) {
              EXPECT_EQ(cert->token_serial, std::nullopt);
            }
            return Status::Ok();
          })
          .ok());
}

TEST_F(DirectoryCopy, ATargetWithRowsIsRefusedAndLeftAsItWas) {
  auto source = Source();
  ASSERT_NE(source, nullptr);
  Fill(source);
  auto target = Target();
  ASSERT_NE(target, nullptr);
  ExecOrFail(*target,
             "INSERT INTO users (id, display_name, email, created_at) "
             "VALUES ('bob', 'Bob', 'b@x', 1)");
  auto copied = CopyDirectory(*source, *target);
  ASSERT_FALSE(copied.ok());
  EXPECT_EQ(copied.status().code(), Code::kConditionsNotSatisfied);
  EXPECT_NE(copied.status().message().find("users"), std::string::npos)
      << copied.status().message();
  EXPECT_EQ(QueryIntOrFail(*target, "SELECT count(*) FROM users"), 1);
  EXPECT_EQ(QueryIntOrFail(*target, "SELECT count(*) FROM tokens"), 0);
}

}  // namespace
}  // namespace tessera::directory::testing
