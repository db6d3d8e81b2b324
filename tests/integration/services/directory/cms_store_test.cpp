// The CMS store (cms_store.hpp) on every backend: each record round-trips
// whole, lists come in their promised order, and each kAlreadyExists,
// kNotFound and kConditionsNotSatisfied the header promises happens.
#include "services/directory/stores/cms_store.hpp"

#include <gtest/gtest.h>

#include "services/directory/stores/ca_store.hpp"
#include "tests/integration/services/directory/backend_fixture.hpp"
#include "tests/integration/services/directory/cms_records.hpp"

namespace tessera::directory::testing {
namespace {

using CmsStoreTest = BackendTest;

// The code of running `body` in one transaction.
Code In(Database& db, const std::function<Status(SqlTransaction&)>& body) {
  return db.Transact(body).code();
}

// Runs `body` in a read transaction; fails the test on error.
void Check(Database& db, const std::function<Status(SqlTransaction&)>& body) {
  const Status s = db.Read(body);
  EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST_P(CmsStoreTest, TokensRoundTripListByStateAndUpdateWhole) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  SeedCms(*db);
  CmsTokenRecord largest = CmsToken(4'294'967'295u);
  largest.transport = "usb";
  ASSERT_EQ(In(*db, [&](SqlTransaction& tx) { return InsertCmsToken(tx, largest); }), Code::kOk);
  EXPECT_EQ(In(*db, [&](SqlTransaction& tx) { return InsertCmsToken(tx, CmsToken(1002)); }),
            Code::kAlreadyExists);

  CmsTokenRecord bound = CmsToken(1002);
  bound.state = "bound";
  bound.user_id = "alice";
  bound.registrations = 3;
  bound.updated_at = 150;
  ASSERT_EQ(In(*db, [&](SqlTransaction& tx) { return UpdateCmsToken(tx, bound); }), Code::kOk);
  CmsTokenRecord revoked = CmsToken(1003);
  revoked.state = "revoked";
  revoked.transport = "pcsc";
  revoked.revoked_at = 160;
  revoked.revoked_reason = 1;
  ASSERT_EQ(In(*db, [&](SqlTransaction& tx) { return UpdateCmsToken(tx, revoked); }), Code::kOk);
  EXPECT_EQ(In(*db, [&](SqlTransaction& tx) { return UpdateCmsToken(tx, CmsToken(77)); }),
            Code::kNotFound);

  Check(*db, [&](SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(auto found, FindCmsToken(tx, 1002));
    EXPECT_EQ(found, bound);
    TESSERA_ASSIGN_OR_RETURN(auto missing, FindCmsToken(tx, 77));
    EXPECT_EQ(missing, std::nullopt);
    TESSERA_ASSIGN_OR_RETURN(auto all, ListCmsTokens(tx));
    EXPECT_EQ(all, (std::vector<CmsTokenRecord>{CmsToken(1001), bound, revoked, largest}));
    TESSERA_ASSIGN_OR_RETURN(auto inventory, ListCmsTokens(tx, "inventory"));
    EXPECT_EQ(inventory, (std::vector<CmsTokenRecord>{CmsToken(1001), largest}));
    TESSERA_ASSIGN_OR_RETURN(auto none, ListCmsTokens(tx, "active"));
    EXPECT_TRUE(none.empty());
    return Status::Ok();
  });
}

TEST_P(CmsStoreTest, OfficersRoundTripAndATokenHasOneActiveOfficer) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  SeedCms(*db);
  EXPECT_EQ(In(*db, [&](SqlTransaction& tx) { return InsertOfficer(tx, Officer("off1", 9001)); }),
            Code::kAlreadyExists);
  OfficerRecord second = Officer("off2", 9000);
  second.cert_serial = {0x11, 0x01};
  EXPECT_EQ(In(*db, [&](SqlTransaction& tx) { return InsertOfficer(tx, second); }),
            Code::kAlreadyExists);  // off1 holds token 9000
  second.state = "revoked";
  second.role = "auditor";
  ASSERT_EQ(In(*db, [&](SqlTransaction& tx) { return InsertOfficer(tx, second); }), Code::kOk);

  OfficerRecord first = Officer("off1", 9000);
  first.state = "revoked";
  first.updated_at = 20;
  ASSERT_EQ(In(*db, [&](SqlTransaction& tx) { return UpdateOfficer(tx, first); }), Code::kOk);
  second.state = "active";  // the token is free now
  ASSERT_EQ(In(*db, [&](SqlTransaction& tx) { return UpdateOfficer(tx, second); }), Code::kOk);
  EXPECT_EQ(In(*db, [&](SqlTransaction& tx) { return UpdateOfficer(tx, Officer("nobody", 1)); }),
            Code::kNotFound);

  Check(*db, [&](SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(auto found, FindOfficer(tx, "off2"));
    EXPECT_EQ(found, second);
    TESSERA_ASSIGN_OR_RETURN(auto by_cert,
                             FindOfficerByCertificate(tx, "ca1", Bytes{0x10, 9000 & 0xff}));
    EXPECT_EQ(by_cert, first);  // revoked, and still found
    TESSERA_ASSIGN_OR_RETURN(auto other_ca,
                             FindOfficerByCertificate(tx, "ca2", Bytes{0x10, 9000 & 0xff}));
    EXPECT_EQ(other_ca, std::nullopt);
    TESSERA_ASSIGN_OR_RETURN(auto missing, FindOfficer(tx, "nobody"));
    EXPECT_EQ(missing, std::nullopt);
    TESSERA_ASSIGN_OR_RETURN(auto all, ListOfficers(tx));
    EXPECT_EQ(all, (std::vector<OfficerRecord>{first, second}));
    return Status::Ok();
  });
}

TEST_P(CmsStoreTest, ANonceIsConsumedOnceAndNeverAfterItExpires) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  SeedCms(*db);
  for (std::uint32_t n : {1u, 2u}) {
    ASSERT_EQ(In(*db, [&](SqlTransaction& tx) { return InsertNonce(tx, Nonce(n, 200)); }),
              Code::kOk);
  }
  ASSERT_EQ(In(*db, [&](SqlTransaction& tx) { return InsertNonce(tx, Nonce(3, 500)); }), Code::kOk);
  EXPECT_EQ(In(*db, [&](SqlTransaction& tx) { return InsertNonce(tx, Nonce(1, 900)); }),
            Code::kAlreadyExists);

