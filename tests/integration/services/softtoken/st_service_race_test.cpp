// The soft-token service under concurrency and at its limits (seed 002;
// docs/softtoken-api.md "The one-time password", "Errors"): one password
// typed by several computers at once matches once; wrong passwords typed at
// once spend exactly the tries there are; max_pending refuses with 503 and
// frees a place when a request leaves pending; token_lifetime caps exp.
// SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "services/http/problem.hpp"
#include "services/jose/sd_jwt.hpp"
#include "tests/integration/services/softtoken/st_service_fixture.hpp"

namespace tessera::softtoken::testing {
namespace {

constexpr int kThreads = 8;

class StRace : public StServiceTest {
 protected:
  // `typed` entered by kThreads computers at once with `card`.
  std::vector<Status> TypeAtOnce(const std::string& typed, const Card& card) {
    std::vector<Status> out(kThreads);
    std::atomic<int> ready{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
      threads.emplace_back([&, i] {
        ++ready;
        while (ready.load() < kThreads) std::this_thread::yield();
        out[static_cast<std::size_t>(i)] =
            service()
                .Match(typed, Id(card, Exporter(static_cast<std::uint8_t>(0x80 + i))), caller())
                .status();
      });
    }
    for (std::thread& t : threads) t.join();
    return out;
  }
};

TEST_P(StRace, OnePasswordTypedAtOnceMatchesOnce) {
  Bring();
  const Card card = IssueCard("alice", 1001);
  Result<RequestCreated> created = Request(0, Exporter(1));
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  int matched = 0;
  for (const Status& s : TypeAtOnce(created->otp, card)) {
    if (s.ok()) {
      ++matched;
    } else {
      EXPECT_EQ(s.code(), Code::kNotFound) << s.ToString();
    }
  }
  EXPECT_EQ(matched, 1);
  EXPECT_EQ(State(created->id), "matched");
  EXPECT_EQ(Tries(created->id), 5);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit WHERE action = 'softtoken.match'"), 1);
}

TEST_P(StRace, WrongPasswordsTypedAtOnceSpendExactlyTheTries) {
  Bring();
  const Card card = IssueCard("alice", 1001);
  Result<RequestCreated> created = Request(0, Exporter(1));
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  std::string wrong = created->otp;
  wrong.back() = wrong.back() == 'Z' ? 'Y' : 'Z';
  int counted = 0;
  std::vector<int> left;
  for (const Status& s : TypeAtOnce(wrong, card)) {
    if (s.code() == Code::kPinIncorrect) {
      ++counted;
      left.push_back(s.detail());
    } else {
      EXPECT_EQ(s.code(), Code::kNotFound) << s.ToString();
    }
  }
  EXPECT_EQ(counted, 5);
  std::sort(left.begin(), left.end());
  EXPECT_EQ(left, (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_EQ(State(created->id), "burned");
  EXPECT_EQ(Tries(created->id), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit WHERE action = 'softtoken.otp.wrong'"), 5);
}

TEST_P(StRace, MaxPendingAndTokenLifetime) {
  SoftTokenOptions options;
  options.max_pending = 1;
  options.token_lifetime = 3600;
  Bring(options);
  const Card card = IssueCard("alice", 1001);
  Result<RequestCreated> first = Request(0, Exporter(1));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  Result<RequestCreated> second = Request(1, Exporter(2));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Code::kUnavailable) << second.status().ToString();
  EXPECT_EQ(http::ProblemFor(second.status()).status, 503);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM st_requests"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM st_nonces WHERE used_at IS NOT NULL"), 1)
      << "the refused request's nonce is not spent";

  Result<MatchAnswer> match = service().Match(first->otp, Id(card, Exporter(3)), caller());
  ASSERT_TRUE(match.ok()) << match.status().ToString();
  ASSERT_TRUE(Request(1, Exporter(2)).ok()) << "a place is free once the first left pending";
  Result<ApproveAnswer> approved = service().Approve(
      first->id, match->confirmation, match->comparison, Id(card, Exporter(3)), caller());
  ASSERT_TRUE(approved.ok()) << approved.status().ToString();
  ossl::PkeyPtr key = IssuerKey();
  jose::SdJwtVerifyOptions verify;
  verify.now = service().Now();
  verify.require_key_binding = false;
  Result<jose::VerifiedSdJwt> token = jose::VerifySdJwt(approved->soft_token, *key, verify);
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  EXPECT_EQ(token->exp - token->iat, 3600);
  EXPECT_EQ(approved->expires_at, token->exp);
}

INSTANTIATE_TEST_SUITE_P(Backends, StRace, ::testing::Values("sqlite", "postgresql"));

}  // namespace
}  // namespace tessera::softtoken::testing
