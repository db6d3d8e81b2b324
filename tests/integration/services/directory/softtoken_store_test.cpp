// The soft-token store (softtoken_store.hpp) on every backend: each record
// round-trips whole, and each kAlreadyExists, kNotFound and
// kConditionsNotSatisfied the header promises happens: a handle is unique
// among pending requests only, a nonce is consumed once, tries burn a
// request, and maintenance leaves nothing behind.
#include "services/directory/stores/softtoken_store.hpp"

#include <gtest/gtest.h>

#include "tests/integration/services/directory/backend_fixture.hpp"
#include "tests/integration/services/directory/softtoken_store_records.hpp"

namespace tessera::directory::testing {
namespace {

using SoftTokenStoreTest = BackendTest;

// The code of running `body` in one transaction.
Code In(Database& db, const std::function<Status(SqlTransaction&)>& body) {
  return db.Transact(body).code();
}

// Runs `body` in a read transaction; fails the test on error.
void Check(Database& db, const std::function<Status(SqlTransaction&)>& body) {
  const Status s = db.Read(body);
  EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST_P(SoftTokenStoreTest, IssuersRoundTripListByNameAndRefuseDuplicates) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  SeedSoftToken(*db);
  SoftTokenIssuerRecord second = StIssuer("a-second");
  second.hsm_key_id = Bytes(64, 0xee);
  second.cert_serial = Bytes(20, 0xff);
  ASSERT_EQ(In(*db, [&](SqlTransaction& tx) { return InsertStIssuer(tx, second); }), Code::kOk);
  EXPECT_EQ(In(*db, [&](SqlTransaction& tx) { return InsertStIssuer(tx, StIssuer()); }),
            Code::kAlreadyExists);
  SoftTokenIssuerRecord same_certificate = StIssuer("other");  // (ca1, 0x50 0x01) again
  EXPECT_EQ(In(*db, [&](SqlTransaction& tx) { return InsertStIssuer(tx, same_certificate); }),
            Code::kAlreadyExists);
  Check(*db, [&](SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(auto found, FindStIssuer(tx, "a-second"));
    EXPECT_EQ(found, second);
    TESSERA_ASSIGN_OR_RETURN(auto missing, FindStIssuer(tx, "none"));
    EXPECT_EQ(missing, std::nullopt);
    TESSERA_ASSIGN_OR_RETURN(auto all, ListStIssuers(tx));
    EXPECT_EQ(all, (std::vector<SoftTokenIssuerRecord>{second, StIssuer()}));
    return Status::Ok();
  });
}

TEST_P(SoftTokenStoreTest, ANonceIsConsumedOnceNotAfterItsExpiryAndPurged) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  ASSERT_EQ(In(*db,
               [](SqlTransaction& tx) -> Status {
                 TESSERA_RETURN_IF_ERROR(InsertStNonce(tx, StNonce(1, 220)));
                 return InsertStNonce(tx, StNonce(2, 220));
               }),
            Code::kOk);
  EXPECT_EQ(In(*db, [](SqlTransaction& tx) { return InsertStNonce(tx, StNonce(1, 500)); }),
            Code::kAlreadyExists);
  EXPECT_EQ(In(*db, [](SqlTransaction& tx) { return ConsumeStNonce(tx, Filled(32, 1), 150); }),
            Code::kOk);
  // Twice: refused, and the first use stays recorded.
  const Status again =
      db->Transact([](SqlTransaction& tx) { return ConsumeStNonce(tx, Filled(32, 1), 160); });
  EXPECT_EQ(again.code(), Code::kConditionsNotSatisfied);
  EXPECT_NE(again.message().find("used already, at 150"), std::string::npos) << again.message();
  const Status late = db->Transact([](SqlTransaction& tx) {
    return ConsumeStNonce(tx, Filled(32, 2), 220);  // expires_at <= now
  });
  EXPECT_EQ(late.code(), Code::kConditionsNotSatisfied);
  EXPECT_NE(late.message().find("expired at 220"), std::string::npos) << late.message();
  EXPECT_EQ(In(*db, [](SqlTransaction& tx) { return ConsumeStNonce(tx, Filled(32, 3), 150); }),
            Code::kNotFound);
  Check(*db, [](SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(auto used, FindStNonce(tx, Filled(32, 1)));
    EXPECT_EQ(used, (SoftTokenNonceRecord{Filled(32, 1), 100, 220, 150}));
    TESSERA_ASSIGN_OR_RETURN(auto unused, FindStNonce(tx, Filled(32, 2)));
    EXPECT_EQ(unused, StNonce(2, 220));
    return Status::Ok();
  });
  EXPECT_EQ(In(*db, [](SqlTransaction& tx) { return InsertStNonce(tx, StNonce(3, 900)); }),
            Code::kOk);
  ASSERT_TRUE(db->Transact([](SqlTransaction& tx) -> Status {
                  TESSERA_ASSIGN_OR_RETURN(std::int64_t purged, PurgeStNonces(tx, 221));
                  EXPECT_EQ(purged, 2);
                  return Status::Ok();
                }).ok());
  EXPECT_EQ(QueryIntOrFail(*db, "SELECT count(*) FROM st_nonces"), 1);
}

TEST_P(SoftTokenStoreTest, ARequestRoundTripsPendingMatchedIssuedWithEveryColumn) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  SeedSoftToken(*db);
  const SoftTokenRequestRecord pending = StRequest(1);
  ASSERT_EQ(In(*db, [&](SqlTransaction& tx) { return InsertStRequest(tx, pending); }), Code::kOk);
  Check(*db, [&](SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(auto found, FindStRequest(tx, pending.id));
    EXPECT_EQ(found, pending);
    TESSERA_ASSIGN_OR_RETURN(auto by_handle, FindPendingStRequestByHandle(tx, pending.handle));
    EXPECT_EQ(by_handle, pending);
    TESSERA_ASSIGN_OR_RETURN(auto none, FindStRequest(tx, Hex32(1)));
    EXPECT_EQ(none, std::nullopt);
    return Status::Ok();
  });

