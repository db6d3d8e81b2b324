#include "tests/integration/services/keyman/keyman_fixture.hpp"

#include <algorithm>
#include <cstdlib>
#include <system_error>

namespace tessera::testing {
namespace {

// Settings the CLI would take from the developer's environment over
// TESSERA_HOME's (docs/cli.md).
constexpr const char* kUnset[] = {"TESSERA_CONF", "TESSERA_HSM_MODULE", "TESSERA_HSM_PIN"};

}  // namespace

std::filesystem::path TesseraBinary() {
  const char* build = std::getenv("TESSERA_BUILD_DIR");  // NOLINT(concurrency-mt-unsafe)
  if (build != nullptr && *build != '\0') {
    return std::filesystem::path(build) / "tools" / "tessera" / "tessera";
  }
#ifdef TESSERA_CLI_BINARY
  return TESSERA_CLI_BINARY;
#else
  return "tessera";
#endif
}

void KeymanTest::SetUp() {
  std::error_code ec;
  std::filesystem::create_directory(home(), ec);
  ASSERT_FALSE(ec) << home() << ": " << ec.message();
  std::filesystem::permissions(home(), std::filesystem::perms::owner_all, ec);
  ASSERT_NO_FATAL_FAILURE(StartSim());
  ASSERT_EQ(Serials().size(), TokenCount()) << sim_->Stderr();
}

RunResult KeymanTest::Tessera(const std::vector<std::string>& args,
                              const std::vector<std::string>& extra_env,
                              std::chrono::milliseconds timeout) const {
  std::vector<std::string> argv = {TesseraBinary().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return Run(argv, extra_env, timeout);
}

// Through env(1): RunTool passes its own environment on, and the test's
// environment must stay untouched (other tests run in the same process).
RunResult KeymanTest::Run(const std::vector<std::string>& argv,
                          const std::vector<std::string>& extra_env,
                          std::chrono::milliseconds timeout) const {
  std::vector<std::string> full = {"env"};
  for (const char* name : kUnset) full.insert(full.end(), {"-u", name});
  full.push_back("TESSERA_HOME=" + home().string());
  full.push_back("TESSERA_SIM_DIR=" + run_dir().string());
  full.emplace_back("TESSERA_TRANSPORTS=sim");
  full.push_back("SOFTHSM2_CONF=" + SoftHsmConf().string());
  for (const std::string& kv : extra_env) {
    // Anything without '=' would be taken for the program to run.
    if (kv.find('=') == std::string::npos || kv.front() == '=') {
      ADD_FAILURE() << "extra_env entry is not NAME=VALUE: " << kv;
      RunResult bad;
      bad.err = "bad extra_env entry " + kv;
      return bad;
    }
    full.push_back(kv);
  }
  full.insert(full.end(), argv.begin(), argv.end());
  return RunTool(full, timeout);
}

void KeymanTest::StartSim(const std::vector<std::string>& extra) {
  sim_.reset();
  std::vector<std::string> args = {"--tokens", std::to_string(TokenCount())};
  args.insert(args.end(), extra.begin(), extra.end());
  auto sim = SimProcess::Start(state_dir(), run_dir(), args);
  ASSERT_TRUE(sim.ok()) << sim.status().message();
  sim_ = std::move(sim).value();
}

void KeymanTest::StopSim() {
  ASSERT_NE(sim_, nullptr);
  const std::string log = sim_->Stderr();
  EXPECT_EQ(sim_->Stop(), 0) << log;
  sim_.reset();
}

std::vector<std::uint32_t> KeymanTest::Serials() const {
  if (sim_ == nullptr) return {};
  std::vector<std::uint32_t> serials = sim_->Serials();
  std::sort(serials.begin(), serials.end());
  return serials;
}

ProcessResult KeymanTest::Ctl(const std::vector<std::string>& args) const {
  if (sim_ == nullptr) {
    ProcessResult none;
    none.err = "the simulator is not running";
    return none;
  }
  return sim_->Ctl(args);
}

::testing::AssertionResult KeymanTest::CtlOk(const std::vector<std::string>& args) const {
  ProcessResult r = Ctl(args);
  if (r.exit_code == 0) return ::testing::AssertionSuccess();
  std::string command = "tessera-sim ctl";
  for (const std::string& a : args) command += " " + a;
  return ::testing::AssertionFailure() << command << ": exit " << r.exit_code << "\n"
                                       << r.out << r.err;
}

::testing::AssertionResult KeymanTest::Tear(std::uint32_t serial, std::size_t writes) const {
  return CtlOk({"tear", std::to_string(serial), "--after-writes", std::to_string(writes)});
}

::testing::AssertionResult KeymanTest::PowerCycle(std::uint32_t serial) const {
  return CtlOk({"power-cycle", std::to_string(serial)});
}

::testing::AssertionResult KeymanTest::Remove(std::uint32_t serial) const {
  return CtlOk({"remove", std::to_string(serial)});
}

::testing::AssertionResult KeymanTest::Insert(std::uint32_t serial) const {
  return CtlOk({"insert", std::to_string(serial)});
}

}  // namespace tessera::testing
