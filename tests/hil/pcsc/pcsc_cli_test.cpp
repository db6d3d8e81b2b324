// tessera-sim --vpcd on its own: bad endpoints are command-line errors, and
// a token whose vpcd is not there keeps retrying without holding up its
// socket or the control channel. No pcscd needed.
#include <gtest/gtest.h>

#include "tests/integration/sim_harness.hpp"
#include "tests/support/temp_dir.hpp"

namespace tessera::testing {
namespace {

ProcessResult Serve(const TempDir& dir, const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"--state", (dir / "state").string(), "--run-dir",
                                   (dir / "run").string()};
  args.insert(args.end(), extra.begin(), extra.end());
  return RunSim(args);
}

TEST(PcscSimCommandLine, RejectsMalformedVpcdEndpointsWithUsageErrors) {
  TempDir dir;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"localhost", "no port"},
      {"localhost:", "the port is not a number"},
      {"localhost:http", "the port is not a number"},
      {":35963", "no host"},
      {"127.0.0.1:0", "the port must be 1 to 65535"},
      {"127.0.0.1:65536", "the port must be 1 to 65535"},
      {"::1:35963", "an IPv6 address needs brackets"},
  };
  for (const auto& [endpoint, message] : cases) {
    ProcessResult r = Serve(dir, {"--vpcd", endpoint});
    EXPECT_EQ(r.exit_code, 2) << endpoint << "\n" << r.err;
    EXPECT_NE(r.err.find("--vpcd: bad vpcd endpoint '" + endpoint + "': " + message),
              std::string::npos)
        << r.err;
  }
}

TEST(PcscSimCommandLine, RejectsAPortThatTheLastTokenWouldPushPast65535) {
  TempDir dir;
  ProcessResult r = Serve(dir, {"--vpcd", "127.0.0.1:65535", "--tokens", "2"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("vpcd port 65535 + token 1 passes 65535"), std::string::npos) << r.err;
}

TEST(PcscSimCommandLine, AnUnknownHostStopsTheStartUp) {
  TempDir dir;
  ProcessResult r = Serve(dir, {"--vpcd", "no-such-host.invalid:35963"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("cannot resolve vpcd host 'no-such-host.invalid'"), std::string::npos)
      << r.err;
}

TEST(PcscSimCommandLine, HelpDescribesTheVpcdFlag) {
  ProcessResult r = RunSim({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("--vpcd HOST:PORT"), std::string::npos) << r.out;
}

TEST(PcscSimVpcdLink, ATokenWhoseVpcdIsAbsentRetriesAndStillServesItsSocket) {
  TempDir dir;
  // Port 1 on loopback: nothing listens, so every connect is refused.
  auto sim = SimProcess::Start(dir / "state", dir / "run", {"--vpcd", "127.0.0.1:1"});
  ASSERT_TRUE(sim.ok()) << sim.status().message();
  std::vector<std::uint32_t> serials = (*sim)->Serials();
  ASSERT_EQ(serials.size(), 1u);

  auto transport = (*sim)->Connect(serials[0]);
  ASSERT_TRUE(transport.ok()) << transport.status().message();
  ProcessResult list = (*sim)->Ctl({"list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("  127.0.0.1:1 "), std::string::npos) << list.out;
  EXPECT_EQ(list.out.find(" connected"), std::string::npos) << list.out;

  // Removed tokens stop retrying; inserted ones start again.
  ASSERT_EQ((*sim)->Ctl({"remove", std::to_string(serials[0])}).exit_code, 0);
  EXPECT_NE((*sim)->Ctl({"list"}).out.find("  127.0.0.1:1 off"), std::string::npos);
  ASSERT_EQ((*sim)->Ctl({"insert", std::to_string(serials[0])}).exit_code, 0);
  EXPECT_EQ((*sim)->Ctl({"list"}).out.find("  127.0.0.1:1 off"), std::string::npos);

  std::string log = (*sim)->Stderr();
  EXPECT_NE(log.find("vpcd at 127.0.0.1:1 not reachable (Connection refused)"), std::string::npos)
      << log;
  EXPECT_EQ((*sim)->Stop(), 0) << log;
}

}  // namespace
}  // namespace tessera::testing
