// Power cuts at every write index of the card manager's flows (DESIGN.md
// "tearing", docs/card-manager.md "PUT KEY"): for n = 0, 1, 2, ... a fresh
// copy of the old state runs the whole flow with the power cut after n
// writes, until a run completes uncut. After each cut the token powers on
// and must hold exactly the old key set or exactly the new one, proven by
// opening a channel under each KVN and by GET DATA, and the resumed flow
// must then succeed. UNLOCK and INITIALIZE UPDATE are cut on their own too.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <set>

#include "common/card_manager_constants.hpp"
#include "tests/unit/firmware-sim/card_manager/cm_host.hpp"
#include "tests/unit/firmware-sim/card_manager/cm_token.hpp"

namespace tessera::sim::cmtest {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxWrites = 64;

enum class Held { kOld, kNew, kNeither };

std::string Status(CmToken& t) { return ToHex(t.Send("80cadf3100").data); }
std::string KeyInfo(CmToken& t) { return ToHex(t.Send("80ca00e000").data); }

// The factory key set and MANUFACTURED, or the personalized keys (KVN 01).
Held AfterPersonalization(CmToken& t) {
  const std::string info = KeyInfo(t);
  const std::string status = Status(t);
  const std::uint16_t factory = ProbeKeySet(t, FactoryKeySet());
  const std::uint16_t mk = ProbeKeySet(t, Mk1());
  if (info == "e006c00401ff8820" && status == "df3103010505" && factory == 0x9000 && mk == 0x6A88) {
    return Held::kOld;
  }
  if (info == "e00cc00401018820c00402018820" && status == "df31030f0505" && factory == 0x6A88 &&
      mk == 0x9000) {
    return Held::kNew;
  }
  ADD_FAILURE() << "key info " << info << ", status " << status << std::hex << ", factory key "
                << factory << ", MK " << mk;
  return Held::kNeither;
}

// MK 01 or MK 02, the KRK unchanged. A cut between UNLOCK's two commits
// leaves its try spent (tries 4): the decrement is committed before the
// compare, and the restore is a separate commit.
Held AfterReplacement(CmToken& t) {
  const std::string info = KeyInfo(t);
  const std::string status = Status(t);
  const std::uint16_t mk1 = ProbeKeySet(t, Mk1());
  const std::uint16_t mk2 = ProbeKeySet(t, Mk2());
  if (info == "e00cc00401018820c00402018820" &&
      (status == "df31030f0505" || status == "df31030f0405") && mk1 == 0x9000 && mk2 == 0x6A88) {
    return Held::kOld;
  }
  if (info == "e00cc00401018820c00402028820" && status == "df31030f0505" && mk1 == 0x6A88 &&
      mk2 == 0x9000) {
    return Held::kNew;
  }
  ADD_FAILURE() << "key info " << info << ", status " << status << std::hex << ", MK 01 " << mk1
                << ", MK 02 " << mk2;
  return Held::kNeither;
}

struct Tally {
  std::size_t old_seen = 0;
  std::size_t new_seen = 0;
  std::size_t cuts = 0;
};

class CardManagerTearing : public ::testing::Test {
 protected:
  fs::path base() const { return dir_ / "base.state"; }
  fs::path work() const { return dir_ / "work.state"; }

  // The old state every run starts from: a new token, personalized or not.
  void MakeBase(bool personalized) {
    auto t = CmToken::Manufacture(base());
    ASSERT_NE(t, nullptr);
    t->Select();
    if (personalized) {
      ASSERT_EQ(Personalize(*t), 0x9000);
    }
  }

  std::unique_ptr<CmToken> Fresh() {
    fs::copy_file(base(), work(), fs::copy_options::overwrite_existing);
    auto t = CmToken::Load(work());
    if (t != nullptr) t->Select();
    return t;
  }

