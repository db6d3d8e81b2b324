// The directory setting of services/runtime: `directory` in tessera.conf,
// TESSERA_DIRECTORY in the environment (which wins), else the SQLite file in
// TESSERA_HOME.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>

#include "services/runtime/home.hpp"
#include "tests/support/temp_dir.hpp"

namespace tessera::runtime {
namespace {

class DirectorySetting : public ::testing::Test {
 protected:
  void SetUp() override { ::unsetenv("TESSERA_DIRECTORY"); }
  void TearDown() override { ::unsetenv("TESSERA_DIRECTORY"); }
  void WriteConf(const std::string& text) { std::ofstream(home_.config_file()) << text; }
  tessera::testing::TempDir dir_{"tessera-home"};
  Home home_{dir_.path()};
};

TEST_F(DirectorySetting, DefaultsToTheSqliteFileInTesseraHome) {
  auto settings = LoadSettings(home_);
  ASSERT_TRUE(settings.ok()) << settings.status().ToString();
  EXPECT_EQ(settings->directory, "sqlite:" + (dir_.path() / "directory.db").string());
}

TEST_F(DirectorySetting, TesseraConfNamesIt) {
  WriteConf("directory = postgresql:///tessera?host=/run/postgresql\n");
  auto settings = LoadSettings(home_);
  ASSERT_TRUE(settings.ok()) << settings.status().ToString();
  EXPECT_EQ(settings->directory, "postgresql:///tessera?host=/run/postgresql");
}

TEST_F(DirectorySetting, TheEnvironmentWinsOverTesseraConf) {
  WriteConf("directory = sqlite:/srv/a.db\n");
  ::setenv("TESSERA_DIRECTORY", "sqlite:/srv/b.db", 1);
  auto settings = LoadSettings(home_);
  ASSERT_TRUE(settings.ok()) << settings.status().ToString();
  EXPECT_EQ(settings->directory, "sqlite:/srv/b.db");
}

TEST_F(DirectorySetting, AnEmptyValueIsRefusedNamingTheLine) {
  auto settings = ParseSettings("\ndirectory =\n", "tessera.conf", Settings{});
  ASSERT_FALSE(settings.ok());
  EXPECT_EQ(settings.status().code(), Code::kInvalidArgument);
  EXPECT_NE(settings.status().message().find("tessera.conf:2"), std::string::npos)
      << settings.status().message();
}

}  // namespace
}  // namespace tessera::runtime
