// Seed 003's failure cases through the real binaries. Each gives a clear
// error (exit 1, a message naming the cause) and changes nothing: the tokens
// keep their MK version and the directory its rows.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "tests/integration/services/keyman/keyman_steps.hpp"

namespace tessera::testing {
namespace {

class KeymanNegativeTest : public KeymanTest {
 protected:
  std::size_t TokenCount() const override { return 2; }

  // Two tokens personalized with version 1; versions 1 and 2 on both HSMs.
  void SetUp() override {
    KeymanTest::SetUp();
    ASSERT_NO_FATAL_FAILURE(Ceremony(*this, {1, 2}));
    RunResult r = Tessera({"personalize", "--hsm", "as", "--all", "--mk-version", "1"});
    ASSERT_EQ(r.exit_code, 0) << r.Describe();
    serials_ = Serials();
    ASSERT_EQ(serials_.size(), 2u);
    before_ = Snapshot();
  }

  std::string Snapshot() {
    std::string s = Sql(*this,
                        "SELECT hex(uid), serial, hex(cryptogram), krk_version, mk_version, "
                        "IFNULL(target_mk_version, '-'), lifecycle FROM tokens ORDER BY serial;");
    for (auto serial : serials_) s.append("\n").append(TokenLine(*this, serial).mk);
    return s;
  }

  // Replacing token 0 fails with `expected` in stderr, and nothing changed.
  void ExpectReplaceFails(const std::string& expected, const std::vector<std::string>& env = {}) {
    RunResult r = Tessera(
        {"mk-replace", "--hsm", "as", "--to-version", "2", "--token", std::to_string(serials_[0])},
        env);
    EXPECT_EQ(r.exit_code, 1) << r.Describe();
    EXPECT_NE(r.err.find(expected), std::string::npos) << r.err;
  }

