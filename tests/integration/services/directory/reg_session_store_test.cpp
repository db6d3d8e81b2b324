// The registration store's login sessions (reg_store.hpp,
// reg_store_sessions.cpp) on every backend: handshake -> open -> closed once
// each, the request sequence's compare-and-set, maintenance, and two nodes
// (two Databases on one directory) racing for the same requests.
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <thread>
#include <vector>

#include "services/directory/stores/reg_store.hpp"
#include "tests/integration/services/directory/backend_fixture.hpp"
#include "tests/integration/services/directory/reg_records.hpp"

namespace tessera::directory::testing {
namespace {

using RegSessionStoreTest = BackendTest;

Code In(Database& db, const std::function<Status(SqlTransaction&)>& body) {
  return db.Transact(body).code();
}

// Alice with an active registration Hex32(1).
void SeedActive(Database& db) {
  const Status s = db.Transact([](SqlTransaction& tx) -> Status {
    TESSERA_RETURN_IF_ERROR(InsertUser(tx, CmsUser("alice")));
    TESSERA_RETURN_IF_ERROR(InsertRegServer(tx, RegServer()));
    TESSERA_RETURN_IF_ERROR(InsertRegistration(tx, Started(1)));
    TESSERA_RETURN_IF_ERROR(
        MarkRegistrationPending(tx, Hex32(1), Pending(1, "alice", "open"), 150));
    return ConfirmRegistration(tx, Hex32(1), "UALICE234567ABCD", 160).status();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
}

RegSessionRecord Session(Database& db, std::uint32_t n) {
  RegSessionRecord out;
  const Status s = db.Read([&](SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(auto found, FindRegSession(tx, Hex32(0x5000 + n)));
    EXPECT_TRUE(found.has_value());
    if (found) out = *found;
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

// AdvanceRegSessionSeq in its own transaction; nullopt on error.
std::optional<bool> Advance(Database& db, std::uint32_t n, std::int64_t seq, std::int64_t now) {
  std::optional<bool> matched;
  const Status s = db.Transact([&](SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(bool m, AdvanceRegSessionSeq(tx, Hex32(0x5000 + n), seq, now));
    matched = m;
    return Status::Ok();
  });
  if (!s.ok()) return std::nullopt;
  return matched;
}

TEST_P(RegSessionStoreTest, ASessionOpensOnceAndItsSequenceMovesOnlyByOne) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  SeedActive(*db);
  const RegSessionRecord handshake = Handshake(1, Hex32(1));
  ASSERT_EQ(In(*db, [&](SqlTransaction& tx) { return InsertRegSession(tx, handshake); }),
            Code::kOk);
  EXPECT_EQ(In(*db, [&](SqlTransaction& tx) { return InsertRegSession(tx, handshake); }),
            Code::kAlreadyExists);
  EXPECT_EQ(Session(*db, 1), handshake);
  EXPECT_EQ(Advance(*db, 1, 1, 210), false);  // not open yet

  const std::string sid = Hex32(0x5001);
  ASSERT_EQ(In(*db, [&](SqlTransaction& tx) { return OpenRegSession(tx, sid, 29000, 210); }),
            Code::kOk);
  // A replayed A3.
  EXPECT_EQ(In(*db, [&](SqlTransaction& tx) { return OpenRegSession(tx, sid, 29000, 211); }),
            Code::kConditionsNotSatisfied);
  EXPECT_EQ(In(*db, [&](SqlTransaction& tx) { return OpenRegSession(tx, Hex32(0x5999), 1, 211); }),
            Code::kNotFound);

  EXPECT_EQ(Advance(*db, 1, 1, 220), true);
  EXPECT_EQ(Advance(*db, 1, 1, 221), false);  // replayed
  EXPECT_EQ(Advance(*db, 1, 3, 222), false);  // out of order
  EXPECT_EQ(Advance(*db, 1, 0, 222), false);
  EXPECT_EQ(Advance(*db, 1, 2, 230), true);
  RegSessionRecord open = handshake;
  open.state = "open";
  open.expires_at = 29000;
  open.c2s_seq = 2;
  open.last_used_at = 230;
  EXPECT_EQ(Session(*db, 1), open);
  ASSERT_EQ(In(*db, [&](SqlTransaction& tx) { return TouchRegSession(tx, sid, 240); }), Code::kOk);
  EXPECT_EQ(Session(*db, 1).last_used_at, 240);
  EXPECT_EQ(Advance(*db, 1, 3, 29000), false);  // past its lifetime

  ASSERT_EQ(In(*db, [&](SqlTransaction& tx) { return CloseRegSession(tx, sid, 250); }), Code::kOk);
  EXPECT_EQ(In(*db, [&](SqlTransaction& tx) { return CloseRegSession(tx, sid, 251); }),
            Code::kConditionsNotSatisfied);
  EXPECT_EQ(In(*db, [&](SqlTransaction& tx) { return TouchRegSession(tx, sid, 252); }),
            Code::kNotFound);
  EXPECT_EQ(Advance(*db, 1, 3, 253), false);
  open.state = "closed";
  open.closed_at = 250;
  open.last_used_at = 240;
  EXPECT_EQ(Session(*db, 1), open);
}

TEST_P(RegSessionStoreTest, ADecoyRoundTripsAndAnExpiredHandshakeDoesNotOpen) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  SeedActive(*db);
  const RegSessionRecord decoy = Handshake(2, std::nullopt);
  ASSERT_EQ(In(*db, [&](SqlTransaction& tx) { return InsertRegSession(tx, decoy); }), Code::kOk);
  EXPECT_EQ(Session(*db, 2), decoy);
  EXPECT_EQ(In(*db, [&](SqlTransaction& tx) { return OpenRegSession(tx, decoy.id, 29000, 260); }),
            Code::kConditionsNotSatisfied);
  EXPECT_EQ(Session(*db, 2).state, "handshake");
}

TEST_P(RegSessionStoreTest, MaintenanceClosesExpiredAndIdleSessionsAndDeletesOldClosedOnes) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  SeedActive(*db);
  ASSERT_EQ(In(*db,
               [](SqlTransaction& tx) -> Status {
                 for (std::uint32_t n : {1u, 2u, 3u, 4u}) {
                   TESSERA_RETURN_IF_ERROR(InsertRegSession(tx, Handshake(n, Hex32(1))));
                 }
                 // 1: open, used at 900. 2: open, used at 210 (idle). 3: left
                 // in its handshake (deadline 260). 4: open until 500.
                 TESSERA_RETURN_IF_ERROR(OpenRegSession(tx, Hex32(0x5001), 29000, 210));
                 TESSERA_RETURN_IF_ERROR(OpenRegSession(tx, Hex32(0x5002), 29000, 210));
                 TESSERA_RETURN_IF_ERROR(OpenRegSession(tx, Hex32(0x5004), 500, 210));
                 return TouchRegSession(tx, Hex32(0x5001), 900);
               }),
            Code::kOk);
  std::int64_t n = 0;
  ASSERT_EQ(In(*db,
               [&](SqlTransaction& tx) -> Status {
                 TESSERA_ASSIGN_OR_RETURN(n, ExpireRegSessions(tx, 1000, 1000 - 600));
                 return Status::Ok();
               }),
            Code::kOk);
  EXPECT_EQ(n, 3);
  EXPECT_EQ(Session(*db, 1).state, "open");
  for (std::uint32_t closed : {2u, 3u, 4u}) {
    EXPECT_EQ(Session(*db, closed).state, "closed");
    EXPECT_EQ(Session(*db, closed).closed_at, 1000);
  }
  ASSERT_EQ(In(*db, [](SqlTransaction& tx) { return CloseRegSession(tx, Hex32(0x5001), 5000); }),
            Code::kOk);
  ASSERT_EQ(In(*db,
               [&](SqlTransaction& tx) -> Status {
                 TESSERA_ASSIGN_OR_RETURN(n, DeleteClosedRegSessions(tx, 1001));
                 return Status::Ok();
               }),
            Code::kOk);
  EXPECT_EQ(n, 3);
  EXPECT_EQ(QueryIntOrFail(*db, "SELECT count(*) FROM reg_sessions"), 1);
}

// Two gateway nodes (two Databases, as two tesserad processes would have)
// both try to accept every request 1..kRequests: each seq is won exactly
// once, and the row ends at kRequests.
TEST_P(RegSessionStoreTest, TwoNodesRacingForEachRequestAcceptItExactlyOnce) {
  constexpr std::int64_t kRequests = 40;
  auto setup = OpenDb();
  ASSERT_NE(setup, nullptr);
  SeedActive(*setup);
  ASSERT_EQ(In(*setup,
               [](SqlTransaction& tx) -> Status {
                 TESSERA_RETURN_IF_ERROR(InsertRegSession(tx, Handshake(1, Hex32(1))));
                 return OpenRegSession(tx, Hex32(0x5001), 29000, 210);
               }),
            Code::kOk);
  std::unique_ptr<Database> nodes[2] = {OpenDb(), OpenDb()};
  ASSERT_TRUE(nodes[0] && nodes[1]);
  std::atomic<int> wins[2] = {0, 0};
  std::atomic<int> errors{0};
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 2; ++i) {
    threads.emplace_back([&, i] {
      ++ready;
      while (ready.load() < 2) std::this_thread::yield();
      for (std::int64_t seq = 1; seq <= kRequests; ++seq) {
        std::optional<bool> won = Advance(*nodes[i], 1, seq, 300);
        if (!won) {
          ++errors;
        } else if (*won) {
          ++wins[i];
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(wins[0].load() + wins[1].load(), kRequests);
  EXPECT_EQ(QueryIntOrFail(*setup, "SELECT c2s_seq FROM reg_sessions"), kRequests);
}

INSTANTIATE_TEST_SUITE_P(Backends, RegSessionStoreTest, ::testing::ValuesIn(TestedBackends()),
                         BackendName);

}  // namespace
}  // namespace tessera::directory::testing