  // Cuts `flow` at every write index; after each cut powers on, checks
  // what the token holds with `held`, and resumes the flow where the old
  // state is left. Every run ends with the new state.
  Tally TearEveryWrite(const std::function<std::uint16_t(CmToken&)>& flow,
                       const std::function<Held(CmToken&)>& held) {
    Tally tally;
    for (std::size_t n = 0; n < kMaxWrites; ++n) {
      SCOPED_TRACE("power cut after write " + std::to_string(n));
      std::unique_ptr<CmToken> t = Fresh();
      if (t == nullptr) return tally;
      t->token().ArmTear(n);
      const std::uint16_t sw = flow(*t);
      if (sw != 0x0000) {
        t->token().fuse().Disarm();
        EXPECT_EQ(sw, 0x9000) << "the uncut run";
        EXPECT_EQ(held(*t), Held::kNew);
        return tally;
      }
      ++tally.cuts;
      EXPECT_FALSE(t->token().powered()) << "a cut token stays dead until power on";
      t->PowerOnAndSelect();
      const Held after_cut = held(*t);
      if (after_cut == Held::kOld) {
        ++tally.old_seen;
        EXPECT_EQ(flow(*t), 0x9000) << "the resumed flow";
        EXPECT_EQ(held(*t), Held::kNew);
      } else if (after_cut == Held::kNew) {
        ++tally.new_seen;  // nothing left to resume
      }
    }
    ADD_FAILURE() << "the flow never completed within " << kMaxWrites << " writes";
    return tally;
  }

