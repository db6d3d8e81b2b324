// The stores per aggregate (users, CAs and their certificates, revocations
// and CRLs, the audit log) on every backend: round trips, orders and the
// refusals each header promises.
#include <gtest/gtest.h>

#include "services/directory/stores/audit_store.hpp"
#include "services/directory/stores/ca_store.hpp"
#include "services/directory/stores/user_store.hpp"
#include "tests/integration/services/directory/backend_fixture.hpp"

namespace tessera::directory::testing {
namespace {

using StoreTest = BackendTest;

CaRecord Ca(const std::string& name, std::optional<std::string> parent = std::nullopt) {
  return CaRecord{name, std::move(parent), "hsm1", name + "-key", "p256", Bytes{0x30, 0x01},
                  "",   Bytes{},           1000};
}

CertificateRecord Certificate(const std::string& ca, Bytes serial, std::int64_t issued_at) {
  return CertificateRecord{
      ca, std::move(serial),       "tls-server",         "CN=a",    10,
      20, Bytes{0x30, 0x02, 0x00}, std::string("alice"), issued_at, std::nullopt};
}

AuditRow Audit(std::int64_t seq) {
  return AuditRow{seq,
                  100 + seq,
                  "alice",
                  "ca.issue",
                  "ca/x/1",
                  "req-" + std::to_string(seq),
                  "{}",
                  Bytes(32, static_cast<std::uint8_t>(seq - 1)),
                  Bytes(32, static_cast<std::uint8_t>(seq))};
}

// Runs `body` in one transaction and returns its status.
Status In(Database& db, const std::function<Status(SqlTransaction&)>& body) {
  return db.Transact(body);
}

TEST_P(StoreTest, UsersRoundTripInIdOrderAndATakenIdIsAlreadyExists) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  const UserRecord bob{"bob", "Bob B", "bob@example.org", 2, "", "", std::nullopt};
  const UserRecord alice{"alice@corp", "Alice Ä",   "alice@example.org", 1,
                         "Corp Ä",     "P-1234567", Bytes(32, 0xa5)};
  ASSERT_TRUE(In(*db, [&](SqlTransaction& tx) { return InsertUser(tx, bob); }).ok());
  ASSERT_TRUE(In(*db, [&](SqlTransaction& tx) { return InsertUser(tx, alice); }).ok());
  EXPECT_EQ(In(*db, [&](SqlTransaction& tx) { return InsertUser(tx, bob); }).code(),
            Code::kAlreadyExists);
  EXPECT_EQ(In(*db,
               [&](SqlTransaction& tx) {
                 return InsertUser(tx, UserRecord{"no spaces", "", "", 0, "", "", std::nullopt});
               })
                .code(),
            Code::kInvalidArgument);
  ASSERT_TRUE(db->Read([&](SqlTransaction& tx) -> Status {
                  TESSERA_ASSIGN_OR_RETURN(auto users, ListUsers(tx));
                  EXPECT_EQ(users, (std::vector<UserRecord>{alice, bob}));
                  TESSERA_ASSIGN_OR_RETURN(auto found, FindUser(tx, "bob"));
                  EXPECT_EQ(found, bob);
                  TESSERA_ASSIGN_OR_RETURN(auto missing, FindUser(tx, "carol"));
                  EXPECT_EQ(missing, std::nullopt);
                  return Status::Ok();
                }).ok());
}

TEST_P(StoreTest, UpdateUserOverwritesTheRowAndRefusesAnUnknownIdOrABadPhotoHash) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(In(*db, [&](SqlTransaction& tx) {
                return InsertUser(tx, UserRecord{"bob", "Bob", "b@x", 2, "", "", std::nullopt});
              }).ok());
  const UserRecord changed{"bob", "Bob B", "bob@x", 3, "Org", "ID-42", Bytes(32, 7)};
  ASSERT_TRUE(In(*db, [&](SqlTransaction& tx) { return UpdateUser(tx, changed); }).ok());
  EXPECT_EQ(In(*db,
               [&](SqlTransaction& tx) {
                 return UpdateUser(tx, UserRecord{"carol", "C", "c@x", 1, "", "", std::nullopt});
               })
                .code(),
            Code::kNotFound);
  UserRecord short_hash = changed;
  short_hash.photo_hash = Bytes(31, 7);
  EXPECT_EQ(In(*db, [&](SqlTransaction& tx) { return UpdateUser(tx, short_hash); }).code(),
            Code::kConditionsNotSatisfied);
  short_hash.id = "dave";
  EXPECT_EQ(In(*db, [&](SqlTransaction& tx) { return InsertUser(tx, short_hash); }).code(),
            Code::kConditionsNotSatisfied);
  ASSERT_TRUE(db->Read([&](SqlTransaction& tx) -> Status {
                  TESSERA_ASSIGN_OR_RETURN(auto users, ListUsers(tx));
                  EXPECT_EQ(users, std::vector<UserRecord>{changed});
                  return Status::Ok();
                }).ok());
}