  ASSERT_EQ(In(*db, [&](SqlTransaction& tx) { return ConsumeNonce(tx, Nonce(1, 0).nonce, 150); }),
            Code::kOk);
  const Status again =
      db->Transact([&](SqlTransaction& tx) { return ConsumeNonce(tx, Nonce(1, 0).nonce, 151); });
  EXPECT_EQ(again.code(), Code::kConditionsNotSatisfied);
  EXPECT_NE(again.message().find("used already, at 150"), std::string::npos) << again.message();
  // Expiry is exclusive: at expires_at the nonce is stale.
  const Status expired =
      db->Transact([&](SqlTransaction& tx) { return ConsumeNonce(tx, Nonce(2, 0).nonce, 200); });
  EXPECT_EQ(expired.code(), Code::kConditionsNotSatisfied);
  EXPECT_NE(expired.message().find("expired at 200"), std::string::npos) << expired.message();
  EXPECT_EQ(In(*db, [&](SqlTransaction& tx) { return ConsumeNonce(tx, Filled(32, 9), 1); }),
            Code::kNotFound);

  NonceRecord used = Nonce(1, 200);
  used.used_at = 150;
  Check(*db, [&](SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(auto first, FindNonce(tx, used.nonce));
    EXPECT_EQ(first, used);
    TESSERA_ASSIGN_OR_RETURN(auto stale, FindNonce(tx, Nonce(2, 0).nonce));
    EXPECT_EQ(stale, Nonce(2, 200));  // the refusal wrote nothing
    TESSERA_ASSIGN_OR_RETURN(auto missing, FindNonce(tx, Filled(32, 9)));
    EXPECT_EQ(missing, std::nullopt);
    return Status::Ok();
  });

