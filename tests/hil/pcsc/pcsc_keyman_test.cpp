// Seed 003 through a real PC/SC stack: the tessera CLI reaches the simulated
// token through pcscd and vsmartcard's vpcd (TESSERA_TRANSPORTS=pcsc), as it
// would a card in a reader. Short APDUs and GET RESPONSE only: vpcd carries
// no extended lengths.
#include <gtest/gtest.h>

#include <cstdlib>

#include "tests/hil/pcsc/pcsc_fixture.hpp"

namespace tessera::testing {
namespace {

class PcscKeymanTest : public PcscTest {
 protected:
  ToolResult Tessera(const std::vector<std::string>& args) const {
    const char* build = std::getenv("TESSERA_BUILD_DIR");  // NOLINT(concurrency-mt-unsafe)
    const std::string binary =
        build != nullptr ? std::string(build) + "/tools/tessera/tessera" : "tessera";
    std::vector<std::string> argv = {"env",
                                     "-u",
                                     "TESSERA_HSM_PIN",
                                     "-u",
                                     "TESSERA_HSM_MODULE",
                                     "TESSERA_HOME=" + Path("home").string(),
                                     "TESSERA_TRANSPORTS=pcsc",
                                     binary};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunTool(argv, std::chrono::seconds(120));
  }

  void Ok(const std::vector<std::string>& args) const {
    ToolResult r = Tessera(args);
    ASSERT_EQ(r.exit_code, 0) << r.Describe() << Logs();
  }
};

TEST_F(PcscKeymanTest, PersonalizationAndReplacementThroughPcscd) {
  ASSERT_NO_FATAL_FAILURE(Ok({"hsm", "init-softhsm", "--name", "km"}));
  ASSERT_NO_FATAL_FAILURE(Ok({"hsm", "init-softhsm", "--name", "as"}));
  for (const char* v : {"1", "2"}) {
    ASSERT_NO_FATAL_FAILURE(Ok({"hsm", "keygen", "--hsm", "km", "--mk-version", v}));
    ASSERT_NO_FATAL_FAILURE(
        Ok({"hsm", "transfer", "--from", "km", "--to", "as", "--mk-version", v}));
  }
  ASSERT_NO_FATAL_FAILURE(Ok({"personalize", "--hsm", "as", "--all", "--mk-version", "1"}));
  ToolResult list = Tessera({"token", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.Describe();
  const std::string s = std::to_string(serial());
  EXPECT_NE(list.out.find(s), std::string::npos) << list.out;
  EXPECT_NE(list.out.find(" pcsc "), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("personalized  1"), std::string::npos) << list.out;

  ASSERT_NO_FATAL_FAILURE(Ok({"mk-replace", "--hsm", "as", "--to-version", "2", "--all"}));
  list = Tessera({"token", "list"});
  EXPECT_NE(list.out.find("personalized  2"), std::string::npos) << list.out;
  ASSERT_NO_FATAL_FAILURE(Ok({"token", "probe", "--hsm", "as", "--mk-version", "2", s}));
  EXPECT_EQ(Tessera({"token", "probe", "--hsm", "as", "--mk-version", "1", s}).exit_code, 1);
}

}  // namespace
}  // namespace tessera::testing
