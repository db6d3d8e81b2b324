// The registration store (reg_store.hpp) on every backend: each record
// round-trips whole, each state move happens once and only from its state,
// the confirmation changes all its rows in one transaction (or none), grants
// and revocations bump the config version, and the session sequence is a
// compare-and-set that two nodes cannot both win.
#include "services/directory/stores/reg_store.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <thread>
#include <vector>

#include "tests/integration/services/directory/backend_fixture.hpp"
#include "tests/integration/services/directory/reg_records.hpp"

namespace tessera::directory::testing {
namespace {

using RegStoreTest = BackendTest;

Code In(Database& db, const std::function<Status(SqlTransaction&)>& body) {
  return db.Transact(body).code();
}

void Check(Database& db, const std::function<Status(SqlTransaction&)>& body) {
  const Status s = db.Read(body);
  EXPECT_TRUE(s.ok()) << s.ToString();
}

// Users alice and bob and the server "default".
void Seed(Database& db) {
  const Status s = db.Transact([](SqlTransaction& tx) -> Status {
    TESSERA_RETURN_IF_ERROR(InsertUser(tx, CmsUser("alice")));
    TESSERA_RETURN_IF_ERROR(InsertUser(tx, CmsUser("bob")));
    return InsertRegServer(tx, RegServer());
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
}

RegistrationRecord Registration(Database& db, std::uint32_t n) {
  RegistrationRecord out;
  Check(db, [&](SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(auto found, FindRegistration(tx, Hex32(n)));
    EXPECT_TRUE(found.has_value());
    if (found) out = *found;
    return Status::Ok();
  });
  return out;
}

// Started, then pending for `user` with a code (n), at 150.
void StartAndExchange(Database& db, std::uint32_t n, const std::string& user,
                      const std::string& credential = "code") {
  ASSERT_EQ(In(db,
               [&](SqlTransaction& tx) -> Status {
                 if (credential == "code") {
                   TESSERA_RETURN_IF_ERROR(InsertRegCode(tx, RegCode(n, user)));
                 }
                 TESSERA_RETURN_IF_ERROR(InsertRegistration(tx, Started(n)));
                 return MarkRegistrationPending(tx, Hex32(n), Pending(n, user, credential), 150);
               }),
            Code::kOk);
}

TEST_P(RegStoreTest, ServersAndCodesRoundTripAndRefuseDuplicates) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  Seed(*db);
  EXPECT_EQ(In(*db, [](SqlTransaction& tx) { return InsertRegServer(tx, RegServer()); }),
            Code::kAlreadyExists);
  EXPECT_EQ(In(*db, [](SqlTransaction& tx) { return InsertRegCode(tx, RegCode(1, "alice")); }),
            Code::kOk);
  EXPECT_EQ(In(*db, [](SqlTransaction& tx) { return InsertRegCode(tx, RegCode(1, "bob")); }),
            Code::kAlreadyExists);
  EXPECT_EQ(In(*db, [](SqlTransaction& tx) { return InsertRegCode(tx, RegCode(2, "carol")); }),
            Code::kNotFound);
  Check(*db, [](SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(auto server, FindRegServer(tx, "default"));
    EXPECT_EQ(server, RegServer());
    TESSERA_ASSIGN_OR_RETURN(auto none, FindRegServer(tx, "other"));
    EXPECT_EQ(none, std::nullopt);
    TESSERA_ASSIGN_OR_RETURN(auto code, FindRegCode(tx, Filled(32, 1)));
    EXPECT_EQ(code, RegCode(1, "alice"));
    TESSERA_ASSIGN_OR_RETURN(auto missing, FindRegCode(tx, Filled(32, 2)));
    EXPECT_EQ(missing, std::nullopt);
    return Status::Ok();
  });
}

TEST_P(RegStoreTest, ARegistrationMovesStartedPendingActiveOnceEach) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  Seed(*db);
  ASSERT_EQ(In(*db, [](SqlTransaction& tx) { return InsertRegCode(tx, RegCode(1, "alice")); }),
            Code::kOk);
  ASSERT_EQ(In(*db, [](SqlTransaction& tx) { return InsertRegistration(tx, Started(1)); }),
            Code::kOk);
  EXPECT_EQ(Registration(*db, 1), Started(1));
  RegistrationRecord same_nonce = Started(2);
  same_nonce.server_nonce = Started(1).server_nonce;
  EXPECT_EQ(In(*db, [&](SqlTransaction& tx) { return InsertRegistration(tx, same_nonce); }),
            Code::kAlreadyExists);

  ASSERT_EQ(In(*db,
               [](SqlTransaction& tx) {
                 return MarkRegistrationPending(tx, Hex32(1), Pending(1, "alice"), 150);
               }),
            Code::kOk);
  RegistrationRecord pending = Started(1);
  pending.state = "pending";
  pending.user_id = "alice";
  pending.credential = "code";
  pending.code_hash = Filled(32, 1);
  pending.transcript_hash = Filled(32, 0x31);
  pending.confirm_hash = Filled(32, 0x61);
  pending.k_wrapped = Filled(40, 0x91);
  pending.expires_at = 1000;
  pending.updated_at = 150;
  EXPECT_EQ(Registration(*db, 1), pending);
  // A replayed R1, a refusal after the exchange: 409.
  EXPECT_EQ(In(*db,
               [](SqlTransaction& tx) {
                 return MarkRegistrationPending(tx, Hex32(1), Pending(1, "alice"), 151);
               }),
            Code::kConditionsNotSatisfied);
  EXPECT_EQ(In(*db, [](SqlTransaction& tx) { return RefuseRegistration(tx, Hex32(1), 151); }),
            Code::kConditionsNotSatisfied);
  EXPECT_EQ(In(*db, [](SqlTransaction& tx) { return RefuseRegistration(tx, Hex32(9), 151); }),
            Code::kNotFound);

  ConfirmedRegistration confirmed;
  ASSERT_EQ(In(*db,
               [&](SqlTransaction& tx) -> Status {
                 TESSERA_ASSIGN_OR_RETURN(
                     confirmed, ConfirmRegistration(tx, Hex32(1), "UALICE234567ABCD", 160));
                 return Status::Ok();
               }),
            Code::kOk);
  EXPECT_EQ(confirmed.user, (RegUserRecord{"alice", "UALICE234567ABCD", 0, 160, 160}));
  EXPECT_TRUE(confirmed.superseded.empty());
  EXPECT_TRUE(confirmed.code_used);
  pending.state = "active";
  pending.confirmed_at = 160;
  pending.updated_at = 160;
  EXPECT_EQ(Registration(*db, 1), pending);
  Check(*db, [](SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(auto code, FindRegCode(tx, Filled(32, 1)));
    EXPECT_EQ(code->used_at, 160);
    EXPECT_EQ(code->registration_id, Hex32(1));
    TESSERA_ASSIGN_OR_RETURN(auto by_code, FindRegUserByCode(tx, "UALICE234567ABCD"));
    EXPECT_EQ(by_code->user_id, "alice");
    TESSERA_ASSIGN_OR_RETURN(auto active, FindActiveRegistration(tx, "alice"));
    EXPECT_EQ(active->id, Hex32(1));
    TESSERA_ASSIGN_OR_RETURN(auto none, FindActiveRegistration(tx, "bob"));
    EXPECT_EQ(none, std::nullopt);
    return Status::Ok();
  });
  // A replayed R3.
  EXPECT_EQ(In(*db,
               [](SqlTransaction& tx) {
                 return ConfirmRegistration(tx, Hex32(1), "UALICE234567ABCD", 161).status();
               }),
            Code::kConditionsNotSatisfied);
  EXPECT_EQ(In(*db, [](SqlTransaction& tx) { return RevokeRegistration(tx, Hex32(1), 170); }),
            Code::kOk);
  EXPECT_EQ(Registration(*db, 1).state, "revoked");
}

TEST_P(RegStoreTest, ALaterConfirmSupersedesTheActiveRegistrationAndKeepsTheVersion) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  Seed(*db);
  ASSERT_EQ(In(*db, [](SqlTransaction& tx) { return InsertRegApp(tx, RegApp("echo")); }),
            Code::kOk);
  StartAndExchange(*db, 1, "alice");
  ASSERT_EQ(In(*db,
               [](SqlTransaction& tx) {
                 return ConfirmRegistration(tx, Hex32(1), "UALICE234567ABCD", 160).status();
               }),
            Code::kOk);
  ASSERT_EQ(In(*db,
               [](SqlTransaction& tx) {
                 return GrantEntitlement(tx, {"alice", "echo", R"(["/"])", "admin", 165}).status();
               }),
            Code::kOk);
  StartAndExchange(*db, 2, "alice", "cms");
  ConfirmedRegistration confirmed;
  ASSERT_EQ(In(*db,
               [&](SqlTransaction& tx) -> Status {
                 TESSERA_ASSIGN_OR_RETURN(
                     confirmed, ConfirmRegistration(tx, Hex32(2), "UALICE234567ABCD", 170));
                 return Status::Ok();
               }),
            Code::kOk);
  EXPECT_EQ(confirmed.superseded, std::vector<std::string>{Hex32(1)});
  EXPECT_FALSE(confirmed.code_used);
  EXPECT_EQ(confirmed.user, (RegUserRecord{"alice", "UALICE234567ABCD", 1, 160, 170}));
  EXPECT_EQ(Registration(*db, 1).state, "superseded");
  EXPECT_EQ(Registration(*db, 2).state, "active");
  EXPECT_EQ(Registration(*db, 2).token_serial, 1002u);
  // bob cannot take alice's UIDC.
  StartAndExchange(*db, 3, "bob", "open");
  EXPECT_EQ(In(*db,
               [](SqlTransaction& tx) {
                 return ConfirmRegistration(tx, Hex32(3), "UALICE234567ABCD", 180).status();
               }),
            Code::kAlreadyExists);
  EXPECT_EQ(Registration(*db, 3).state, "pending");
}

TEST_P(RegStoreTest, AUsedCodeRefusesTheSecondConfirmAndChangesNothing) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  Seed(*db);
  StartAndExchange(*db, 1, "alice");
  // Registration 2 names the same code (two exchanges before either confirm).
  ASSERT_EQ(In(*db,
               [](SqlTransaction& tx) -> Status {
                 TESSERA_RETURN_IF_ERROR(InsertRegistration(tx, Started(2)));
                 PendingRegistration p = Pending(2, "alice");
                 p.code_hash = Filled(32, 1);
                 return MarkRegistrationPending(tx, Hex32(2), p, 150);
               }),
            Code::kOk);
  ASSERT_EQ(In(*db,
               [](SqlTransaction& tx) {
                 return ConfirmRegistration(tx, Hex32(1), "UALICE234567ABCD", 160).status();
               }),
            Code::kOk);
  EXPECT_EQ(In(*db,
               [](SqlTransaction& tx) {
                 return ConfirmRegistration(tx, Hex32(2), "UALICE234567ABCD", 161).status();
               }),
            Code::kConditionsNotSatisfied);
  EXPECT_EQ(Registration(*db, 1).state, "active");
  EXPECT_EQ(Registration(*db, 2).state, "pending");
  EXPECT_EQ(QueryIntOrFail(*db, "SELECT count(*) FROM reg_codes WHERE used_at = 160"), 1);
}

