// `tessera-sim ctl`: list, remove, insert, power-cycle and tearing, driven
// through the real control socket while clients use the tokens; which run
// directory ctl uses (--run-dir, TESSERA_SIM_DIR) and --version.
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <regex>
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

// The token lines of `ctl list`, without its header.
std::vector<std::string> TokenLines(const ProcessResult& list) {
  std::vector<std::string> lines = Lines(list.out);
  EXPECT_FALSE(lines.empty()) << "no header";
  if (!lines.empty()) lines.erase(lines.begin());
  return lines;
}

// Sets an environment variable for one test; the simulator the test starts
// inherits it.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    ::setenv(name, value.c_str(), 1);  // NOLINT(concurrency-mt-unsafe): the test's thread
  }
  ~ScopedEnv() { ::unsetenv(name_); }  // NOLINT(concurrency-mt-unsafe)
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
};

TEST_F(SimTest, CtlListShowsAHeaderThenSerialUidPresencePowerAndSocket) {
  ASSERT_NO_FATAL_FAILURE(StartSim({"--tokens", "2"}));
  ProcessResult list = sim_->Ctl({"list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  std::vector<std::string> all = Lines(list.out);
  ASSERT_EQ(all.size(), 3u) << list.out;
  EXPECT_TRUE(std::regex_match(all[0], std::regex("SERIAL +UID +CARD +POWER +SOCKET"))) << all[0];
  std::vector<std::string> lines = TokenLines(list);
  std::vector<std::uint32_t> serials = sim_->Serials();
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::istringstream fields(lines[i]);
    std::string serial, uid, presence, power, socket;
    fields >> serial >> uid >> presence >> power >> socket;
    EXPECT_EQ(serial, std::to_string(serials[i]));
    EXPECT_EQ(uid.size(), 32u) << "16-byte UID in hex";
    EXPECT_EQ(presence, "present");
    EXPECT_EQ(power, "powered");
    EXPECT_EQ(socket, sim_->SocketPath(serials[i]).string());
    EXPECT_EQ(lines[i].find(socket), all[0].find("SOCKET")) << "aligned under the header";
  }
  EXPECT_NE(lines[0].substr(11, 32), lines[1].substr(11, 32)) << "UIDs differ";
}

TEST_F(SimTest, CtlListJsonHasTheDocumentedKeys) {
  ASSERT_NO_FATAL_FAILURE(StartSim({"--tokens", "2"}));
  std::vector<std::uint32_t> serials = sim_->Serials();  // sockets: before the removal
  ASSERT_EQ(serials.size(), 2u);
  std::uint32_t removed = serials[1];
  ASSERT_EQ(sim_->Ctl({"remove", std::to_string(removed)}).exit_code, 0);
  ProcessResult list = sim_->Ctl({"list", "--json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  nlohmann::json doc = nlohmann::json::parse(list.out, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << list.out;
  ASSERT_TRUE(doc["tokens"].is_array()) << list.out;
  ASSERT_EQ(doc["tokens"].size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    const nlohmann::json& t = doc["tokens"][i];
    EXPECT_EQ(t["serial"].get<std::uint32_t>(), serials[i]);
    EXPECT_EQ(t["uid"].get<std::string>().size(), 32u);
    EXPECT_EQ(t["present"].get<bool>(), serials[i] != removed);
    EXPECT_EQ(t["powered"].get<bool>(), serials[i] != removed);
    EXPECT_EQ(t["socket"].get<std::string>(), sim_->SocketPath(serials[i]).string());
    EXPECT_TRUE(t["vpcd"].is_null());
  }
}

TEST_F(SimTest, CtlFindsTheRunDirectoryFromTheFlagBeforeCtlAndFromTesseraSimDir) {
  ASSERT_NO_FATAL_FAILURE(StartSim());
  const std::string serial = std::to_string(OnlySerial());
  // `tessera-sim --run-dir DIR ctl list`: the serve option reaches ctl.
  ProcessResult before = RunSim({"--run-dir", run_dir().string(), "ctl", "list"});
  ASSERT_EQ(before.exit_code, 0) << before.err;
  EXPECT_NE(before.out.find(serial), std::string::npos) << before.out;
  {
    // As the module and tessera read it.
    ScopedEnv env("TESSERA_SIM_DIR", run_dir().string());
    ProcessResult from_env = RunSim({"ctl", "list"});
    ASSERT_EQ(from_env.exit_code, 0) << from_env.err;
    EXPECT_NE(from_env.out.find(serial), std::string::npos) << from_env.out;
    // ctl's own --run-dir wins over the environment.
    TempDir elsewhere;
    ProcessResult flag = RunSim({"ctl", "--run-dir", elsewhere.path().string(), "list"});
    EXPECT_EQ(flag.exit_code, 1) << flag.err;
    EXPECT_NE(flag.err.find("no simulator is running on " + elsewhere.path().string()),
              std::string::npos)
        << flag.err;
  }
}

TEST(SimCommandLine, AMissingRunDirectoryIsExit2NamingItAndWhereItCameFrom) {
  TempDir dir;
  const std::string missing = (dir.path() / "not-there").string();
  ProcessResult flag = RunSim({"ctl", "--run-dir", missing, "list"});
  EXPECT_EQ(flag.exit_code, 2) << flag.err;
  EXPECT_NE(flag.err.find("run directory " + missing + " (from --run-dir) does not exist"),
            std::string::npos)
      << flag.err;
  ProcessResult before = RunSim({"--run-dir", missing, "ctl", "insert", "1"});
  EXPECT_EQ(before.exit_code, 2) << before.err;
  ScopedEnv env("TESSERA_SIM_DIR", missing);
  ProcessResult from_env = RunSim({"ctl", "list"});
  EXPECT_EQ(from_env.exit_code, 2) << from_env.err;
  EXPECT_NE(from_env.err.find(missing + " (from TESSERA_SIM_DIR) does not exist"),
            std::string::npos)
      << from_env.err;
  EXPECT_TRUE(from_env.out.empty()) << from_env.out;
}

TEST(SimCommandLine, VersionPrintsTheVersionCommitAndBuildType) {
  ProcessResult r = RunSim({"--version"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // docs/tessera-sim.md: "tessera-sim 0.1.0 (commit 1a2b3c4d5e6f+dirty, Debug build)".
  EXPECT_TRUE(std::regex_match(
      r.out, std::regex(R"(tessera-sim \d+\.\d+\.\d+ \(commit ([0-9a-f]{12}(\+dirty)?|unknown), )"
                        R"([A-Za-z]+ build\)\n)")))
      << r.out;
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
  EXPECT_NE(TokenLines(sim_->Ctl({"list"})).at(0).find(" removed unpowered "), std::string::npos);
  EXPECT_EQ(sim_->Ctl({"remove", s}).exit_code, 1) << "already removed";

  ProcessResult inserted = sim_->Ctl({"insert", s});
  ASSERT_EQ(inserted.exit_code, 0) << inserted.err;
  EXPECT_NE(TokenLines(sim_->Ctl({"list"})).at(0).find(" present powered "), std::string::npos);
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
  EXPECT_NE(TokenLines(sim_->Ctl({"list"})).at(0).find(" unpowered "), std::string::npos)
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