  std::int64_t purged = -1;
  ASSERT_TRUE(db->Transact([&](SqlTransaction& tx) -> Status {
                  TESSERA_ASSIGN_OR_RETURN(purged, PurgeNonces(tx, 200));
                  return Status::Ok();
                }).ok());
  EXPECT_EQ(purged, 0);  // expired before 200: none
  ASSERT_TRUE(db->Transact([&](SqlTransaction& tx) -> Status {
                  TESSERA_ASSIGN_OR_RETURN(purged, PurgeNonces(tx, 201));
                  return Status::Ok();
                }).ok());
  EXPECT_EQ(purged, 2);
  EXPECT_EQ(QueryIntOrFail(*db, "SELECT count(*) FROM cms_nonces"), 1);
}

TEST_P(CmsStoreTest, RequestsRoundTripAndUpdateWhole) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  SeedCms(*db);
  const CmsRequestRecord sent = Request(1, "alice", 1001);
  ASSERT_EQ(In(*db, [&](SqlTransaction& tx) { return InsertCmsRequest(tx, sent); }), Code::kOk);
  EXPECT_EQ(
      In(*db, [&](SqlTransaction& tx) { return InsertCmsRequest(tx, Request(1, "bob", 1002)); }),
      Code::kAlreadyExists);
  CmsRequestRecord bound = sent;
  bound.state = "bound";
  bound.eform_v2_signed = Bytes{'a', '.', 'b', '.', 'c'};
  bound.ca = "users-ca";
  bound.cert_serial = Bytes{0x7f, 0x00, 0x01};
  bound.updated_at = 250;
  ASSERT_EQ(In(*db, [&](SqlTransaction& tx) { return UpdateCmsRequest(tx, bound); }), Code::kOk);
  EXPECT_EQ(
      In(*db, [&](SqlTransaction& tx) { return UpdateCmsRequest(tx, Request(2, "alice", 1001)); }),
      Code::kNotFound);
  Check(*db, [&](SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(auto found, FindCmsRequest(tx, sent.id));
    EXPECT_EQ(found, bound);
    TESSERA_ASSIGN_OR_RETURN(auto missing, FindCmsRequest(tx, Hex32(2)));
    EXPECT_EQ(missing, std::nullopt);
    return Status::Ok();
  });
}

TEST_P(CmsStoreTest, AUserAndATokenHaveOneLiveBindingAndAllOfThemAsHistory) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  SeedCms(*db);
  const BindingRecord first = Binding(1, "alice", 1001);
  ASSERT_EQ(In(*db, [&](SqlTransaction& tx) { return InsertBinding(tx, first); }), Code::kOk);
  EXPECT_EQ(In(*db, [&](SqlTransaction& tx) { return InsertBinding(tx, first); }),
            Code::kAlreadyExists);
  EXPECT_EQ(In(*db,
               [&](SqlTransaction& tx) {
                 return InsertBinding(tx, Binding(2, "alice", 1002, "active"));
               }),
            Code::kAlreadyExists);  // alice is bound
  EXPECT_EQ(In(*db, [&](SqlTransaction& tx) { return InsertBinding(tx, Binding(3, "bob", 1001)); }),
            Code::kAlreadyExists);  // token 1001 is bound
  // A revoked binding is history: it may be recorded beside a live one.
  const BindingRecord old = Binding(4, "alice", 1003, "revoked");
  ASSERT_EQ(In(*db, [&](SqlTransaction& tx) { return InsertBinding(tx, old); }), Code::kOk);

  Check(*db, [&](SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(auto found, FindBinding(tx, first.id));
    EXPECT_EQ(found, first);
    TESSERA_ASSIGN_OR_RETURN(auto live, LiveBindingsOfUser(tx, "alice"));
    EXPECT_EQ(live, std::vector<BindingRecord>{first});
    TESSERA_ASSIGN_OR_RETURN(auto of_token, LiveBindingOfToken(tx, 1001));
    EXPECT_EQ(of_token, first);
    TESSERA_ASSIGN_OR_RETURN(auto free_token, LiveBindingOfToken(tx, 1003));
    EXPECT_EQ(free_token, std::nullopt);
    return Status::Ok();
  });

  BindingRecord revoked = first;
  revoked.state = "revoked";
  revoked.revoked_at = 500;
  revoked.revoked_reason = 1;
  revoked.updated_at = 500;
  ASSERT_EQ(In(*db, [&](SqlTransaction& tx) { return UpdateBinding(tx, revoked); }), Code::kOk);
  BindingRecord next = Binding(5, "alice", 1002, "active");
  next.activated_at = 600;
  ASSERT_EQ(In(*db, [&](SqlTransaction& tx) { return InsertBinding(tx, next); }), Code::kOk);
  EXPECT_EQ(In(*db, [&](SqlTransaction& tx) { return UpdateBinding(tx, Binding(9, "bob", 1)); }),
            Code::kNotFound);

  Check(*db, [&](SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(auto history, BindingsOfUser(tx, "alice"));
    EXPECT_EQ(history, (std::vector<BindingRecord>{next, old, revoked}));  // newest first
    TESSERA_ASSIGN_OR_RETURN(auto live, LiveBindingsOfUser(tx, "alice"));
    EXPECT_EQ(live, std::vector<BindingRecord>{next});
    TESSERA_ASSIGN_OR_RETURN(auto of_token, BindingsOfToken(tx, 1001));
    EXPECT_EQ(of_token, std::vector<BindingRecord>{revoked});
    TESSERA_ASSIGN_OR_RETURN(auto none, BindingsOfUser(tx, "bob"));
    EXPECT_TRUE(none.empty());
    TESSERA_ASSIGN_OR_RETURN(auto missing, FindBinding(tx, Hex32(9)));
    EXPECT_EQ(missing, std::nullopt);
    return Status::Ok();
  });
}