TEST_P(StoreTest, CasRoundTripWithTheirParentAndOcspResponder) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(In(*db, [&](SqlTransaction& tx) { return InsertCa(tx, Ca("root")); }).ok());
  ASSERT_TRUE(
      In(*db, [&](SqlTransaction& tx) { return InsertCa(tx, Ca("issuing", "root")); }).ok());
  EXPECT_EQ(In(*db, [&](SqlTransaction& tx) { return InsertCa(tx, Ca("root")); }).code(),
            Code::kAlreadyExists);
  EXPECT_EQ(
      In(*db, [&](SqlTransaction& tx) { return InsertCa(tx, Ca("orphan", "nobody")); }).code(),
      Code::kNotFound);
  EXPECT_EQ(In(*db, [&](SqlTransaction& tx) { return InsertCa(tx, Ca("bad/name")); }).code(),
            Code::kInvalidArgument);
  const Bytes ocsp_cert{0x30, 0x03, 1, 2, 3};
  ASSERT_TRUE(In(*db, [&](SqlTransaction& tx) {
                return SetOcspResponder(tx, "issuing", "issuing-ocsp", ocsp_cert);
              }).ok());
  EXPECT_EQ(
      In(*db, [&](SqlTransaction& tx) { return SetOcspResponder(tx, "nobody", "x", ocsp_cert); })
          .code(),
      Code::kNotFound);
  CaRecord expected = Ca("issuing", "root");
  expected.ocsp_key_label = "issuing-ocsp";
  expected.ocsp_certificate = ocsp_cert;
  ASSERT_TRUE(db->Read([&](SqlTransaction& tx) -> Status {
                  TESSERA_ASSIGN_OR_RETURN(auto found, FindCa(tx, "issuing"));
                  EXPECT_EQ(found, expected);
                  TESSERA_ASSIGN_OR_RETURN(auto all, ListCas(tx));
                  EXPECT_EQ(all, (std::vector<CaRecord>{expected, Ca("root")}));
                  return Status::Ok();
                }).ok());
}

TEST_P(StoreTest, ASerialIsUniquePerCaAndCertificatesListByIssueTime) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  for (const char* name : {"a", "b"}) {
    ASSERT_TRUE(In(*db, [&](SqlTransaction& tx) { return InsertCa(tx, Ca(name)); }).ok());
  }
  const auto second = Certificate("a", {0x7f, 0x01}, 50);
  const auto first = Certificate("a", {0x01}, 40);
  ASSERT_TRUE(In(*db, [&](SqlTransaction& tx) { return InsertCertificate(tx, second); }).ok());
  ASSERT_TRUE(In(*db, [&](SqlTransaction& tx) { return InsertCertificate(tx, first); }).ok());
  EXPECT_EQ(In(*db, [&](SqlTransaction& tx) { return InsertCertificate(tx, second); }).code(),
            Code::kAlreadyExists);
  // The same serial under another CA is another certificate.
  ASSERT_TRUE(In(*db, [&](SqlTransaction& tx) {
                return InsertCertificate(tx, Certificate("b", {0x7f, 0x01}, 1));
              }).ok());
  EXPECT_EQ(
      In(*db,
         [&](SqlTransaction& tx) { return InsertCertificate(tx, Certificate("zz", {0x02}, 1)); })
          .code(),
      Code::kNotFound);
  EXPECT_EQ(In(*db,
               [&](SqlTransaction& tx) {
                 return InsertCertificate(tx, Certificate("a", {0x00, 0x02}, 1));
               })
                .code(),
            Code::kInvalidArgument);
  CertificateRecord no_user = Certificate("b", {0x03}, 2);
  no_user.user_id.reset();
  no_user.token_serial = 4'294'967'295u;  // the key's token, the largest serial
  ASSERT_TRUE(In(*db, [&](SqlTransaction& tx) { return InsertCertificate(tx, no_user); }).ok());
  ASSERT_TRUE(db->Read([&](SqlTransaction& tx) -> Status {
                  TESSERA_ASSIGN_OR_RETURN(auto list, ListCertificates(tx, "a"));
                  EXPECT_EQ(list, (std::vector<CertificateRecord>{first, second}));
                  TESSERA_ASSIGN_OR_RETURN(auto found, FindCertificate(tx, "b", Bytes{0x03}));
                  EXPECT_EQ(found, no_user);
                  TESSERA_ASSIGN_OR_RETURN(auto missing, FindCertificate(tx, "b", Bytes{0x04}));
                  EXPECT_EQ(missing, std::nullopt);
                  return Status::Ok();
                }).ok());
}

