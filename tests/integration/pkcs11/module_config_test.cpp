// A broken configuration, from the application's side: pkcs11-tool loads the
// module with a bad tessera.conf, a TESSERA_CONF that does not exist, a bad
// TESSERA_TRANSPORTS or a run directory that is not there. The module says
// what it ignored, on stderr, and serves on its defaults; the application
// goes on (pkcs11-module.md "Configuration").
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "tests/integration/pkcs11/module_harness.hpp"
#include "tests/integration/sim_test_fixture.hpp"

namespace tessera::testing {
namespace {

class ModuleConfigTest : public SimTest {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(StartSim()); }

  std::string WriteConf(const std::string& text) {
    const auto path = state_dir().parent_path() / "tessera.conf";
    std::ofstream(path) << text;
    return path.string();
  }

  // pkcs11-tool -L with `env` settings before it; expects `exit_code` (1 is
  // its "No slots.").
  std::string ListSlots(const std::vector<std::string>& env, int exit_code = 0) {
    std::vector<std::string> argv{"env"};
    argv.insert(argv.end(), env.begin(), env.end());
    argv.insert(argv.end(), {"pkcs11-tool", "--module", ModulePath().string(), "-L"});
    CommandResult r = RunClient(argv, run_dir());
    EXPECT_EQ(r.exit_code, exit_code) << r.output;
    return r.output;
  }

  std::string Serial() { return "serial num         : " + std::to_string(OnlySerial()); }
};

TEST_F(ModuleConfigTest, ABrokenLineIsReportedAndTheFileIgnored) {
  const std::string conf = WriteConf("transports = sim\nsim.run_dir /nowhere\n");
  const std::string out = ListSlots({"TESSERA_CONF=" + conf});
  EXPECT_NE(out.find("tessera-pkcs11: " + conf + ":2: expected key = value; the file is ignored"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find(Serial()), std::string::npos) << out;
}

TEST_F(ModuleConfigTest, AnUnknownKeyOrBadValueIsReportedByLine) {
  const std::string conf = WriteConf("# ok\ntransports = sim\nusb.timeout_ms = soon\n");
  const std::string out = ListSlots({"TESSERA_CONF=" + conf});
  EXPECT_NE(out.find(conf + ":3: usb.timeout_ms must be 1 to 3600000, not 'soon'; the file is "
                            "ignored"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find(Serial()), std::string::npos) << out;
}

TEST_F(ModuleConfigTest, AMissingFileOrBadVariableIsReportedAndSkipped) {
  const std::string out =
      ListSlots({"TESSERA_CONF=/nonexistent/tessera.conf", "TESSERA_TRANSPORTS=sim,bluetooth"});
  EXPECT_NE(out.find("tessera-pkcs11: TESSERA_CONF: cannot read /nonexistent/tessera.conf; "
                     "running on the defaults"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("tessera-pkcs11: TESSERA_TRANSPORTS: "), std::string::npos) << out;
  EXPECT_NE(out.find("; the variable is ignored"), std::string::npos) << out;
  EXPECT_NE(out.find(Serial()), std::string::npos) << out;
}

TEST_F(ModuleConfigTest, AMissingRunDirectoryIsNoTokensNotAnError) {
  const std::string out =
      ListSlots({"TESSERA_SIM_DIR=/nonexistent/run", "TESSERA_TRANSPORTS=sim", "TESSERA_CONF="}, 1);
  EXPECT_NE(out.find("No slots."), std::string::npos) << out;
  EXPECT_EQ(out.find("tessera-pkcs11:"), std::string::npos) << out;
}

}  // namespace
}  // namespace tessera::testing
