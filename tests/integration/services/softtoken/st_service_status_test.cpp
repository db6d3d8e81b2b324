// After issuance (seed 002; docs/softtoken-api.md "For verifiers", "What is
// kept"): the status list says a soft token is invalid once its card's 9A
// certificate is revoked or its binding is, after the cache's ttl; the
// maintenance sweep deletes expired requests (nothing left behind), erases
// kept content and revokes at the CA the X.509 soft certificate of a card
// that lost its binding. SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include "services/directory/stores/ca_store.hpp"
#include "services/jose/status_list.hpp"
#include "tests/integration/services/softtoken/st_service_fixture.hpp"

namespace tessera::softtoken::testing {
namespace {

class StAfterIssue : public StServiceTest {
 protected:
  // The status of `index` in the list `service` serves now.
  jose::TokenStatus StatusOf(SoftTokenService& from, const std::string& uri, std::uint64_t index) {
    Result<std::string> jwt = from.StatusList("default");
    EXPECT_TRUE(jwt.ok()) << jwt.status().ToString();
    if (!jwt.ok()) return jose::TokenStatus::kInvalid;
    ossl::PkeyPtr key = IssuerKey();
    Result<jose::StatusList> list = jose::VerifyStatusListToken(*jwt, *key, uri, from.Now());
    EXPECT_TRUE(list.ok()) << list.status().ToString();
    if (!list.ok()) return jose::TokenStatus::kInvalid;
    EXPECT_EQ(list->ttl, from.options().status_ttl);
    Result<jose::TokenStatus> status = jose::StatusAt(list->bits, index);
    EXPECT_TRUE(status.ok()) << status.status().ToString();
    return status.ok() ? *status : jose::TokenStatus::kInvalid;
  }
};

TEST_P(StAfterIssue, TheStatusListFollowsTheCardsCertificateAndBinding) {
  Bring();
  const Card alice = IssueCard("alice", 1001);
  const Card bob = IssueCard("bob", 1002);
  Result<ApproveAnswer> a = IssueVia(0, alice, "sd-jwt-vc", "both", 0x10);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  Result<ApproveAnswer> b = IssueVia(1, bob, "sd-jwt-vc", "both", 0x20);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  ASSERT_NE(a->status_index, b->status_index);
  const std::string uri = a->status_uri;
  using jose::TokenStatus;
  EXPECT_EQ(StatusOf(service(), uri, a->status_index), TokenStatus::kValid);
  EXPECT_EQ(StatusOf(service(), uri, b->status_index), TokenStatus::kValid);

  // Alice's 9A certificate revoked: the list signed a moment ago is kept
  // status_ttl seconds (documented), then says invalid.
  ASSERT_NO_FATAL_FAILURE(RevokeCard(alice));
  EXPECT_EQ(StatusOf(service(), uri, a->status_index), TokenStatus::kValid) << "the cached list";
  Advance(service().options().status_ttl);
  EXPECT_EQ(StatusOf(service(), uri, a->status_index), TokenStatus::kInvalid);
  EXPECT_EQ(StatusOf(service(), uri, b->status_index), TokenStatus::kValid);

  // Bob's binding revoked (the CMS revoked the card); a fresh instance has
  // no cache.
  ASSERT_NO_FATAL_FAILURE(SetBinding(bob, "revoked"));
  SoftTokenOptions options;
  options.status_ttl = 1;
  std::shared_ptr<SoftTokenService> fresh = AnotherService(options);
  EXPECT_EQ(StatusOf(*fresh, uri, a->status_index), TokenStatus::kInvalid);
  EXPECT_EQ(StatusOf(*fresh, uri, b->status_index), TokenStatus::kInvalid);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM st_tokens WHERE revoked_at IS NOT NULL"), 0)
      << "the SD-JWT rows are not revoked: their bits come from the card";
  Result<std::string> none = service().StatusList("other");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), Code::kNotFound);
}