  const SoftTokenRequestRecord matched = Matched(pending);
  ASSERT_EQ(In(*db, [&](SqlTransaction& tx) { return UpdateStRequest(tx, matched, "pending"); }),
            Code::kOk);
  // The compare-and-set: a second match from "pending" is refused, saying why.
  const Status twice =
      db->Transact([&](SqlTransaction& tx) { return UpdateStRequest(tx, matched, "pending"); });
  EXPECT_EQ(twice.code(), Code::kConditionsNotSatisfied);
  EXPECT_NE(twice.message().find("is matched, not pending"), std::string::npos) << twice.message();
  SoftTokenRequestRecord unknown = matched;
  unknown.id = Hex32(1);
  EXPECT_EQ(In(*db, [&](SqlTransaction& tx) { return UpdateStRequest(tx, unknown, "pending"); }),
            Code::kNotFound);

  SoftTokenRequestRecord issued = matched;
  issued.state = "issued";
  issued.token_id = StToken(1).id;
  issued.delivered_computer = true;
  issued.updated_at = 170;
  SoftTokenRecord token = StToken(1);
  token.request_id = pending.id;
  ASSERT_EQ(In(*db,
               [&](SqlTransaction& tx) -> Status {
                 TESSERA_RETURN_IF_ERROR(InsertStToken(tx, token));
                 return UpdateStRequest(tx, issued, "matched");
               }),
            Code::kOk);
  Check(*db, [&](SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(auto found, FindStRequest(tx, pending.id));
    EXPECT_EQ(found, issued);
    TESSERA_ASSIGN_OR_RETURN(auto by_handle, FindPendingStRequestByHandle(tx, pending.handle));
    EXPECT_EQ(by_handle, std::nullopt);  // not pending any more
    TESSERA_ASSIGN_OR_RETURN(auto stored, FindStToken(tx, token.id));
    EXPECT_EQ(stored, token);
    return Status::Ok();
  });
}

