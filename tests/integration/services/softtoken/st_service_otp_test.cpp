// The one-time password on channel 2 (seed 002; docs/softtoken-api.md "The
// one-time password"): wrong passwords counted down to a burned request, an
// expired one (410), a password typed against another pending request, and
// the approval's checks (another card, a wrong confirmation or comparison,
// a rejection). SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include "services/http/problem.hpp"
#include "tests/integration/services/softtoken/st_service_fixture.hpp"

namespace tessera::softtoken::testing {
namespace {

// The password with its last character changed (same handle, wrong secret).
std::string WrongSecret(std::string otp) {
  otp.back() = otp.back() == 'Z' ? 'Y' : 'Z';
  return otp;
}

// The handle of `a` with the secret of `b`.
std::string Spliced(const std::string& a, const std::string& b) {
  return a.substr(0, 3) + b.substr(3);
}

class StOtp : public StServiceTest {};

TEST_P(StOtp, WrongPasswordsCountDownAndBurnTheRequest) {
  Bring();
  const Card card = IssueCard("alice", 1001);
  Result<RequestCreated> created = Request(0, Exporter(1));
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  const std::string wrong = WrongSecret(created->otp);
  for (int left = 4; left >= 0; --left) {
    Result<MatchAnswer> match = service().Match(wrong, Id(card, Exporter(2)), caller());
    ASSERT_FALSE(match.ok());
    EXPECT_EQ(match.status().code(), Code::kPinIncorrect) << match.status().ToString();
    EXPECT_EQ(match.status().detail(), left);
    EXPECT_EQ(http::ProblemFor(match.status()).status, 403);
    EXPECT_NE(match.status().message().find("wrong one-time password"), std::string::npos);
    if (left > 0) {
      EXPECT_NE(
          match.status().message().find(std::to_string(left) + (left == 1 ? " try" : " tries")),
          std::string::npos)
          << match.status().message();
    }
    EXPECT_EQ(Tries(created->id), left);
  }
  EXPECT_EQ(State(created->id), "burned");
  EXPECT_FALSE(service().Match(WrongSecret(created->otp), Id(card, Exporter(2)), caller()).ok());

  // The right password now finds no pending request.
  Result<MatchAnswer> right = service().Match(created->otp, Id(card, Exporter(2)), caller());
  ASSERT_FALSE(right.ok());
  EXPECT_EQ(right.status().code(), Code::kNotFound) << right.status().ToString();
  EXPECT_NE(right.status().message().find("no pending request"), std::string::npos);
  Result<PollAnswer> polled = PollAs(0, created->id, Exporter(1));
  ASSERT_TRUE(polled.ok()) << polled.status().ToString();
  EXPECT_EQ(polled->state, "burned");
  EXPECT_EQ(polled->tries_left, 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM st_tokens"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM st_requests WHERE attributes IS NOT NULL OR user_id IS "
                  "NOT NULL"),
            0)
      << "no attributes were read";
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit WHERE action = 'softtoken.otp.wrong'"), 5);
}

TEST_P(StOtp, AnExpiredPasswordIsGone) {
  SoftTokenOptions options;
  options.otp_lifetime = 60;
  Bring(options);
  const Card card = IssueCard("alice", 1001);
  Result<RequestCreated> created = Request(0, Exporter(1));
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  Advance(61);
  Result<MatchAnswer> match = service().Match(created->otp, Id(card, Exporter(2)), caller());
  ASSERT_FALSE(match.ok());
  EXPECT_EQ(match.status().code(), Code::kRefused) << match.status().ToString();
  EXPECT_EQ(match.status().detail(), static_cast<int>(http::HttpFault::kGone));
  EXPECT_EQ(http::ProblemFor(match.status()).status, 410);
  EXPECT_NE(match.status().message().find("expired"), std::string::npos);
  EXPECT_EQ(State(created->id), "expired");
  EXPECT_EQ(Tries(created->id), 5);
  Result<PollAnswer> polled = PollAs(0, created->id, Exporter(1));
  ASSERT_TRUE(polled.ok()) << polled.status().ToString();
  EXPECT_EQ(polled->state, "expired");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM st_tokens"), 0);
}

TEST_P(StOtp, APasswordAgainstAnotherRequestCountsForTheHandlesRequest) {
  Bring();
  const Card card = IssueCard("alice", 1001);
  Result<RequestCreated> a = Request(0, Exporter(1));
  Result<RequestCreated> b = Request(1, Exporter(2));
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_NE(a->otp.substr(0, 3), b->otp.substr(0, 3));
  Result<MatchAnswer> mixed =
      service().Match(Spliced(a->otp, b->otp), Id(card, Exporter(3)), caller());
  ASSERT_FALSE(mixed.ok());
  EXPECT_EQ(mixed.status().code(), Code::kPinIncorrect) << mixed.status().ToString();
  EXPECT_EQ(mixed.status().detail(), 4);
  EXPECT_EQ(Tries(a->id), 4);
  EXPECT_EQ(Tries(b->id), 5);
  EXPECT_EQ(State(a->id), "pending");
  EXPECT_EQ(State(b->id), "pending");
  // B's own password still matches B.
  Result<MatchAnswer> right = service().Match(b->otp, Id(card, Exporter(3)), caller());
  ASSERT_TRUE(right.ok()) << right.status().ToString();
  EXPECT_EQ(right->request_id, b->id);
}

TEST_P(StOtp, ApprovalNeedsTheMatchingCardItsConfirmationAndComparison) {
  Bring();
  const Card alice = IssueCard("alice", 1001);
  const Card bob = IssueCard("bob", 1002);
  Result<RequestCreated> created = Request(0, Exporter(1));
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  Result<MatchAnswer> match = service().Match(created->otp, Id(alice, Exporter(2)), caller());
  ASSERT_TRUE(match.ok()) << match.status().ToString();

  Result<ApproveAnswer> other_card = service().Approve(
      created->id, match->confirmation, match->comparison, Id(bob, Exporter(3)), caller());
  ASSERT_FALSE(other_card.ok());
  EXPECT_EQ(other_card.status().code(), Code::kSecurityStatus) << other_card.status().ToString();
  EXPECT_NE(other_card.status().message().find("another card"), std::string::npos);

  std::string wrong = match->confirmation;
  wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
  Result<ApproveAnswer> bad_confirmation =
      service().Approve(created->id, wrong, match->comparison, Id(alice, Exporter(2)), caller());
  ASSERT_FALSE(bad_confirmation.ok());
  EXPECT_EQ(bad_confirmation.status().code(), Code::kSecurityStatus);
  EXPECT_NE(bad_confirmation.status().message().find("confirmation"), std::string::npos);

  std::string other_code = match->comparison;
  other_code[0] = other_code[0] == '0' ? '1' : '0';
  Result<ApproveAnswer> bad_comparison = service().Approve(
      created->id, match->confirmation, other_code, Id(alice, Exporter(2)), caller());
  ASSERT_FALSE(bad_comparison.ok());
  EXPECT_EQ(bad_comparison.status().code(), Code::kSecurityStatus);
  EXPECT_NE(bad_comparison.status().message().find("comparison"), std::string::npos);
  EXPECT_EQ(State(created->id), "matched");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM st_tokens"), 0);

  // Bob's card cannot cancel it either; Alice's can.
  EXPECT_EQ(
      service().Reject(created->id, match->confirmation, Id(bob, Exporter(3)), caller()).code(),
      Code::kSecurityStatus);
  Status rejected =
      service().Reject(created->id, match->confirmation, Id(alice, Exporter(2)), caller());
  ASSERT_TRUE(rejected.ok()) << rejected.ToString();
  EXPECT_EQ(State(created->id), "refused");
  Result<PollAnswer> polled = PollAs(0, created->id, Exporter(1));
  ASSERT_TRUE(polled.ok()) << polled.status().ToString();
  EXPECT_EQ(polled->state, "refused");
  EXPECT_TRUE(polled->soft_token.empty());
  Result<ApproveAnswer> late = service().Approve(
      created->id, match->confirmation, match->comparison, Id(alice, Exporter(2)), caller());
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(http::ProblemFor(late.status()).status, 410) << late.status().ToString();
  EXPECT_EQ(Count("SELECT COUNT(*) FROM st_tokens"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit WHERE action = 'softtoken.reject'"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit WHERE action = 'softtoken.issue.refused'"), 4);
}

INSTANTIATE_TEST_SUITE_P(Backends, StOtp, ::testing::Values("sqlite", "postgresql"));

}  // namespace
}  // namespace tessera::softtoken::testing