TEST_P(CmsStoreTest, UnrevokedCertificatesOfATokenComeByIssueTime) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  auto certificate = [](std::uint8_t serial, std::int64_t issued_at,
                        std::optional<std::uint32_t> token) {
    CertificateRecord c{"ca1", Bytes{serial},       "user-signature",     "CN=Alice", 1,
                        2,     Bytes{0x30, serial}, std::string("alice"), issued_at,  token};
    return c;
  };
  ASSERT_TRUE(db->Transact([&](SqlTransaction& tx) -> Status {
                  TESSERA_RETURN_IF_ERROR(InsertCa(
                      tx, {"ca1", std::nullopt, "h", "k", "p256", Bytes{0x30}, "", Bytes{}, 1}));
                  TESSERA_RETURN_IF_ERROR(InsertCertificate(tx, certificate(1, 50, 1001)));
                  TESSERA_RETURN_IF_ERROR(InsertCertificate(tx, certificate(2, 30, 1001)));
                  TESSERA_RETURN_IF_ERROR(InsertCertificate(tx, certificate(3, 40, 1001)));
                  TESSERA_RETURN_IF_ERROR(InsertCertificate(tx, certificate(4, 10, 1002)));
                  TESSERA_RETURN_IF_ERROR(InsertCertificate(tx, certificate(5, 20, std::nullopt)));
                  return InsertRevocation(tx, {"ca1", Bytes{3}, 60, 1});
                }).ok());
  Check(*db, [&](SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(auto on_token, UnrevokedCertificatesOfToken(tx, 1001));
    EXPECT_EQ(on_token, (std::vector<CertificateRef>{{"ca1", Bytes{2}}, {"ca1", Bytes{1}}}));
    TESSERA_ASSIGN_OR_RETURN(auto none, UnrevokedCertificatesOfToken(tx, 1003));
    EXPECT_TRUE(none.empty());
    TESSERA_ASSIGN_OR_RETURN(auto found, FindCertificate(tx, "ca1", Bytes{4}));
    EXPECT_EQ(found, certificate(4, 10, 1002));
    return Status::Ok();
  });
}

TEST_P(CmsStoreTest, ARowWithAStateWordThisBuildDoesNotKnowIsCorrupt) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  SeedCms(*db);
  // As a newer tessera might write it: the check that guards the word is
  // dropped first (PostgreSQL names it <table>_<column>_check).
  ExecOrFail(*db, GetParam() == Backend::kSqlite
                      ? "PRAGMA ignore_check_constraints = ON"
                      : "ALTER TABLE cms_tokens DROP CONSTRAINT cms_tokens_state_check");
  ExecOrFail(*db, "UPDATE cms_tokens SET state = 'lost' WHERE serial = 1001");
  const Status found = db->Read([](SqlTransaction& tx) { return FindCmsToken(tx, 1001).status(); });
  EXPECT_EQ(found.code(), Code::kCorrupt) << found.ToString();
  EXPECT_NE(found.message().find("'lost'"), std::string::npos) << found.message();
}

INSTANTIATE_TEST_SUITE_P(Backends, CmsStoreTest, ::testing::ValuesIn(TestedBackends()),
                         BackendName);

}  // namespace
}  // namespace tessera::directory::testing