TEST_P(SoftTokenStoreTest, AHandleIsUniqueAmongPendingRequestsOnly) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  ASSERT_EQ(In(*db, [](SqlTransaction& tx) { return InsertStRequest(tx, StRequest(1)); }),
            Code::kOk);
  SoftTokenRequestRecord same_handle = StRequest(2);
  same_handle.handle = StHandle(1);
  const Status taken =
      db->Transact([&](SqlTransaction& tx) { return InsertStRequest(tx, same_handle); });
  EXPECT_EQ(taken.code(), Code::kAlreadyExists);
  EXPECT_NE(taken.message().find("handle " + StHandle(1)), std::string::npos) << taken.message();
  EXPECT_EQ(In(*db, [](SqlTransaction& tx) { return InsertStRequest(tx, StRequest(1)); }),
            Code::kAlreadyExists);  // the id

  // Five wrong secrets burn request 1; its handle is free again.
  for (std::int64_t left = 4; left >= 0; --left) {
    ASSERT_TRUE(db->Transact([&](SqlTransaction& tx) -> Status {
                    TESSERA_ASSIGN_OR_RETURN(std::int64_t tries,
                                             SpendStRequestTry(tx, StRequest(1).id, 200 + left));
                    EXPECT_EQ(tries, left);
                    return Status::Ok();
                  }).ok());
  }
  const Status burned = db->Transact(
      [](SqlTransaction& tx) { return SpendStRequestTry(tx, StRequest(1).id, 300).status(); });
  EXPECT_EQ(burned.code(), Code::kConditionsNotSatisfied);
  EXPECT_NE(burned.message().find("is burned"), std::string::npos) << burned.message();
  EXPECT_EQ(
      In(*db, [](SqlTransaction& tx) { return SpendStRequestTry(tx, Hex32(1), 300).status(); }),
      Code::kNotFound);
  ASSERT_EQ(In(*db, [&](SqlTransaction& tx) { return InsertStRequest(tx, same_handle); }),
            Code::kOk);
  Check(*db, [&](SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(auto first, FindStRequest(tx, StRequest(1).id));
    EXPECT_TRUE(first.has_value());
    if (first) {
      EXPECT_EQ(first->state, "burned");
      EXPECT_EQ(first->tries_left, 0);
      EXPECT_EQ(first->updated_at, 200);
    }
    TESSERA_ASSIGN_OR_RETURN(auto holder, FindPendingStRequestByHandle(tx, StHandle(1)));
    EXPECT_EQ(holder, same_handle);
    TESSERA_ASSIGN_OR_RETURN(std::int64_t pending, CountPendingStRequests(tx));
    EXPECT_EQ(pending, 1);
    return Status::Ok();
  });
  // A burned request cannot come back to pending over the holder's handle.
  SoftTokenRequestRecord back = StRequest(1);
  EXPECT_EQ(In(*db, [&](SqlTransaction& tx) { return UpdateStRequest(tx, back, "burned"); }),
            Code::kAlreadyExists);
}

