// PinSource on its own: environment, file modes, line endings.
#include "hsm/pin_source.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "tests/integration/hsm/softhsm_fixture.hpp"

namespace tessera::hsm::testing {
namespace {

std::string AsString(const SecureBytes& pin) {
  return {reinterpret_cast<const char*>(pin.data()), pin.size()};
}

using PinSourceTest = SoftHsmTest;

TEST_F(PinSourceTest, FileKeepsOnlyTheFirstLineWithoutItsEnding) {
  auto pin = PinSource::FromFile(WriteFile("pin", "4321\r\nsecond line\n", 0400)).Read();
  ASSERT_TRUE(pin.ok()) << pin.status().ToString();
  EXPECT_EQ(AsString(*pin), "4321");
}

TEST_F(PinSourceTest, EmptyFileIsRefused) {
  auto pin = PinSource::FromFile(WriteFile("pin", "\n", 0600)).Read();
  ASSERT_FALSE(pin.ok());
  EXPECT_EQ(pin.status().code(), Code::kInvalidArgument);
}

TEST_F(PinSourceTest, GroupReadableFileIsRefusedWithTheFix) {
  auto pin = PinSource::FromFile(WriteFile("pin", "1234", 0640)).Read();
  ASSERT_FALSE(pin.ok());
  EXPECT_NE(pin.status().message().find("chmod 600"), std::string::npos);
}

TEST(PinSource, MissingFileAndUnsetVariableAreNotFound) {
  EXPECT_EQ(PinSource::FromFile("/nonexistent/pin").Read().status().code(), Code::kNotFound);
  ::unsetenv("TESSERA_TEST_NO_SUCH_PIN");
  auto pin = PinSource::FromEnvironment("TESSERA_TEST_NO_SUCH_PIN").Read();
  EXPECT_EQ(pin.status().code(), Code::kNotFound);
  EXPECT_NE(pin.status().message().find("TESSERA_TEST_NO_SUCH_PIN"), std::string::npos);
}

}  // namespace
}  // namespace tessera::hsm::testing
