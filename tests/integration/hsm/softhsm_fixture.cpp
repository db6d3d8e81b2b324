#include "tests/integration/hsm/softhsm_fixture.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "tests/support/run_tool.hpp"

namespace tessera::hsm::testing {

void SoftHsmTest::SetUp() {
  if (::access(kSoftHsmModule, R_OK) != 0) GTEST_SKIP() << kSoftHsmModule << " not installed";
  std::filesystem::create_directory(dir_ / "tokens");
  {
    std::ofstream conf(dir_ / "softhsm2.conf");
    conf << "directories.tokendir = " << (dir_ / "tokens").string()
         << "\nobjectstore.backend = file\nlog.level = ERROR\n";
  }
  ::setenv("SOFTHSM2_CONF", (dir_ / "softhsm2.conf").c_str(), 1);
  InitToken(kLabel);
}

void SoftHsmTest::TearDown() {
  ::unsetenv("SOFTHSM2_CONF");
  ::unsetenv(kPinVariable);
}

void SoftHsmTest::InitToken(const std::string& label) {
  auto result = tessera::testing::RunTool({"softhsm2-util", "--init-token", "--free", "--label",
                                           label, "--pin", kPin, "--so-pin", "5678"});
  ASSERT_EQ(result.exit_code, 0) << result.Describe();
}

Result<HsmToken> SoftHsmTest::OpenToken(std::shared_ptr<const Pkcs11Library> library,
                                        const std::string& label) {
  ::setenv(kPinVariable, kPin, 1);
  auto token = HsmToken::Open(std::move(library), label, PinSource::FromEnvironment(kPinVariable));
  EXPECT_TRUE(token.ok()) << token.status().ToString();
  return token;
}

std::shared_ptr<const Pkcs11Library> SoftHsmTest::LoadSoftHsm() {
  auto library = Pkcs11Library::Load(kSoftHsmModule);
  EXPECT_TRUE(library.ok()) << library.status().ToString();
  return library.ok() ? *library : nullptr;
}

void OpenTokenTest::SetUp() {
  SoftHsmTest::SetUp();
  if (IsSkipped() || HasFatalFailure()) return;
  library_ = LoadSoftHsm();
  ASSERT_TRUE(library_);
  auto token = OpenToken(library_, kLabel);
  ASSERT_TRUE(token.ok());
  token_.emplace(std::move(*token));
}

void OpenTokenTest::TearDown() {
  token_.reset();  // before the library
  library_.reset();
  SoftHsmTest::TearDown();
}

std::string SoftHsmTest::WriteFile(const std::string& name, const std::string& content,
                                   unsigned mode) {
  std::string path = (dir_ / name).string();
  {
    std::ofstream out(path);
    out << content;
  }
  ::chmod(path.c_str(), mode);
  return path;
}

}  // namespace tessera::hsm::testing