TEST_P(SoftTokenStoreTest, ExpiryDeletesUnissuedRequestsAndErasesTokenContent) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  SeedSoftToken(*db);
  // Request 1 pending, 2 matched, 3 issued (token 1, content still there),
  // 4 refused, all expiring at 400; request 5 pending until 900 with an
  // issued token 2 (request 6, expiring at 900).
  SoftTokenRequestRecord issued = Matched(StRequest(3));
  SoftTokenRequestRecord refused = Matched(StRequest(4));
  refused.state = "refused";
  SoftTokenRequestRecord later = StRequest(5);
  later.expires_at = 900;
  SoftTokenRequestRecord later_issued = Matched(StRequest(6));
  later_issued.expires_at = 900;
  SoftTokenRecord token1 = StToken(1);
  token1.request_id = issued.id;
  SoftTokenRecord token2 = StToken(2);
  token2.request_id = later_issued.id;
  ASSERT_EQ(In(*db,
               [&](SqlTransaction& tx) -> Status {
                 TESSERA_RETURN_IF_ERROR(InsertStRequest(tx, StRequest(1)));
                 TESSERA_RETURN_IF_ERROR(InsertStRequest(tx, Matched(StRequest(2))));
                 TESSERA_RETURN_IF_ERROR(InsertStRequest(tx, issued));
                 TESSERA_RETURN_IF_ERROR(InsertStRequest(tx, refused));
                 TESSERA_RETURN_IF_ERROR(InsertStRequest(tx, later));
                 TESSERA_RETURN_IF_ERROR(InsertStRequest(tx, later_issued));
                 TESSERA_RETURN_IF_ERROR(InsertStToken(tx, token1));
                 TESSERA_RETURN_IF_ERROR(InsertStToken(tx, token2));
                 issued.state = "issued";
                 issued.token_id = token1.id;
                 TESSERA_RETURN_IF_ERROR(UpdateStRequest(tx, issued, "matched"));
                 later_issued.state = "issued";
                 later_issued.token_id = token2.id;
                 return UpdateStRequest(tx, later_issued, "matched");
               }),
            Code::kOk);
  // Nothing is past its expiry at 399.
  ASSERT_TRUE(db->Transact([](SqlTransaction& tx) -> Status {
                  TESSERA_ASSIGN_OR_RETURN(std::int64_t deleted, ExpireStRequests(tx, 399));
                  EXPECT_EQ(deleted, 0);
                  return Status::Ok();
                }).ok());
  EXPECT_EQ(QueryIntOrFail(*db, "SELECT count(*) FROM st_tokens WHERE content IS NULL"), 0);
  ASSERT_TRUE(db->Transact([](SqlTransaction& tx) -> Status {
                  TESSERA_ASSIGN_OR_RETURN(std::int64_t deleted, ExpireStRequests(tx, 400));
                  EXPECT_EQ(deleted, 3);  // pending, matched, refused
                  return Status::Ok();
                }).ok());
  Check(*db, [&](SqlTransaction& tx) -> Status {
    for (std::uint32_t gone : {1u, 2u, 4u}) {
      TESSERA_ASSIGN_OR_RETURN(auto found, FindStRequest(tx, StRequest(gone).id));
      EXPECT_EQ(found, std::nullopt) << gone;
    }
    TESSERA_ASSIGN_OR_RETURN(auto kept, FindStRequest(tx, issued.id));
    EXPECT_EQ(kept, issued);
    TESSERA_ASSIGN_OR_RETURN(auto waiting, FindStRequest(tx, later.id));
    EXPECT_EQ(waiting, later);
    TESSERA_ASSIGN_OR_RETURN(auto erased, FindStToken(tx, token1.id));
    SoftTokenRecord without_content = token1;
    without_content.content = std::nullopt;
    EXPECT_EQ(erased, without_content);
    TESSERA_ASSIGN_OR_RETURN(auto still, FindStToken(tx, token2.id));
    EXPECT_EQ(still, token2);
    return Status::Ok();
  });
  // Request 1's handle is free again after its deletion.
  EXPECT_EQ(In(*db, [](SqlTransaction& tx) { return InsertStRequest(tx, StRequest(1)); }),
            Code::kOk);
}

