// Interrupted runs: a power cut (tessera-sim's tear) in the middle of
// personalization or MK replacement leaves the token with the old keys or
// the new ones, never none, and a re-run completes it.
#include <gtest/gtest.h>

#include "tests/integration/services/keyman/keyman_steps.hpp"

namespace tessera::testing {
namespace {

class KeymanResumeTest : public KeymanTest {
 protected:
  std::size_t TokenCount() const override { return 1; }
};

// Storage writes of one replacement on the token: INITIALIZE UPDATE's
// counter, UNLOCK's try counter and its reset, PUT KEY's commit; each is a
// journal record and its end marker (docs/card-manager.md "Token side").
constexpr std::size_t kReplacementWrites = 8;
constexpr std::size_t kPersonalizationWrites = 4;

TEST_F(KeymanResumeTest, ReplacementCutAtEveryWriteResumes) {
  ASSERT_NO_FATAL_FAILURE(Ceremony(*this, {1, 2, 3}));
  const std::uint32_t serial = Serials().front();
  const std::string s = std::to_string(serial);
  ASSERT_EQ(Tessera({"personalize", "--hsm", "as", "--token", s, "--mk-version", "1"}).exit_code,
            0);
  int version = 1;
  for (std::size_t cut = 0; cut < kReplacementWrites; ++cut) {
    SCOPED_TRACE("cut after " + std::to_string(cut) + " writes");
    const int target = version == 3 ? 2 : version + 1;
    ASSERT_TRUE(Tear(serial, cut));
    RunResult cut_run = Tessera(
        {"mk-replace", "--hsm", "as", "--to-version", std::to_string(target), "--token", s});
    EXPECT_EQ(cut_run.exit_code, 1) << cut_run.Describe();
    ASSERT_TRUE(PowerCycle(serial));
    const std::string mk = TokenLine(*this, serial).mk;
    ASSERT_TRUE(mk == std::to_string(version) || mk == std::to_string(target)) << mk;
    EXPECT_TRUE(Probe(*this, serial, std::stoi(mk)));
    RunResult resumed = Tessera(
        {"mk-replace", "--hsm", "as", "--to-version", std::to_string(target), "--token", s});
    ASSERT_EQ(resumed.exit_code, 0) << resumed.Describe();
    EXPECT_EQ(TokenLine(*this, serial).mk, std::to_string(target));
    EXPECT_EQ(DirectoryRow(*this, serial), "1|" + std::to_string(target) + "||personalized|384");
    EXPECT_TRUE(Probe(*this, serial, target));
    version = target;
  }
}

TEST_F(KeymanResumeTest, PersonalizationCutAtEveryWriteResumes) {
  ASSERT_NO_FATAL_FAILURE(Ceremony(*this, {1}));
  const std::uint32_t serial = Serials().front();
  const std::string s = std::to_string(serial);
  for (std::size_t cut = 0; cut < kPersonalizationWrites; ++cut) {
    SCOPED_TRACE("cut after " + std::to_string(cut) + " writes");
    ASSERT_TRUE(Tear(serial, cut));
    RunResult cut_run = Tessera({"personalize", "--hsm", "as", "--token", s});
    EXPECT_EQ(cut_run.exit_code, 1) << cut_run.Describe();
    ASSERT_TRUE(PowerCycle(serial));
    // Keys all or nothing: still manufactured, and the directory remembers a
    // cryptogram for a personalization in progress.
    EXPECT_EQ(TokenLine(*this, serial).lifecycle, "manufactured");
    EXPECT_EQ(DirectoryRow(*this, serial), "1|1||personalizing|384");
  }
  RunResult done = Tessera({"personalize", "--hsm", "as", "--token", s});
  ASSERT_EQ(done.exit_code, 0) << done.Describe();
  EXPECT_EQ(TokenLine(*this, serial).lifecycle, "personalized");
  EXPECT_EQ(DirectoryRow(*this, serial), "1|1||personalized|384");
  EXPECT_TRUE(Probe(*this, serial, 1));
  // The directory's cryptogram is the one that matches the token's KRK.
  RunResult replace = Tessera({"mk-replace", "--hsm", "as", "--to-version", "1", "--token", s});
  EXPECT_EQ(replace.exit_code, 0) << replace.Describe();
}

// The directory lost the last step of a run (a crash between the token's
// commit and the directory's write): a re-run settles the row only once the
// token has proved its keys.
TEST_F(KeymanResumeTest, DirectoryBehindTheTokenIsSettledAfterTheTokenProvesIt) {
  ASSERT_NO_FATAL_FAILURE(Ceremony(*this, {1, 2}));
  const std::uint32_t serial = Serials().front();
  const std::string s = std::to_string(serial);
  const std::string where = " WHERE serial = " + s + ";";
  ASSERT_EQ(Tessera({"personalize", "--hsm", "as", "--token", s, "--mk-version", "1"}).exit_code,
            0);

  // Personalization: the row still says "personalizing".
  Sql(*this, "UPDATE tokens SET lifecycle = 'personalizing'" + where);
  RunResult resumed = Tessera({"personalize", "--hsm", "as", "--token", s, "--mk-version", "2"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.Describe();
  EXPECT_NE(resumed.out.find("resumed"), std::string::npos) << resumed.out;
  EXPECT_EQ(DirectoryRow(*this, serial), "1|1||personalized|384");

  // Replacement: the token took version 2, the row still has it in flight.
  ASSERT_EQ(Tessera({"mk-replace", "--hsm", "as", "--to-version", "2", "--token", s}).exit_code, 0);
  Sql(*this, "UPDATE tokens SET mk_version = 1, target_mk_version = 2" + where);
  RunResult settled = Tessera({"mk-replace", "--hsm", "as", "--to-version", "2", "--token", s});
  ASSERT_EQ(settled.exit_code, 0) << settled.Describe();
  EXPECT_NE(settled.out.find("resumed"), std::string::npos) << settled.out;
  EXPECT_EQ(DirectoryRow(*this, serial), "1|2||personalized|384");

  // And a replacement to another version settles the old one on the way.
  Sql(*this, "UPDATE tokens SET mk_version = 1, target_mk_version = 2" + where);
  RunResult onward = Tessera({"mk-replace", "--hsm", "as", "--to-version", "1", "--token", s});
  ASSERT_EQ(onward.exit_code, 0) << onward.Describe();
  EXPECT_EQ(DirectoryRow(*this, serial), "1|1||personalized|384");
  EXPECT_TRUE(Probe(*this, serial, 1));
}

// A "personalizing" row whose cryptogram does not match the token's KRK is
// never marked personalized.
TEST_F(KeymanResumeTest, PersonalizationResumeChecksTheCryptogram) {
  ASSERT_NO_FATAL_FAILURE(Ceremony(*this, {1}));
  const std::uint32_t serial = Serials().front();
  const std::string s = std::to_string(serial);
  ASSERT_EQ(Tessera({"personalize", "--hsm", "as", "--token", s}).exit_code, 0);
  // A cryptogram of the right shape for another R.
  Sql(*this,
      "UPDATE tokens SET lifecycle = 'personalizing', cryptogram = randomblob(384) "
      "WHERE serial = " +
          s + ";");
  RunResult r = Tessera({"personalize", "--hsm", "as", "--token", s});
  EXPECT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_EQ(DirectoryRow(*this, serial), "1|1||personalizing|384");
}

}  // namespace
}  // namespace tessera::testing