TEST_P(RegStoreTest, DeadlinesRefuseLateMovesAndMaintenanceExpiresStartedAndPending) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  Seed(*db);
  StartAndExchange(*db, 1, "alice");  // pending until 1000
  ASSERT_EQ(In(*db, [](SqlTransaction& tx) { return InsertRegistration(tx, Started(2)); }),
            Code::kOk);  // started until 400
  EXPECT_EQ(In(*db,
               [](SqlTransaction& tx) {
                 return MarkRegistrationPending(tx, Hex32(2), Pending(2, "bob", "open"), 400);
               }),
            Code::kConditionsNotSatisfied);
  EXPECT_EQ(In(*db,
               [](SqlTransaction& tx) {
                 return ConfirmRegistration(tx, Hex32(1), "UALICE234567ABCD", 1000).status();
               }),
            Code::kConditionsNotSatisfied);
  std::int64_t moved = 0;
  ASSERT_EQ(In(*db,
               [&](SqlTransaction& tx) -> Status {
                 TESSERA_ASSIGN_OR_RETURN(moved, ExpireRegistrations(tx, 999));
                 return Status::Ok();
               }),
            Code::kOk);
  EXPECT_EQ(moved, 1);  // only the started one
  EXPECT_EQ(Registration(*db, 2).state, "expired");
  EXPECT_EQ(Registration(*db, 1).state, "pending");
  ASSERT_EQ(In(*db,
               [&](SqlTransaction& tx) -> Status {
                 TESSERA_ASSIGN_OR_RETURN(moved, ExpireRegistrations(tx, 1000));
                 return Status::Ok();
               }),
            Code::kOk);
  EXPECT_EQ(moved, 1);
  EXPECT_EQ(Registration(*db, 1).state, "expired");
  EXPECT_EQ(Registration(*db, 1).k_wrapped, Filled(40, 0x91));
  EXPECT_EQ(QueryIntOrFail(*db, "SELECT count(*) FROM reg_codes WHERE used_at IS NULL"), 1);
}