TEST_P(SoftTokenStoreTest, TokensRoundTripTakeTheNextIndexAndRevokeOnce) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  SeedSoftToken(*db);
  Check(*db, [](SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(std::uint32_t first, NextStatusIndex(tx, "default"));
    EXPECT_EQ(first, 0u);
    return Status::Ok();
  });
  SoftTokenRecord zero = StToken(0);
  SoftTokenRecord x509 = X509(StToken(7, 1003), 1);
  x509.content = std::nullopt;
  SoftTokenRecord other_list = StToken(3, 1002, "bob");
  other_list.status_list = "list.2";
  other_list.status_index = 4'294'967'295u;
  ASSERT_EQ(In(*db,
               [&](SqlTransaction& tx) -> Status {
                 TESSERA_RETURN_IF_ERROR(InsertStToken(tx, zero));
                 TESSERA_RETURN_IF_ERROR(InsertStToken(tx, x509));
                 return InsertStToken(tx, other_list);
               }),
            Code::kOk);
  Check(*db, [&](SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(std::uint32_t next, NextStatusIndex(tx, "default"));
    EXPECT_EQ(next, 8u);
    TESSERA_ASSIGN_OR_RETURN(auto found, FindStToken(tx, x509.id));
    EXPECT_EQ(found, x509);
    TESSERA_ASSIGN_OR_RETURN(auto of_card, StTokensOfCard(tx, 1001));
    EXPECT_EQ(of_card, std::vector<SoftTokenRecord>{zero});
    TESSERA_ASSIGN_OR_RETURN(auto none, FindStToken(tx, Hex32(1)));
    EXPECT_EQ(none, std::nullopt);
    const auto full = NextStatusIndex(tx, "list.2");
    EXPECT_EQ(full.status().code(), Code::kNoSpace);
    return Status::Ok();
  });

  // Taken: the id, the (list, index); unknown: the user, the issuer, the
  // source certificate, the request.
  SoftTokenRecord same_index = StToken(7);
  same_index.id = Hex32(0x9000);
  EXPECT_EQ(In(*db, [&](SqlTransaction& tx) { return InsertStToken(tx, same_index); }),
            Code::kAlreadyExists);
  EXPECT_EQ(In(*db, [&](SqlTransaction& tx) { return InsertStToken(tx, StToken(0)); }),
            Code::kAlreadyExists);
  SoftTokenRecord bad = StToken(20);
  bad.user_id = "carol";
  EXPECT_EQ(In(*db, [&](SqlTransaction& tx) { return InsertStToken(tx, bad); }), Code::kNotFound);
  bad = StToken(20);
  bad.issuer = "none";
  EXPECT_EQ(In(*db, [&](SqlTransaction& tx) { return InsertStToken(tx, bad); }), Code::kNotFound);
  bad = StToken(20);
  bad.source_serial = Bytes{0x77};
  EXPECT_EQ(In(*db, [&](SqlTransaction& tx) { return InsertStToken(tx, bad); }), Code::kNotFound);
  bad = StToken(20);
  bad.request_id = Hex32(0x7777);
  EXPECT_EQ(In(*db, [&](SqlTransaction& tx) { return InsertStToken(tx, bad); }), Code::kNotFound);

  EXPECT_EQ(In(*db, [&](SqlTransaction& tx) { return RevokeStToken(tx, zero.id, 500); }),
            Code::kOk);
  const Status twice =
      db->Transact([&](SqlTransaction& tx) { return RevokeStToken(tx, zero.id, 600); });
  EXPECT_EQ(twice.code(), Code::kConditionsNotSatisfied);
  EXPECT_NE(twice.message().find("revoked already, at 500"), std::string::npos) << twice.message();
  EXPECT_EQ(In(*db, [](SqlTransaction& tx) { return RevokeStToken(tx, Hex32(1), 600); }),
            Code::kNotFound);
  EXPECT_EQ(In(*db, [&](SqlTransaction& tx) { return EraseStTokenContent(tx, zero.id); }),
            Code::kOk);
  EXPECT_EQ(In(*db, [](SqlTransaction& tx) { return EraseStTokenContent(tx, Hex32(1)); }),
            Code::kNotFound);
  Check(*db, [&](SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(auto found, FindStToken(tx, zero.id));
    SoftTokenRecord expected = zero;
    expected.revoked_at = 500;
    expected.content = std::nullopt;
    EXPECT_EQ(found, expected);
    return Status::Ok();
  });
}

INSTANTIATE_TEST_SUITE_P(Backends, SoftTokenStoreTest, ::testing::ValuesIn(TestedBackends()),
                         BackendName);

}  // namespace
}  // namespace tessera::directory::testing
