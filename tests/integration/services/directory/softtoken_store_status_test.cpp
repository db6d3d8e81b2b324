// The soft tokens' status (softtoken_store.hpp StTokenStatuses,
// StX509TokensToRevoke) on every backend: a token's bit is set for each
// reason the design gives - its row revoked, its ID certificate revoked,
// its card without an active binding to its user - and for its own X.509
// certificate revoked; the rows of the CA and the CMS are made with their
// own stores.
#include <gtest/gtest.h>

#include "services/directory/stores/softtoken_store.hpp"
#include "tests/integration/services/directory/backend_fixture.hpp"
#include "tests/integration/services/directory/softtoken_store_records.hpp"

namespace tessera::directory::testing {
namespace {

using SoftTokenStatusTest = BackendTest;

std::vector<SoftTokenStatus> Statuses(Database& db, const std::string& list) {
  std::vector<SoftTokenStatus> statuses;
  const Status s = db.Read([&](SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(statuses, StTokenStatuses(tx, list));
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return statuses;
}

// The ids StX509TokensToRevoke gives at `now`.
std::vector<std::string> ToRevoke(Database& db, std::int64_t now) {
  std::vector<std::string> ids;
  const Status s = db.Read([&](SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(auto tokens, StX509TokensToRevoke(tx, now));
    for (const SoftTokenRecord& token : tokens) ids.push_back(token.id);
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return ids;
}

void InsertAll(Database& db, const std::vector<SoftTokenRecord>& tokens) {
  const Status s = db.Transact([&](SqlTransaction& tx) -> Status {
    for (const SoftTokenRecord& token : tokens) TESSERA_RETURN_IF_ERROR(InsertStToken(tx, token));
    return Status::Ok();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
}

TEST_P(SoftTokenStatusTest, EachReasonSetsTheBitAndNothingElseDoes) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  SeedSoftToken(*db);
  SoftTokenRecord revoked_row = StToken(1);
  revoked_row.revoked_at = 300;
  SoftTokenRecord other_user = StToken(6, 1001, "bob");  // alice's card, bob's token
  other_user.source_serial = IdCertSerial(1002);
  SoftTokenRecord other_list = StToken(9, 1003);  // unbound card, another list
  other_list.status_list = "other";
  InsertAll(*db, {
                     StToken(0),               // alice, card 1001: valid
                     revoked_row,              // the row revoked
                     StToken(2, 1002, "bob"),  // bob's ID certificate revoked below
                     StToken(3, 1003),         // card 1003 has no binding
                     X509(StToken(4), 1),      // its own certificate revoked below
                     X509(StToken(5), 2),      // valid
                     other_user,               // card 1001 is bound to alice, not bob
                     other_list,
                 });
  ASSERT_TRUE(
      db->Transact([](SqlTransaction& tx) -> Status {
          TESSERA_RETURN_IF_ERROR(InsertRevocation(tx, {"ca1", IdCertSerial(1002), 310, 1}));
          return InsertRevocation(tx, {"ca1", Bytes{0x5c, 1}, 320, 4});
        }).ok());
  EXPECT_EQ(Statuses(*db, "default"),
            (std::vector<SoftTokenStatus>{
                {0, false}, {1, true}, {2, true}, {3, true}, {4, true}, {5, false}, {6, true}}));
  EXPECT_EQ(Statuses(*db, "other"), (std::vector<SoftTokenStatus>{{9, true}}));
  EXPECT_TRUE(Statuses(*db, "none").empty());

  // Alice's binding leaves "active" (pending counts as not active): every
  // token of card 1001 goes; revoked, it stays gone.
  BindingRecord binding = Binding(1, "alice", 1001, "active");
  binding.state = "pending";
  ASSERT_TRUE(db->Transact([&](SqlTransaction& tx) { return UpdateBinding(tx, binding); }).ok());
  EXPECT_EQ(Statuses(*db, "default"),
            (std::vector<SoftTokenStatus>{
                {0, true}, {1, true}, {2, true}, {3, true}, {4, true}, {5, true}, {6, true}}));
  binding.state = "active";
  ASSERT_TRUE(db->Transact([&](SqlTransaction& tx) { return UpdateBinding(tx, binding); }).ok());
  EXPECT_EQ(Statuses(*db, "default")[0], (SoftTokenStatus{0, false}));
  binding.state = "revoked";
  binding.revoked_at = 400;
  binding.revoked_reason = 4;
  ASSERT_TRUE(db->Transact([&](SqlTransaction& tx) { return UpdateBinding(tx, binding); }).ok());
  EXPECT_EQ(Statuses(*db, "default")[0], (SoftTokenStatus{0, true}));
  EXPECT_EQ(Statuses(*db, "default")[5], (SoftTokenStatus{5, true}));
}

TEST_P(SoftTokenStatusTest, TheSweepFindsX509TokensWhoseCardOrCertificateWentAndNoOthers) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  SeedSoftToken(*db);
  const SoftTokenRecord unbound = X509(StToken(1, 1003), 3);       // to revoke
  const SoftTokenRecord bound = X509(StToken(2), 2);               // valid
  const SoftTokenRecord cert_revoked = X509(StToken(3, 1003), 1);  // the CA did already
  SoftTokenRecord row_revoked = X509(StToken(4, 1003), 4);         // revoked_at set
  row_revoked.revoked_at = 300;
  const SoftTokenRecord source_revoked = X509(StToken(5, 1002, "bob"), 5);  // to revoke
  SoftTokenRecord expired = X509(StToken(6, 1003), 6);                      // past expires_at
  expired.expires_at = 1000;
  const SoftTokenRecord sd_jwt = StToken(7, 1003);  // not X.509
  InsertAll(*db, {unbound, bound, cert_revoked, row_revoked, source_revoked, expired, sd_jwt});
  ASSERT_TRUE(
      db->Transact([](SqlTransaction& tx) -> Status {
          TESSERA_RETURN_IF_ERROR(InsertRevocation(tx, {"ca1", IdCertSerial(1002), 310, 1}));
          return InsertRevocation(tx, {"ca1", Bytes{0x5c, 1}, 320, 4});
        }).ok());
  EXPECT_EQ(ToRevoke(*db, 1000), (std::vector<std::string>{unbound.id, source_revoked.id}));
  EXPECT_EQ(ToRevoke(*db, 999),
            (std::vector<std::string>{unbound.id, source_revoked.id, expired.id}));

  // Alice's card is revoked: its binding goes, and its X.509 token with it.
  BindingRecord binding = Binding(1, "alice", 1001, "revoked");
  ASSERT_TRUE(db->Transact([&](SqlTransaction& tx) { return UpdateBinding(tx, binding); }).ok());
  EXPECT_EQ(ToRevoke(*db, 1000),
            (std::vector<std::string>{unbound.id, bound.id, source_revoked.id}));
  // The sweep's work done: the CA revoked the certificate, the row records it.
  ASSERT_TRUE(db->Transact([&](SqlTransaction& tx) -> Status {
                  TESSERA_RETURN_IF_ERROR(InsertRevocation(tx, {"ca1", Bytes{0x5c, 3}, 500, 5}));
                  return RevokeStToken(tx, bound.id, 500);
                }).ok());
  EXPECT_EQ(ToRevoke(*db, 1000), (std::vector<std::string>{source_revoked.id}));
}

INSTANTIATE_TEST_SUITE_P(Backends, SoftTokenStatusTest, ::testing::ValuesIn(TestedBackends()),
                         BackendName);

}  // namespace
}  // namespace tessera::directory::testing