TEST_P(StoreTest, ARevocationNeedsTheCertificateAndHappensOnce) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(In(*db, [&](SqlTransaction& tx) -> Status {
                TESSERA_RETURN_IF_ERROR(InsertCa(tx, Ca("a")));
                return InsertCertificate(tx, Certificate("a", {0x42}, 1));
              }).ok());
  const RevocationRecord revocation{"a", {0x42}, 77, 1};
  EXPECT_EQ(In(*db,
               [&](SqlTransaction& tx) {
                 return InsertRevocation(tx, RevocationRecord{"a", {0x43}, 77, 1});
               })
                .code(),
            Code::kNotFound);
  ASSERT_TRUE(In(*db, [&](SqlTransaction& tx) { return InsertRevocation(tx, revocation); }).ok());
  EXPECT_EQ(In(*db, [&](SqlTransaction& tx) { return InsertRevocation(tx, revocation); }).code(),
            Code::kAlreadyExists);
  ASSERT_TRUE(db->Read([&](SqlTransaction& tx) -> Status {
                  TESSERA_ASSIGN_OR_RETURN(auto found, FindRevocation(tx, "a", Bytes{0x42}));
                  EXPECT_EQ(found, revocation);
                  TESSERA_ASSIGN_OR_RETURN(auto list, ListRevocations(tx, "a"));
                  EXPECT_EQ(list, std::vector<RevocationRecord>{revocation});
                  return Status::Ok();
                }).ok());
}

TEST_P(StoreTest, CrlNumbersOnlyGrowAndTheLatestIsFound) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(In(*db, [&](SqlTransaction& tx) { return InsertCa(tx, Ca("a")); }).ok());
  const CrlRecord one{"a", 1, 10, 20, {0x30, 0x01}};
  const CrlRecord two{"a", 2, 11, 21, {0x30, 0x02}};
  ASSERT_TRUE(In(*db, [&](SqlTransaction& tx) { return InsertCrl(tx, one); }).ok());
  ASSERT_TRUE(In(*db, [&](SqlTransaction& tx) { return InsertCrl(tx, two); }).ok());
  EXPECT_EQ(In(*db, [&](SqlTransaction& tx) { return InsertCrl(tx, one); }).code(),
            Code::kConditionsNotSatisfied);
  ASSERT_TRUE(db->Read([&](SqlTransaction& tx) -> Status {
                  TESSERA_ASSIGN_OR_RETURN(auto latest, FindLatestCrl(tx, "a"));
                  EXPECT_EQ(latest, two);
                  TESSERA_ASSIGN_OR_RETURN(auto none, FindLatestCrl(tx, "b"));
                  EXPECT_EQ(none, std::nullopt);
                  return Status::Ok();
                }).ok());
}

TEST_P(StoreTest, AuditRecordsAndCheckpointsRoundTripAndATakenSeqIsAlreadyExists) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->Read([&](SqlTransaction& tx) -> Status {
                  TESSERA_ASSIGN_OR_RETURN(auto head, AuditHead(tx));
                  EXPECT_EQ(head, std::nullopt);
                  return Status::Ok();
                }).ok());
  for (std::int64_t seq = 1; seq <= 3; ++seq) {
    ASSERT_TRUE(In(*db, [&](SqlTransaction& tx) { return AppendAudit(tx, Audit(seq)); }).ok());
  }
  EXPECT_EQ(In(*db, [&](SqlTransaction& tx) { return AppendAudit(tx, Audit(2)); }).code(),
            Code::kAlreadyExists);
  const AuditCheckpoint checkpoint{2, 500, Bytes(32, 2), "hsm1", "audit-key", {0x30}, {1, 2, 3}};
  ASSERT_TRUE(In(*db, [&](SqlTransaction& tx) { return InsertCheckpoint(tx, checkpoint); }).ok());
  ASSERT_TRUE(db->Read([&](SqlTransaction& tx) -> Status {
                  TESSERA_ASSIGN_OR_RETURN(auto head, AuditHead(tx));
                  EXPECT_EQ(head, Audit(3));
                  TESSERA_ASSIGN_OR_RETURN(auto tail, ListAudit(tx, 2, 10));
                  EXPECT_EQ(tail, (std::vector<AuditRow>{Audit(2), Audit(3)}));
                  TESSERA_ASSIGN_OR_RETURN(auto one, ListAudit(tx, 1, 1));
                  EXPECT_EQ(one, std::vector<AuditRow>{Audit(1)});
                  TESSERA_ASSIGN_OR_RETURN(auto latest, LatestCheckpoint(tx));
                  EXPECT_EQ(latest, checkpoint);
                  TESSERA_ASSIGN_OR_RETURN(auto all, ListCheckpoints(tx));
                  EXPECT_EQ(all, std::vector<AuditCheckpoint>{checkpoint});
                  return Status::Ok();
                }).ok());
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::ValuesIn(TestedBackends()), BackendName);

}  // namespace
}  // namespace tessera::directory::testing
