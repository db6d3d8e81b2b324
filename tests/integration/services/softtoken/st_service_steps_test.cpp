// The steps' order and the card's lifetime (seed 002; docs/softtoken-api.md
// "Channel 2", "Errors"): a step out of order is 409, a request past its
// life 410, a token fetched by another card 404; a card whose certificate
// is past its notAfter or whose binding names another user is refused.
// SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include <algorithm>

#include "services/directory/stores/cms_store.hpp"
#include "services/http/problem.hpp"
#include "tests/integration/services/softtoken/st_service_fixture.hpp"

namespace tessera::softtoken::testing {
namespace {

int HttpOf(const Status& s) { return http::ProblemFor(s).status; }

class StSteps : public StServiceTest {};

TEST_P(StSteps, AStepOutOfOrderIsAConflict) {
  Bring();
  const Card alice = IssueCard("alice", 1001);
  const Card bob = IssueCard("bob", 1002);
  Result<RequestCreated> created = Request(0, Exporter(1), "computer");
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  const IdCaller id = Id(alice, Exporter(2));
  // Before the match there is nothing to approve or reject.
  Status early = service().Approve(created->id, "AAAA", "", id, caller()).status();
  EXPECT_EQ(early.code(), Code::kConditionsNotSatisfied) << early.ToString();
  EXPECT_EQ(HttpOf(early), 409);
  EXPECT_EQ(service().Reject(created->id, "AAAA", id, caller()).code(),
            Code::kConditionsNotSatisfied);

  Result<MatchAnswer> match = service().Match(created->otp, id, caller());
  ASSERT_TRUE(match.ok()) << match.status().ToString();
  // The comparison code as a user types it: lower case, no dash.
  std::string typed = match->comparison;
  typed.erase(std::remove(typed.begin(), typed.end(), '-'), typed.end());
  for (char& c : typed) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  Result<ApproveAnswer> approved =
      service().Approve(created->id, match->confirmation, typed, id, caller());
  ASSERT_TRUE(approved.ok()) << approved.status().ToString();
  Status twice = service().Approve(created->id, match->confirmation, "", id, caller()).status();
  EXPECT_EQ(twice.code(), Code::kConditionsNotSatisfied) << twice.ToString();
  EXPECT_NE(twice.message().find("issued already"), std::string::npos);
  EXPECT_EQ(service().Reject(created->id, match->confirmation, id, caller()).code(),
            Code::kConditionsNotSatisfied);
  EXPECT_EQ(State(created->id), "issued");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM st_tokens"), 1);

  // The token again, for the card that approved it only.
  Result<ApproveAnswer> fetched = service().Fetch(approved->token_id, id);
  ASSERT_TRUE(fetched.ok()) << fetched.status().ToString();
  EXPECT_EQ(fetched->soft_token, approved->soft_token);
  Status by_bob = service().Fetch(approved->token_id, Id(bob, Exporter(3))).status();
  EXPECT_EQ(by_bob.code(), Code::kNotFound) << by_bob.ToString();
  EXPECT_EQ(service().Fetch(std::string(32, '0'), id).status().code(), Code::kNotFound);
  EXPECT_EQ(service().Fetch("../x", id).status().code(), Code::kNotFound);

  // A token delivered to the device only is not kept for the computer.
  Result<ApproveAnswer> device_only = IssueVia(1, alice, "sd-jwt-vc", "device", 0x20);
  ASSERT_TRUE(device_only.ok()) << device_only.status().ToString();
  EXPECT_TRUE(device_only->soft_token.empty());
  EXPECT_EQ(HttpOf(service().Fetch(device_only->token_id, id).status()), 410);
}

TEST_P(StSteps, AMatchedRequestPastItsLifeIsGone) {
  SoftTokenOptions options;
  options.otp_lifetime = 60;
  Bring(options);
  const Card alice = IssueCard("alice", 1001);
  Result<RequestCreated> created = Request(0, Exporter(1));
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  Result<MatchAnswer> match = service().Match(created->otp, Id(alice, Exporter(2)), caller());
  ASSERT_TRUE(match.ok()) << match.status().ToString();
  Advance(61);
  Status late = service()
                    .Approve(created->id, match->confirmation, match->comparison,
                             Id(alice, Exporter(2)), caller())
                    .status();
  EXPECT_EQ(HttpOf(late), 410) << late.ToString();
  Result<PollAnswer> polled = PollAs(0, created->id, Exporter(1));
  ASSERT_TRUE(polled.ok()) << polled.status().ToString();
  EXPECT_EQ(polled->state, "expired");
  EXPECT_TRUE(polled->soft_token.empty());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM st_tokens"), 0);
  ASSERT_TRUE(service().Maintain().ok());
  EXPECT_FALSE(Row(created->id).has_value());
}

TEST_P(StSteps, ACardBoundToAnotherUserOrPastItsCertificateIsRefused) {
  Bring();
  const Card alice = IssueCard("alice", 1001);
  Result<RequestCreated> created = Request(0, Exporter(1));
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  // The binding of card 1001 names bob, its certificate alice.
  auto rebind = [&](const std::string& user) {
    return db().Transact([&](directory::SqlTransaction& tx) -> Status {
      TESSERA_ASSIGN_OR_RETURN(std::optional<directory::BindingRecord> binding,
                               directory::FindBinding(tx, alice.binding_id));
      if (!binding) return Status::NotFound("binding");
      binding->user_id = user;
      return directory::UpdateBinding(tx, *binding);
    });
  };
  ASSERT_TRUE(rebind("bob").ok());
  Status other_user = service().Match(created->otp, Id(alice, Exporter(2)), caller()).status();
  EXPECT_EQ(other_user.code(), Code::kSecurityStatus) << other_user.ToString();
  EXPECT_NE(other_user.message().find("no active binding to user alice"), std::string::npos);
  ASSERT_TRUE(rebind("alice").ok());
  EXPECT_EQ(Tries(created->id), 5);

  // Past the 9A certificate's notAfter (730 days).
  Advance(731 * 86400);
  Status expired = service().Match(created->otp, Id(alice, Exporter(2)), caller()).status();
  EXPECT_EQ(expired.code(), Code::kSecurityStatus) << expired.ToString();
  EXPECT_NE(expired.message().find("not valid now"), std::string::npos);
  EXPECT_EQ(State(created->id), "pending");
  EXPECT_EQ(Tries(created->id), 5);
}

INSTANTIATE_TEST_SUITE_P(Backends, StSteps, ::testing::Values("sqlite", "postgresql"));

}  // namespace
}  // namespace tessera::softtoken::testing
