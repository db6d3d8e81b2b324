// TesseraHome(): TESSERA_HOME, then XDG_DATA_HOME, then HOME; and the default
// directory file inside it.
#include "services/runtime/tessera_home.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <string>

namespace tessera::runtime::testing {
namespace {

// Sets (or, with nullopt, unsets) one variable and puts it back afterwards.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::optional<std::string>& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    Set(value);
  }
  ~ScopedEnv() { Set(old_); }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  void Set(const std::optional<std::string>& value) {
    if (value) {
      ::setenv(name_, value->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }
  const char* name_;
  std::optional<std::string> old_;
};

std::filesystem::path Home() {
  auto home = TesseraHome();
  EXPECT_TRUE(home.ok()) << home.status().ToString();
  return home.ok() ? *home : std::filesystem::path();
}

TEST(TesseraHome, TesseraHomeComesFirst) {
  ScopedEnv tessera("TESSERA_HOME", "/srv/tessera");
  ScopedEnv xdg("XDG_DATA_HOME", "/data");
  ScopedEnv home("HOME", "/home/officer");
  EXPECT_EQ(Home(), "/srv/tessera");
}

TEST(TesseraHome, ThenXdgDataHome) {
  ScopedEnv tessera("TESSERA_HOME", "");  // empty counts as unset
  ScopedEnv xdg("XDG_DATA_HOME", "/data");
  ScopedEnv home("HOME", "/home/officer");
  EXPECT_EQ(Home(), "/data/tessera");
}

TEST(TesseraHome, ThenHomeWhenXdgDataHomeIsUnsetOrRelative) {
  ScopedEnv tessera("TESSERA_HOME", std::nullopt);
  ScopedEnv home("HOME", "/home/officer");
  {
    ScopedEnv xdg("XDG_DATA_HOME", std::nullopt);
    EXPECT_EQ(Home(), "/home/officer/.local/share/tessera");
  }
  ScopedEnv xdg("XDG_DATA_HOME", "relative/data");
  EXPECT_EQ(Home(), "/home/officer/.local/share/tessera");
}

TEST(TesseraHome, WithoutHomeTheAccountsHomeIsUsed) {
  ScopedEnv tessera("TESSERA_HOME", std::nullopt);
  ScopedEnv xdg("XDG_DATA_HOME", std::nullopt);
  ScopedEnv home("HOME", std::nullopt);
  auto found = TesseraHome();
  // An account without a home directory is possible in a container.
  if (!found.ok()) {
    EXPECT_EQ(found.status().code(), Code::kNotFound);
    return;
  }
  EXPECT_TRUE(found->is_absolute()) << *found;
  EXPECT_EQ(found->filename(), "tessera");
}

TEST(TesseraHome, TheDefaultDirectoryFileIsDirectoryDbInside) {
  EXPECT_EQ(DefaultDirectoryPath("/srv/tessera"),
            std::filesystem::path("/srv/tessera/directory.db"));
}

}  // namespace
}  // namespace tessera::runtime::testing