TEST_P(StAfterIssue, MaintenanceLeavesNothingBehindAndRevokesTheX509FormOfALostCard) {
  SoftTokenOptions options;
  options.otp_lifetime = 60;
  Bring(options);
  const Card alice = IssueCard("alice", 1001);
  const Card bob = IssueCard("bob", 1002);
  Result<ApproveAnswer> x509 = IssueVia(0, bob, "x509", "both", 0x10);
  ASSERT_TRUE(x509.ok()) << x509.status().ToString();
  Result<ApproveAnswer> alice_x509 = IssueVia(1, alice, "x509", "device", 0x18);
  ASSERT_TRUE(alice_x509.ok()) << alice_x509.status().ToString();
  Result<RequestCreated> pending = Request(0, Exporter(0x20));
  ASSERT_TRUE(pending.ok()) << pending.status().ToString();
  Result<RequestCreated> matched = Request(1, Exporter(0x30));
  ASSERT_TRUE(matched.ok()) << matched.status().ToString();
  ASSERT_TRUE(service().Match(matched->otp, Id(alice, Exporter(0x31)), caller()).ok());
  ASSERT_TRUE(service().NewChallenge(caller()).ok());  // never used

  Result<MaintenanceReport> early = service().Maintain();
  ASSERT_TRUE(early.ok()) << early.status().ToString();
  EXPECT_EQ(early->requests_expired, 0);
  EXPECT_EQ(early->certificates_revoked, 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM st_requests"), 4);

  Advance(200);  // past the requests' 60 s and the nonces' 120 s
  Result<MaintenanceReport> report = service().Maintain();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->requests_expired, 2);
  EXPECT_GE(report->nonces_purged, 1);
  EXPECT_EQ(report->certificates_revoked, 0);
  EXPECT_FALSE(Row(pending->id).has_value());
  EXPECT_FALSE(Row(matched->id).has_value());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM st_requests"), 2) << "the issued requests stay";
  EXPECT_EQ(Count("SELECT COUNT(*) FROM st_requests WHERE attributes IS NOT NULL AND state <> "
                  "'issued'"),
            0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM st_nonces"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM st_tokens"), 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM st_tokens WHERE content IS NOT NULL"), 0);
  std::optional<directory::SoftTokenRecord> token = TokenRow(x509->token_id);
  ASSERT_TRUE(token.has_value());
  EXPECT_FALSE(token->content.has_value()) << "the content is erased with its request's life";

  // Bob's card loses its binding, Alice's 9A certificate is revoked: the
  // sweep revokes both soft certificates at the CA.
  ASSERT_NO_FATAL_FAILURE(SetBinding(bob, "revoked"));
  ASSERT_NO_FATAL_FAILURE(RevokeCard(alice));
  Result<MaintenanceReport> sweep = service().Maintain();
  ASSERT_TRUE(sweep.ok()) << sweep.status().ToString();
  EXPECT_EQ(sweep->certificates_revoked, 2);
  for (const std::string& id : {x509->token_id, alice_x509->token_id}) {
    token = TokenRow(id);
    ASSERT_TRUE(token.has_value() && token->cert_ca && token->cert_serial);
    EXPECT_TRUE(token->revoked_at.has_value());
    std::optional<directory::RevocationRecord> revocation;
    ASSERT_TRUE(db().Read([&](directory::SqlTransaction& tx) -> Status {
                      TESSERA_ASSIGN_OR_RETURN(
                          revocation,
                          directory::FindRevocation(tx, *token->cert_ca, *token->cert_serial));
                      return Status::Ok();
                    })
                    .ok());
    ASSERT_TRUE(revocation.has_value()) << "the CA did not revoke the soft certificate";
    EXPECT_EQ(revocation->reason, 5) << "cessationOfOperation";
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit WHERE action = 'ca.revoke'"), 3)
      << "Alice's card and the two soft certificates";
  Result<MaintenanceReport> again = service().Maintain();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->certificates_revoked, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, StAfterIssue, ::testing::Values("sqlite", "postgresql"));

}  // namespace
}  // namespace tessera::softtoken::testing