  ::tessera::testing::TempDir dir_{"tessera-cm-tear"};
};

TEST_F(CardManagerTearing, PersonalizationLeavesTheFactoryKeyOrBothNewKeys) {
  MakeBase(false);
  Tally tally = TearEveryWrite([](CmToken& t) { return Personalize(t); }, AfterPersonalization);
  EXPECT_GE(tally.cuts, 4u) << "INITIALIZE UPDATE's and PUT KEY's commits";
  // PUT KEY's commit is the flow's last write: every cut lands before it
  // completes, and its journal record without an end marker is dropped.
  EXPECT_EQ(tally.old_seen, tally.cuts);
  RecordProperty("cuts", static_cast<int>(tally.cuts));
}

TEST_F(CardManagerTearing, ReplacementLeavesTheOldOrTheNewMasterKey) {
  MakeBase(true);
  Tally tally = TearEveryWrite([](CmToken& t) { return ReplaceMasterKey(t); }, AfterReplacement);
  EXPECT_GE(tally.cuts, 8u) << "INITIALIZE UPDATE, UNLOCK (two commits) and PUT KEY";
  EXPECT_EQ(tally.old_seen, tally.cuts) << "PUT KEY's commit is the last write";
  RecordProperty("cuts", static_cast<int>(tally.cuts));
}

// issue 14: PUT KEY 10 writes cm/key/10 in one commit, so a cut leaves no
// issuer key or the whole one (GET DATA shows exactly one of the two).
TEST_F(CardManagerTearing, IssuerKeyLeavesNoneOrTheWholeKey) {
  MakeBase(false);
  const Bytes point = TestIssuerPoint();
  Tally tally =
      TearEveryWrite([&](CmToken& t) { return PutIssuerKey(t, FactoryKeySet(), 0x01, point); },
                     [](CmToken& t) {
                       const std::string info = KeyInfo(t);
                       if (info == "e006c00401ff8820") return Held::kOld;
                       if (info == "e00cc00401ff8820c0041001b041") return Held::kNew;
                       ADD_FAILURE() << "key info " << info;
                       return Held::kNeither;
                     });
  EXPECT_GE(tally.cuts, 2u) << "INITIALIZE UPDATE's and PUT KEY's commits";
  EXPECT_EQ(tally.old_seen, tally.cuts) << "PUT KEY's commit is the last write";
}

// The decrement is committed before the compare, and a right answer's
// restore is a second commit: a cut shows the try untouched (the compare
// never ran) or spent, never given back, and leaves the executive locked.
TEST_F(CardManagerTearing, ACutUnlockNeverGivesATryBackAndLeavesItLocked) {
  MakeBase(true);
  for (bool right : {false, true}) {
    SCOPED_TRACE(right ? "right response" : "wrong response");
    bool spent_seen = false;
    std::size_t n = 0;
    for (; n < kMaxWrites; ++n) {
      SCOPED_TRACE("power cut after write " + std::to_string(n));
      std::unique_ptr<CmToken> t = Fresh();
      ASSERT_NE(t, nullptr);
      Host host(*t);
      ASSERT_EQ(host.Open(Mk1()), 0x9000);
      ResponseApdu challenge =
          host.Transmit(Apdu(cm::kClaGp, cm::ins::kGetChallenge, 0, 0, {}, 16));
      ASSERT_EQ(challenge.sw, 0x9000);
      Bytes response =
          UnlockResponse(right ? Krk().base : Bytes(32, 0xEE), challenge.data, t->uid());
      t->token().ArmTear(n);
      ResponseApdu r = host.Transmit(Apdu(cm::kClaGp, cm::ins::kUnlock, 0x01, 0x00, response));
      if (r.sw != 0x0000) {
        t->token().fuse().Disarm();
        EXPECT_EQ(r.sw, right ? 0x9000 : 0x63C4);
        EXPECT_EQ(Status(*t), right ? "df31031f0505" : "df31030f0405");
        break;
      }
      t->PowerOnAndSelect();
      const std::string status = Status(*t);
      EXPECT_TRUE(status == "df31030f0505" || status == "df31030f0405") << status;
      if (spent_seen) {
        EXPECT_EQ(status, "df31030f0405") << "a spent try came back";
      }
      spent_seen = spent_seen || status == "df31030f0405";
      EXPECT_EQ(ReplaceMasterKey(*t), 0x9000) << "a new channel unlocks and replaces";
    }
    EXPECT_GE(n, 2u) << "the UNLOCK commit(s) were cut";
  }
}

// Every answered INITIALIZE UPDATE uses a sequence counter (and so a card
// challenge) no earlier answer used, however often the command is cut.
TEST_F(CardManagerTearing, ACutInitializeUpdateNeverReusesASequenceCounter) {
  MakeBase(false);
  std::unique_ptr<CmToken> t = Fresh();
  ASSERT_NE(t, nullptr);
  Host host(*t);
  std::uint32_t last = 0;
  std::set<std::string> challenges;
  auto answered = [&]() {
    EXPECT_GT(host.last_sequence(), last);
    last = host.last_sequence();
    EXPECT_TRUE(challenges.insert(ToHex(host.last_card_challenge())).second)
        << "card challenge handed out twice";
  };
  std::size_t cuts = 0;
  for (std::size_t n = 0; n < kMaxWrites; ++n) {
    SCOPED_TRACE("power cut after write " + std::to_string(n));
    t->token().ArmTear(n);
    ResponseApdu r = host.InitializeUpdate(FactoryKeySet(), 0x00, scp03::Mode::kS8);
    if (r.sw != 0x0000) {
      t->token().fuse().Disarm();
      ASSERT_EQ(r.sw, 0x9000);
      answered();
      EXPECT_EQ(host.ExternalAuthenticate(0x01).sw, 0x9000);
      break;
    }
    ++cuts;
    t->PowerOnAndSelect();
    ASSERT_EQ(host.InitializeUpdate(FactoryKeySet(), 0x00, scp03::Mode::kS8).sw, 0x9000);
    answered();
    EXPECT_EQ(host.ExternalAuthenticate(0x01).sw, 0x9000) << "the channel opens after the cut";
  }
  EXPECT_GE(cuts, 2u);
}

}  // namespace
}  // namespace tessera::sim::cmtest
