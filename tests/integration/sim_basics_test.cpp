// tessera-sim as a process: start-up, sockets, ATR, command line, state
// directory errors, shutdown and the trace.
#include <chrono>
#include <fstream>
#include <regex>
#include <set>

#include "common/sim_socket_protocol.hpp"
#include "tests/integration/sim_test_fixture.hpp"

namespace tessera::testing {
namespace {

// ISO 7816-3 T=1 ATR with "Tessera" in the historical bytes and its TCK.
constexpr std::string_view kExpectedAtr = "3b8d80018073c021c05754657373657261ce";

TEST_F(SimTest, SelectPivThenGetVersionAndGetSerialOverTheSocket) {
  ASSERT_NO_FATAL_FAILURE(StartSim());
  std::uint32_t serial = OnlySerial();
  EXPECT_GE(serial, 10'000'000u) << "8-digit serial";
  EXPECT_LE(serial, 99'999'999u);

  auto transport = Connect(serial);
  ASSERT_NE(transport, nullptr);
  PivClient piv(*transport);
  ASSERT_TRUE(piv.Select().ok());
  auto version = piv.Version();
  ASSERT_TRUE(version.ok()) << version.status().message();
  EXPECT_EQ(ToHex(*version), "050702");
  auto card_serial = piv.Serial();
  ASSERT_TRUE(card_serial.ok()) << card_serial.status().message();
  EXPECT_EQ(*card_serial, serial) << "GET SERIAL matches the socket name";
}

TEST_F(SimTest, GetAtrControlCodeAnswersTheTesseraAtr) {
  ASSERT_NO_FATAL_FAILURE(StartSim());
  auto raw = RawClient::Connect(sim_->SocketPath(OnlySerial()));
  ASSERT_TRUE(raw.ok());
  ASSERT_TRUE(raw->WriteFrame(HexOrDie("04")).ok());
  auto atr = raw->ReadFrame();
  ASSERT_TRUE(atr.ok()) << atr.status().message();
  EXPECT_EQ(ToHex(*atr), kExpectedAtr);
}

TEST_F(SimTest, PowerOffMakesTheCardMuteUntilPowerOn) {
  ASSERT_NO_FATAL_FAILURE(StartSim());
  auto transport = Connect(OnlySerial());
  ASSERT_NE(transport, nullptr);
  ASSERT_TRUE(transport->PowerOff().ok());
  auto mute = transport->Transmit(HexOrDie("00fd0000"));
  ASSERT_FALSE(mute.ok());
  EXPECT_EQ(mute.status().code(), Code::kIoError);
  EXPECT_NE(mute.status().message().find("mute"), std::string::npos);
  EXPECT_FALSE(transport->Atr().ok()) << "no ATR while unpowered";

  ASSERT_TRUE(transport->PowerOn().ok());
  PivClient piv(*transport);
  EXPECT_TRUE(piv.Select().ok());
  ASSERT_TRUE(transport->Reset().ok());
  EXPECT_TRUE(piv.Select().ok());
}

TEST_F(SimTest, TokensOptionServesDistinctSerialsOnTheirOwnSockets) {
  ASSERT_NO_FATAL_FAILURE(StartSim({"--tokens", "3"}));
  std::vector<std::uint32_t> serials = sim_->Serials();
  ASSERT_EQ(serials.size(), 3u);
  EXPECT_EQ(std::set<std::uint32_t>(serials.begin(), serials.end()).size(), 3u);
  for (std::uint32_t serial : serials) {
    EXPECT_TRUE(std::filesystem::exists(state_dir() / (std::to_string(serial) + ".token")));
    auto transport = Connect(serial);
    ASSERT_NE(transport, nullptr);
    PivClient piv(*transport);
    ASSERT_TRUE(piv.Select().ok());
    auto card_serial = piv.Serial();
    ASSERT_TRUE(card_serial.ok());
    EXPECT_EQ(*card_serial, serial);
  }
}

TEST_F(SimTest, SigtermShutsDownCleanlyAndRemovesTheSockets) {
  ASSERT_NO_FATAL_FAILURE(StartSim({"--tokens", "2"}));
  ASSERT_EQ(sim_->Serials().size(), 2u);
  auto transport = Connect(sim_->Serials().front());  // a client still connected
  ASSERT_NO_FATAL_FAILURE(StopSim());
  for (const auto& entry : std::filesystem::directory_iterator(run_dir())) {
    ADD_FAILURE() << "left behind: " << entry.path();
  }
  EXPECT_FALSE(transport->Transmit(HexOrDie("00fd0000")).ok());
}

TEST_F(SimTest, ASecondSimulatorOnTheSameRunDirectoryFailsClearly) {
  ASSERT_NO_FATAL_FAILURE(StartSim());
  TempDir other_state;
  ProcessResult second =
      RunSim({"--state", other_state.path().string(), "--run-dir", run_dir().string()});
  EXPECT_NE(second.exit_code, 0);
  EXPECT_NE(second.err.find("another tessera-sim"), std::string::npos) << second.err;
  EXPECT_NE(second.err.find(run_dir().string()), std::string::npos) << second.err;
  EXPECT_EQ(sim_->Serials().size(), 1u) << "the first one is untouched";
}

TEST_F(SimTest, ACorruptStateFileStopsStartUpAndIsNamed) {
  ASSERT_NO_FATAL_FAILURE(StartSim());
  std::uint32_t serial = OnlySerial();
  ASSERT_NO_FATAL_FAILURE(StopSim());
  std::filesystem::path file = state_dir() / (std::to_string(serial) + ".token");
  std::ofstream(file, std::ios::trunc) << "garbage";

  ProcessResult run = RunSim({"--state", state_dir().string(), "--run-dir", run_dir().string()});
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.err.find(file.string()), std::string::npos) << run.err;
  EXPECT_EQ(ReadFile(file), "garbage") << "never silently re-created";
  EXPECT_FALSE(std::filesystem::exists(run_dir() / simsock::kControlSocketName));
}

TEST_F(SimTest, AnUnknownFlagPrintsTheUsageAndExits2) {
  ProcessResult run = RunSim({"--no-such-flag"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("Usage:"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("--run-dir"), std::string::npos) << run.err;

  ProcessResult bad_value = RunSim({"--latency", "sluggish"});
  EXPECT_EQ(bad_value.exit_code, 2);
  EXPECT_NE(bad_value.err.find("Usage:"), std::string::npos);

  ProcessResult bad_ctl = RunSim({"ctl", "tear", "12345678"});
  EXPECT_EQ(bad_ctl.exit_code, 2);
  EXPECT_NE(bad_ctl.err.find("--after-writes"), std::string::npos) << bad_ctl.err;
}

TEST_F(SimTest, HelpGoesToStdoutAndExits0) {
  ProcessResult help = RunSim({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--tokens"), std::string::npos);
  ProcessResult ctl_help = RunSim({"ctl", "--help"});
  EXPECT_EQ(ctl_help.exit_code, 0);
  EXPECT_NE(ctl_help.out.find("power-cycle"), std::string::npos);
}

TEST_F(SimTest, RealisticLatencyChargesEveryExchange) {
  ASSERT_NO_FATAL_FAILURE(StartSim({"--latency", "realistic"}));
  auto transport = Connect(OnlySerial());
  ASSERT_NE(transport, nullptr);
  constexpr int kExchanges = 10;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kExchanges; ++i) ASSERT_TRUE(transport->Transmit(HexOrDie("00fd0000")).ok());
  // A lower bound only (1.5 ms per APDU in latency.cpp): never flaky.
  EXPECT_GE(std::chrono::steady_clock::now() - start, kExchanges * std::chrono::microseconds(1500));
}

TEST_F(SimTest, TraceRecordsEveryCommandAndResponseInOrder) {
  std::filesystem::path trace = dir_.path() / "trace.log";
  ASSERT_NO_FATAL_FAILURE(StartSim({"--trace", trace.string()}));
  std::uint32_t serial = OnlySerial();
  auto transport = Connect(serial);
  ASSERT_NE(transport, nullptr);
  ASSERT_TRUE(transport->Atr().ok());
  std::vector<std::string> commands = {"00a4040005a000000308", "00fd0000", "00f80000",
                                       "0020008000"};
  std::vector<std::string> responses;
  for (const std::string& c : commands) {
    auto r = transport->Transmit(HexOrDie(c));
    ASSERT_TRUE(r.ok());
    responses.push_back(ToHex(*r));
  }
  ASSERT_NO_FATAL_FAILURE(StopSim());

  const std::regex line_format(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z (\d{8}) (.*)$)");
  std::vector<std::string> events;
  std::ifstream in(trace);
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    ASSERT_TRUE(std::regex_match(line, m, line_format)) << line;
    EXPECT_EQ(m[1].str(), std::to_string(serial));
    events.push_back(m[2].str());
  }
  std::vector<std::string> expected = {"power-on", "atr"};
  for (std::size_t i = 0; i < commands.size(); ++i) {
    expected.push_back("> " + commands[i]);
    expected.push_back("< " + responses[i]);
  }
  EXPECT_EQ(events, expected);
}

}  // namespace
}  // namespace tessera::testing
