// Seed 003 end to end through the real binaries: the key ceremony on two
// SoftHSM2 tokens, personalization of simulated tokens, MK replacement, and
// the token commands, asserting on what the tokens, the HSMs and the
// directory hold afterwards.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/integration/services/keyman/keyman_steps.hpp"

namespace tessera::testing {
namespace {

class KeymanFlowTest : public KeymanTest {
 protected:
  std::size_t TokenCount() const override { return 3; }
};

TEST_F(KeymanFlowTest, CeremonyPersonalizationAndReplacementEndToEnd) {
  ASSERT_NO_FATAL_FAILURE(Ceremony(*this, {1, 2}));
  const auto serials = Serials();
  ASSERT_EQ(serials.size(), 3u);
  for (auto serial : serials) EXPECT_EQ(TokenLine(*this, serial).lifecycle, "manufactured");

  RunResult personalize = Tessera({"personalize", "--hsm", "as", "--all", "--mk-version", "1"});
  ASSERT_EQ(personalize.exit_code, 0) << personalize.Describe();
  EXPECT_NE(personalize.out.find("3 done"), std::string::npos) << personalize.out;
  // Off a terminal (--progress auto), a bulk run logs plain progress lines,
  // at least the last one (docs/cli.md "Progress").
  EXPECT_NE(personalize.err.find("tessera: personalize: 3/3 tokens (100%), 0 failed, "),
            std::string::npos)
      << personalize.err;
  RunResult listed = Tessera({"token", "list", "--json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.Describe();
  const nlohmann::json doc = nlohmann::json::parse(listed.out, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << listed.out;
  ASSERT_EQ(doc["tokens"].size(), 3u) << listed.out;
  for (const nlohmann::json& t : doc["tokens"]) {
    EXPECT_EQ(t["lifecycle"], "personalized") << t;
    EXPECT_EQ(t["mk_version"], 1) << t;
  }
  for (auto serial : serials) {
    TokenRow row = TokenLine(*this, serial);
    EXPECT_EQ(row.lifecycle, "personalized");
    EXPECT_EQ(row.mk, "1");
    EXPECT_EQ(DirectoryRow(*this, serial), "1|1||personalized|384");
    EXPECT_TRUE(Probe(*this, serial, 1));
    EXPECT_FALSE(Probe(*this, serial, 2));
  }
  // Every token has its own cryptogram (its own R).
  EXPECT_EQ(Sql(*this, "SELECT COUNT(DISTINCT cryptogram) FROM tokens;"), "3");

  RunResult replace =
      Tessera({"mk-replace", "--hsm", "as", "--to-version", "2", "--all", "--jobs", "2"});
  ASSERT_EQ(replace.exit_code, 0) << replace.Describe();
  EXPECT_NE(replace.out.find("3 done"), std::string::npos) << replace.out;
  for (auto serial : serials) {
    EXPECT_EQ(TokenLine(*this, serial).mk, "2");
    EXPECT_EQ(DirectoryRow(*this, serial), "1|2||personalized|384");
    EXPECT_TRUE(Probe(*this, serial, 2));
    EXPECT_FALSE(Probe(*this, serial, 1));
  }

  // Re-runs find nothing to do.
  EXPECT_NE(replace.err.find("tessera: mk-replace: 3/3 tokens (100%)"), std::string::npos)
      << replace.err;
  RunResult again =
      Tessera({"mk-replace", "--hsm", "as", "--to-version", "2", "--all", "--progress", "none"});
  ASSERT_EQ(again.exit_code, 0) << again.Describe();
  EXPECT_NE(again.out.find("0 done, 3 already"), std::string::npos) << again.out;
  EXPECT_EQ(again.err.find("tokens/s"), std::string::npos) << again.err;
  RunResult repersonalize = Tessera({"personalize", "--hsm", "as", "--all", "--mk-version", "1"});
  ASSERT_EQ(repersonalize.exit_code, 0) << repersonalize.Describe();
  EXPECT_NE(repersonalize.out.find("0 done"), std::string::npos) << repersonalize.out;
}

TEST_F(KeymanFlowTest, OneTokenAtATimeAndBackToAnEarlierVersion) {
  ASSERT_NO_FATAL_FAILURE(Ceremony(*this, {1, 2}));
  const std::uint32_t serial = Serials().front();
  const std::string s = std::to_string(serial);
  // Without --mk-version, the HSM's highest version.
  RunResult personalize = Tessera({"personalize", "--hsm", "as", "--token", s});
  ASSERT_EQ(personalize.exit_code, 0) << personalize.Describe();
  EXPECT_EQ(TokenLine(*this, serial).mk, "2");
  EXPECT_EQ(personalize.err.find("tokens/s"), std::string::npos) << "one token: no progress";
  for (auto other : Serials()) {
    if (other != serial) {
      EXPECT_EQ(TokenLine(*this, other).lifecycle, "manufactured");
    }
  }
  RunResult down = Tessera({"mk-replace", "--hsm", "as", "--to-version", "1", "--token", s});
  ASSERT_EQ(down.exit_code, 0) << down.Describe();
  EXPECT_EQ(TokenLine(*this, serial).mk, "1");
  EXPECT_EQ(DirectoryRow(*this, serial), "2|1||personalized|384");
  EXPECT_TRUE(Probe(*this, serial, 1));
}

TEST_F(KeymanFlowTest, TransferIsIdempotentAndKeygenNeverOverwrites) {
  ASSERT_NO_FATAL_FAILURE(Ceremony(*this, {1}));
  RunResult again = Tessera({"hsm", "transfer", "--from", "km", "--to", "as", "--mk-version", "1"});
  ASSERT_EQ(again.exit_code, 0) << again.Describe();
  EXPECT_NE(again.out.find("already"), std::string::npos) << again.out;
  RunResult keygen = Tessera({"hsm", "keygen", "--hsm", "km", "--mk-version", "1"});
  EXPECT_EQ(keygen.exit_code, 1) << keygen.Describe();
  EXPECT_NE(keygen.err.find("already"), std::string::npos) << keygen.err;
  RunResult missing =
      Tessera({"hsm", "transfer", "--from", "km", "--to", "as", "--mk-version", "5"});
  EXPECT_EQ(missing.exit_code, 1) << missing.Describe();
}

}  // namespace
}  // namespace tessera::testing