TEST_P(RegStoreTest, AppsAndEntitlementsBumpTheConfigVersionInTheSameTransaction) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  Seed(*db);
  ASSERT_EQ(In(*db,
               [](SqlTransaction& tx) -> Status {
                 TESSERA_RETURN_IF_ERROR(InsertRegApp(tx, RegApp("time")));
                 return InsertRegApp(tx, RegApp("echo"));
               }),
            Code::kOk);
  EXPECT_EQ(In(*db, [](SqlTransaction& tx) { return InsertRegApp(tx, RegApp("echo")); }),
            Code::kAlreadyExists);
  // Granted before alice registers: no version to bump yet.
  std::optional<std::int64_t> version = 99;
  ASSERT_EQ(In(*db,
               [&](SqlTransaction& tx) -> Status {
                 TESSERA_ASSIGN_OR_RETURN(
                     version, GrantEntitlement(tx, {"alice", "echo", R"(["/"])", "admin", 30}));
                 return Status::Ok();
               }),
            Code::kOk);
  EXPECT_EQ(version, std::nullopt);
  StartAndExchange(*db, 1, "alice");
  ASSERT_EQ(In(*db,
               [](SqlTransaction& tx) {
                 return ConfirmRegistration(tx, Hex32(1), "UALICE234567ABCD", 160).status();
               }),
            Code::kOk);
  const RegEntitlementRecord time{"alice", "time", R"(["/now"])", "admin", 170};
  ASSERT_EQ(In(*db,
               [&](SqlTransaction& tx) -> Status {
                 TESSERA_ASSIGN_OR_RETURN(version, GrantEntitlement(tx, time));
                 return Status::Ok();
               }),
            Code::kOk);
  EXPECT_EQ(version, 1);
  const RegEntitlementRecord echo{"alice", "echo", R"(["/a","/b"])", "root", 175};
  ASSERT_EQ(In(*db,
               [&](SqlTransaction& tx) -> Status {
                 TESSERA_ASSIGN_OR_RETURN(version, GrantEntitlement(tx, echo));  // replaces
                 return Status::Ok();
               }),
            Code::kOk);
  EXPECT_EQ(version, 2);
  EXPECT_EQ(In(*db,
               [](SqlTransaction& tx) {
                 return GrantEntitlement(tx, {"alice", "nope", "[]", "a", 1}).status();
               }),
            Code::kNotFound);
  EXPECT_EQ(In(*db,
               [](SqlTransaction& tx) {
                 return GrantEntitlement(tx, {"carol", "echo", "[]", "a", 1}).status();
               }),
            Code::kNotFound);
  Check(*db, [&](SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(auto all, EntitlementsOfUser(tx, "alice"));
    EXPECT_EQ(all, (std::vector<RegEntitlementRecord>{echo, time}));
    TESSERA_ASSIGN_OR_RETURN(auto apps, ListRegApps(tx));
    EXPECT_EQ(apps, (std::vector<RegAppRecord>{RegApp("echo"), RegApp("time")}));
    TESSERA_ASSIGN_OR_RETURN(auto found, FindEntitlement(tx, "alice", "time"));
    EXPECT_EQ(found, time);
    TESSERA_ASSIGN_OR_RETURN(auto none, FindEntitlement(tx, "bob", "time"));
    EXPECT_EQ(none, std::nullopt);
    return Status::Ok();
  });

  ASSERT_EQ(In(*db,
               [&](SqlTransaction& tx) -> Status {
                 TESSERA_ASSIGN_OR_RETURN(version, RevokeEntitlement(tx, "alice", "time", 180));
                 return Status::Ok();
               }),
            Code::kOk);
  EXPECT_EQ(version, 3);
  EXPECT_EQ(
      In(*db,
         [](SqlTransaction& tx) { return RevokeEntitlement(tx, "alice", "time", 181).status(); }),
      Code::kNotFound);
  std::vector<std::string> affected;
  ASSERT_EQ(In(*db,
               [&](SqlTransaction& tx) -> Status {
                 TESSERA_ASSIGN_OR_RETURN(affected, DeleteRegApp(tx, "echo", 190));
                 return Status::Ok();
               }),
            Code::kOk);
  EXPECT_EQ(affected, std::vector<std::string>{"alice"});
  EXPECT_EQ(In(*db, [](SqlTransaction& tx) { return DeleteRegApp(tx, "echo", 191).status(); }),
            Code::kNotFound);
  Check(*db, [](SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(auto user, FindRegUser(tx, "alice"));
    EXPECT_EQ(user, (RegUserRecord{"alice", "UALICE234567ABCD", 4, 160, 190}));
    TESSERA_ASSIGN_OR_RETURN(auto left, EntitlementsOfUser(tx, "alice"));
    EXPECT_TRUE(left.empty());
    TESSERA_ASSIGN_OR_RETURN(auto app, FindRegApp(tx, "echo"));
    EXPECT_EQ(app, std::nullopt);
    return Status::Ok();
  });
}

INSTANTIATE_TEST_SUITE_P(Backends, RegStoreTest, ::testing::ValuesIn(TestedBackends()),
                         BackendName);

}  // namespace
}  // namespace tessera::directory::testing