  std::vector<std::uint32_t> serials_;
  std::string before_;
};

TEST_F(KeymanNegativeTest, WrongKrkIsRefusedByTheTokenAndCounted) {
  // The other token's cryptogram: a valid one, so the HSM derives a KRK, but
  // not this token's.
  Sql(*this, "UPDATE tokens SET cryptogram = (SELECT cryptogram FROM tokens WHERE serial = " +
                 std::to_string(serials_[1]) + ") WHERE serial = " + std::to_string(serials_[0]) +
                 ";");
  const std::string tampered = Snapshot();
  ExpectReplaceFails("wrong KRK); 4 tries left");
  EXPECT_EQ(Snapshot(), tampered);
  EXPECT_EQ(TokenLine(*this, serials_[0]).mk, "1");
  EXPECT_TRUE(Probe(*this, serials_[0], 1));
}

TEST_F(KeymanNegativeTest, TheLastTwoKrkTriesNeedForce) {
  Sql(*this, "UPDATE tokens SET cryptogram = (SELECT cryptogram FROM tokens WHERE serial = " +
                 std::to_string(serials_[1]) + ") WHERE serial = " + std::to_string(serials_[0]) +
                 ";");
  for (int left : {4, 3, 2}) {
    ExpectReplaceFails("wrong KRK); " + std::to_string(left) + " tries left");
  }
  // Two tries left: refused before UNLOCK, again and again, spending none.
  for (int run = 0; run < 2; ++run) ExpectReplaceFails("only 2 of 5 KRK tries left");
  RunResult forced = Tessera({"mk-replace", "--hsm", "as", "--to-version", "2", "--token",
                              std::to_string(serials_[0]), "--force"});
  EXPECT_EQ(forced.exit_code, 1) << forced.Describe();
  EXPECT_NE(forced.err.find("wrong KRK); 1 tries left"), std::string::npos) << forced.err;
  EXPECT_EQ(TokenLine(*this, serials_[0]).mk, "1");
  EXPECT_TRUE(Probe(*this, serials_[0], 1));
}

TEST_F(KeymanNegativeTest, ADirectoryThatDisagreesWithTheTokenIsRefused) {
  Sql(*this,
      "UPDATE tokens SET mk_version = 2 WHERE serial = " + std::to_string(serials_[0]) + ";");
  const std::string lying = Snapshot();
  RunResult r = Tessera(
      {"mk-replace", "--hsm", "as", "--to-version", "2", "--token", std::to_string(serials_[0])});
  // The row says 2 but the token holds 1: neither "already done" nor a
  // version the row would follow, even though a channel under 1 would open
  // (a retired MK must never move a row back).
  EXPECT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_NE(r.err.find("holds MK version 1, the directory expects 2"), std::string::npos) << r.err;
  EXPECT_EQ(Snapshot(), lying);
}

TEST_F(KeymanNegativeTest, ASecondRunOnTheSameHomeWaitsItsTurn) {
  const auto lock = home() / "keyman.lock";
  std::thread holder([&] { (void)Run({"flock", lock.string(), "sleep", "3"}); });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  RunResult r = Tessera({"mk-replace", "--hsm", "as", "--to-version", "2", "--all"});
  holder.join();
  EXPECT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_NE(r.err.find("is locked"), std::string::npos) << r.err;
  EXPECT_EQ(Snapshot(), before_);
}

TEST_F(KeymanNegativeTest, UnknownMkVersionIsRefusedBeforeTheTokenIsTouched) {
  RunResult r = Tessera(
      {"mk-replace", "--hsm", "as", "--to-version", "9", "--token", std::to_string(serials_[0])});
  EXPECT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_NE(r.err.find("'tessera-mk-v09'"), std::string::npos) << r.err;
  EXPECT_EQ(Snapshot(), before_);
  // A probe with a version the token does not hold fails too.
  EXPECT_FALSE(Probe(*this, serials_[0], 2));
}

TEST_F(KeymanNegativeTest, UnknownUidIsRefused) {
  Sql(*this, "DELETE FROM tokens WHERE serial = " + std::to_string(serials_[0]) + ";");
  const std::string without = Snapshot();
  ExpectReplaceFails("is not in the directory");
  EXPECT_EQ(Snapshot(), without);
}

TEST_F(KeymanNegativeTest, CryptogramThatDoesNotOpenIsRefused) {
  // A missing cryptogram cannot be stored (the schema requires 384 bytes);
  // one that is lost to corruption is the case that can happen.
  Sql(*this, "UPDATE tokens SET cryptogram = randomblob(384) WHERE serial = " +
                 std::to_string(serials_[0]) + ";");
  const std::string corrupted = Snapshot();
  ExpectReplaceFails("cryptogram");
  EXPECT_EQ(Snapshot(), corrupted);
}

TEST_F(KeymanNegativeTest, WrongHsmPinIsRefused) {
  ExpectReplaceFails("C_Login", {"TESSERA_HSM_PIN=0000000000000000"});
  EXPECT_EQ(Snapshot(), before_);
}

TEST_F(KeymanNegativeTest, MissingHsmTokenIsRefused) {
  RunResult r = Tessera({"mk-replace", "--hsm", "nosuch", "--to-version", "2", "--all"});
  EXPECT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_NE(r.err.find("no HSM token labelled 'nosuch'"), std::string::npos) << r.err;
  EXPECT_EQ(Snapshot(), before_);
}

TEST_F(KeymanNegativeTest, BadCommandLinesAreUsageErrors) {
  const std::vector<std::vector<std::string>> bad = {
      {"personalize", "--hsm", "as"},
      {"personalize", "--hsm", "as", "--all", "--token", "1"},
      {"mk-replace", "--hsm", "as", "--to-version", "0", "--all"},
      {"mk-replace", "--hsm", "as", "--to-version", "128", "--all"},
      {"mk-replace", "--hsm", "as", "--to-version", "2", "--all", "--jobs", "0"},
      {"token", "probe", "--hsm", "as", "--mk-version", "1", "notanumber"},
      {"hsm", "init-softhsm"},
      {"frobnicate"},
  };
  for (const auto& args : bad) {
    RunResult r = Tessera(args);
    EXPECT_EQ(r.exit_code, 2) << r.Describe();
  }
  RunResult name = Tessera({"hsm", "init-softhsm", "--name", "../evil"});
  EXPECT_EQ(name.exit_code, 1) << name.Describe();
  EXPECT_EQ(Snapshot(), before_);
}

}  // namespace
}  // namespace tessera::testing
