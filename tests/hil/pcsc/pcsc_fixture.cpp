#include "tests/hil/pcsc/pcsc_fixture.hpp"

namespace tessera::testing {
namespace {

using namespace std::chrono_literals;

// pcscd polls a vpcd reader every 400 ms; the simulator under ASan may take
// a while to start. Generous, but bounded.
constexpr auto kCardTimeout = 30s;
constexpr auto kToolTimeout = 90s;

}  // namespace

void PcscTest::SetUp() {
  if (std::optional<std::string> why = PrivatePcscd::WhyUnavailable()) GTEST_SKIP() << *why;
  std::filesystem::create_directories(dir_ / "pcscd");
  auto pcscd = PrivatePcscd::Start(dir_ / "pcscd");
  ASSERT_TRUE(pcscd.ok()) << pcscd.status().message();
  pcscd_ = std::move(pcscd).value();

  std::string vpcd = "127.0.0.1:" + std::to_string(pcscd_->port());
  auto sim = SimProcess::Start(dir_ / "state", dir_ / "run",
                               {"--seed", "1", "--vpcd", vpcd, "--trace", Path("trace").string()});
  ASSERT_TRUE(sim.ok()) << sim.status().message();
  sim_ = std::move(sim).value();
  std::vector<std::uint32_t> serials = sim_->Serials();
  ASSERT_EQ(serials.size(), 1u);
  serial_ = serials.front();

  Result<Bytes> atr = WaitForCard(true);
  ASSERT_TRUE(atr.ok()) << atr.status().message() << "\n" << Logs();
}

Result<Bytes> PcscTest::WaitForCard(bool present) {
  return ::tessera::testing::WaitForCard(reader(), present, kCardTimeout);
}

ToolResult PcscTest::PivTool(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {"yubico-piv-tool", "-r", "Tessera vpcd"};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunTool(argv, kToolTimeout);
}

ToolResult PcscTest::Openssl(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {"openssl"};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunTool(argv, kToolTimeout);
}

std::string PcscTest::Trace() const { return ReadFile(Path("trace")); }

std::string PcscTest::Logs() const {
  std::string logs = "pcscd (" + std::string(pcscd_ && pcscd_->isolated() ? "own" : "host") +
                     " network namespace):\n" + (pcscd_ ? pcscd_->Log() : std::string("-"));
  logs += "\ntessera-sim:\n" + (sim_ ? sim_->Stderr() : std::string("-"));
  return logs;
}

}  // namespace tessera::testing
