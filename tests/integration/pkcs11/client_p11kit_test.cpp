// p11-kit finding the module through a user module config
// (~/.config/pkcs11/modules/tessera.module) in a temporary HOME: the p11-kit
// tool lists it, and its proxy module hands the token to pkcs11-tool.
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "tests/integration/pkcs11/client_support.hpp"

namespace tessera::testing {
namespace {

class P11KitTest : public ClientTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ClientTest::SetUp());
    const auto modules = File("home") / ".config" / "pkcs11" / "modules";
    std::filesystem::create_directories(modules);
    WriteFile("home/.config/pkcs11/modules/tessera.module",
              "module: " + ModulePath().string() + "\n");
  }

  // `argv` with HOME set to the temporary one. p11-kit skips user configs
  // in a process whose uid is 0, so as root the command runs in a new user
  // namespace where it is not; the kernel still checks files against the
  // real uid, so the root-owned simulator sockets stay reachable.
  CommandResult RunWithUserConfig(std::vector<std::string> argv, bool p11kit_binary = false) {
    std::vector<std::string> cmd;
    if (::geteuid() == 0) cmd = {"unshare", "--user"};
    cmd.insert(cmd.end(), {"env", "HOME=" + File("home").string()});
    const std::string preload = TESSERA_SANITIZER_PRELOAD;
    if (p11kit_binary && !preload.empty()) {
      // libp11-kit's constructor calls newlocale(), whose first malloc()
      // starts a preloaded ASan runtime inside glibc's locale lock and
      // leaves the lock broken: the p11-kit tool then hangs, module or not.
      // Preloading libp11-kit first makes the runtime start before it.
      cmd.insert(cmd.end(), {"LD_PRELOAD=libp11-kit.so.0 " + preload,
                             "ASAN_OPTIONS=detect_leaks=0:verify_asan_link_order=0"});
    }
    cmd.insert(cmd.end(), argv.begin(), argv.end());
    return Run(cmd);
  }
};

TEST_F(P11KitTest, ListModulesShowsTheModuleAndItsToken) {
  CommandResult r = RunWithUserConfig({"p11-kit", "list-modules"}, /*p11kit_binary=*/true);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("tessera: " + ModulePath().string()), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("library-manufacturer: Tessera"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("token: " + TokenLabel()), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("serial-number: " + std::to_string(serial_)), std::string::npos)
      << r.output;
}

TEST_F(P11KitTest, ProxyModuleShowsTheTokenAndItsObjects) {
  ASSERT_NO_FATAL_FAILURE(ProvisionAuthKeyWithCertificate(File("cert.pem")));

  CommandResult r = RunWithUserConfig({"pkcs11-tool", "--module", TESSERA_P11KIT_PROXY, "-L"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("token label        : " + TokenLabel()), std::string::npos) << r.output;

  r = RunWithUserConfig(
      {"pkcs11-tool", "--module", TESSERA_P11KIT_PROXY, "--token-label", TokenLabel(), "-O"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find(std::string("label:      ") + kAuthCertLabel), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find(std::string("label:      ") + kAuthPublicKeyLabel), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("subject:    DN: CN=Tessera client test"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace tessera::testing
