// `tessera-sim ctl`: list, remove, insert, power-cycle and tearing, driven
// through the real control socket while clients use the tokens.
#include <sstream>

#include "tests/integration/sim_test_fixture.hpp"

namespace tessera::testing {
namespace {

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST_F(SimTest, CtlListShowsSerialUidPresencePowerAndSocket) {
  ASSERT_NO_FATAL_FAILURE(StartSim({"--tokens", "2"}));
  ProcessResult list = sim_->Ctl({"list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  std::vector<std::string> lines = Lines(list.out);
  std::vector<std::uint32_t> serials = sim_->Serials();
  ASSERT_EQ(lines.size(), 2u) << list.out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::istringstream fields(lines[i]);
    std::string serial, uid, presence, power, socket;
    fields >> serial >> uid >> presence >> power >> socket;
    EXPECT_EQ(serial, std::to_string(serials[i]));
    EXPECT_EQ(uid.size(), 32u) << "16-byte UID in hex";
    EXPECT_EQ(presence, "present");
    EXPECT_EQ(power, "powered");
    EXPECT_EQ(socket, sim_->SocketPath(serials[i]).string());
  }
  EXPECT_NE(Lines(list.out)[0].substr(9, 32), Lines(list.out)[1].substr(9, 32)) << "UIDs differ";
}

TEST_F(SimTest, CtlRemoveUnlinksTheSocketAndDropsClientsAndInsertBringsItBack) {
  ASSERT_NO_FATAL_FAILURE(StartSim());
  std::uint32_t serial = OnlySerial();
  std::string s = std::to_string(serial);
  auto transport = Connect(serial);
  ASSERT_NE(transport, nullptr);
  PivClient piv(*transport);
  ASSERT_TRUE(piv.Select().ok());

  ProcessResult removed = sim_->Ctl({"remove", s});
  ASSERT_EQ(removed.exit_code, 0) << removed.err;
  EXPECT_FALSE(std::filesystem::exists(sim_->SocketPath(serial)));
  EXPECT_FALSE(piv.Select().ok()) << "the connected client was dropped";
  auto refused = sim_->Connect(serial);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kNotFound);
  EXPECT_NE(Lines(sim_->Ctl({"list"}).out).at(0).find(" removed unpowered "), std::string::npos);
  EXPECT_EQ(sim_->Ctl({"remove", s}).exit_code, 1) << "already removed";

  ProcessResult inserted = sim_->Ctl({"insert", s});
  ASSERT_EQ(inserted.exit_code, 0) << inserted.err;
  EXPECT_NE(Lines(sim_->Ctl({"list"}).out).at(0).find(" present powered "), std::string::npos);
  auto again = Connect(serial);
  ASSERT_NE(again, nullptr);
  PivClient piv_again(*again);
  ASSERT_TRUE(piv_again.Select().ok());
  auto card_serial = piv_again.Serial();
  ASSERT_TRUE(card_serial.ok());
  EXPECT_EQ(*card_serial, serial);
}

TEST_F(SimTest, CtlPowerCycleDropsTheVerifiedPin) {
  ASSERT_NO_FATAL_FAILURE(StartSim());
  std::uint32_t serial = OnlySerial();
  auto transport = Connect(serial);
  ASSERT_NE(transport, nullptr);
  PivClient piv(*transport);
  ASSERT_TRUE(piv.Select().ok());
  ASSERT_EQ(piv.VerifyPin(piv::kDefaultPin).value(), 0x9000);
  ASSERT_EQ(piv.VerifyPin("").value(), 0x9000) << "verified";

  ProcessResult cycled = sim_->Ctl({"power-cycle", std::to_string(serial)});
  ASSERT_EQ(cycled.exit_code, 0) << cycled.err;
  ASSERT_TRUE(piv.Select().ok()) << "the same connection still works";
  EXPECT_EQ(piv.VerifyPin("").value(), 0x63C3) << "no longer verified, 3 tries left";
}

TEST_F(SimTest, CtlWithAnUnknownSerialIsAClearErrorAndExits1) {
  ASSERT_NO_FATAL_FAILURE(StartSim());
  for (const char* verb : {"remove", "insert", "power-cycle"}) {
    ProcessResult r = sim_->Ctl({verb, "99999999"});
    EXPECT_EQ(r.exit_code, 1) << verb;
    EXPECT_NE(r.err.find("no token with serial 99999999"), std::string::npos) << r.err;
  }
  ProcessResult tear = sim_->Ctl({"tear", "99999999", "--after-writes", "1"});
  EXPECT_EQ(tear.exit_code, 1);

  TempDir nowhere;
  ProcessResult no_sim = RunSim({"ctl", "--run-dir", nowhere.path().string(), "list"});
  EXPECT_EQ(no_sim.exit_code, 1);
  EXPECT_NE(no_sim.err.find("no simulator is running"), std::string::npos) << no_sim.err;
}

// A PIN change torn after its first write: the card goes mute, and after a
// power cycle exactly one of the old and the new PIN works.
TEST_F(SimTest, TearDuringAPinChangeGoesMuteAndLeavesAWholeState) {
  ASSERT_NO_FATAL_FAILURE(StartSim());
  std::uint32_t serial = OnlySerial();
  std::string s = std::to_string(serial);
  auto transport = Connect(serial);
  ASSERT_NE(transport, nullptr);
  PivClient piv(*transport);
  ASSERT_TRUE(piv.Select().ok());

  ASSERT_EQ(sim_->Ctl({"tear", s, "--after-writes", "1"}).exit_code, 0);
  auto change = piv.ChangePin(piv::kDefaultPin, "654321");
  ASSERT_FALSE(change.ok()) << "torn: no answer";
  EXPECT_NE(change.status().message().find("mute"), std::string::npos) << change.status().message();
  EXPECT_NE(Lines(sim_->Ctl({"list"}).out).at(0).find(" unpowered "), std::string::npos)
      << "a torn token stays dead";

  ASSERT_EQ(sim_->Ctl({"power-cycle", s}).exit_code, 0);
  ASSERT_TRUE(piv.Select().ok());
  std::uint16_t old_pin = piv.VerifyPin(piv::kDefaultPin).value();
  std::uint16_t new_pin = piv.VerifyPin("654321").value();
  EXPECT_TRUE((old_pin == 0x9000) != (new_pin == 0x9000))
      << "old " << std::hex << old_pin << ", new " << new_pin;
}

// The same at every write index of the PIN change, on a single token.
TEST_F(SimTest, TearAtEveryWriteOfAPinChangeNeverLosesBothPins) {
  ASSERT_NO_FATAL_FAILURE(StartSim());
  std::string s = std::to_string(OnlySerial());
  auto transport = Connect(OnlySerial());
  ASSERT_NE(transport, nullptr);
  PivClient piv(*transport);
  std::string current(piv::kDefaultPin);
  std::string other = "654321";
  int cuts = 0;
  for (int n = 0; n < 32; ++n) {
    ASSERT_TRUE(piv.Select().ok());
    ASSERT_EQ(sim_->Ctl({"tear", s, "--after-writes", std::to_string(n)}).exit_code, 0);
    auto change = piv.ChangePin(current, other);
    if (change.ok()) {
      EXPECT_EQ(*change, 0x9000) << "the change that was not cut succeeds";
      break;
    }
    ++cuts;
    ASSERT_EQ(sim_->Ctl({"power-cycle", s}).exit_code, 0);
    ASSERT_TRUE(piv.Select().ok());
    if (piv.VerifyPin(other).value() == 0x9000) {
      std::swap(current, other);  // the change had committed before the cut
    } else {
      ASSERT_EQ(piv.VerifyPin(current).value(), 0x9000) << "neither PIN works after cut " << n;
    }
    // Next round starts from a fresh power cycle (the fuse stays armed only
    // until it blows, which it did).
    ASSERT_EQ(sim_->Ctl({"power-cycle", s}).exit_code, 0);
  }
  EXPECT_GE(cuts, 2) << "a PIN change writes the counter, then the new PIN";
}

}  // namespace
}  // namespace tessera::testing
