#include "pkcs11/core/log/log_spec.hpp"

#include <gtest/gtest.h>

namespace tessera::p11::log {
namespace {

TEST(ParseLogSpec, UnsetOrEmptyMeansOff) {
  auto spec = ParseLogSpec("");
  ASSERT_TRUE(spec.ok());
  EXPECT_FALSE(spec->level.has_value());
}

TEST(ParseLogSpec, ReadsEachLevelToStderr) {
  struct Row {
    const char* value;
    std::optional<Level> level;
  };
  const Row rows[] = {{"off", std::nullopt},   {"error", Level::kError}, {"info", Level::kInfo},
                      {"warn", Level::kInfo},  {"debug", Level::kDebug}, {"DEBUG", Level::kDebug},
                      {"Error", Level::kError}};
  for (const Row& row : rows) {
    auto spec = ParseLogSpec(row.value);
    ASSERT_TRUE(spec.ok()) << row.value;
    EXPECT_EQ(spec->level, row.level) << row.value;
    EXPECT_TRUE(spec->path.empty()) << row.value;
  }
}

TEST(ParseLogSpec, TakesEverythingAfterTheFirstColonAsTheFile) {
  auto spec = ParseLogSpec("debug:/tmp/a:b.log");
  ASSERT_TRUE(spec.ok());
  EXPECT_EQ(spec->level, Level::kDebug);
  EXPECT_EQ(spec->path, "/tmp/a:b.log");
}

TEST(ParseLogSpec, OffWithAFileOpensNothing) {
  auto spec = ParseLogSpec("off:/tmp/x");
  ASSERT_TRUE(spec.ok());
  EXPECT_FALSE(spec->level.has_value());
  EXPECT_TRUE(spec->path.empty());
}

TEST(ParseLogSpec, RejectsUnknownLevelsAndEmptyFiles) {
  for (const char* value : {"loud", "debug:", "2", ":/tmp/x", " debug", "debugx"}) {
    auto spec = ParseLogSpec(value);
    EXPECT_EQ(spec.status().code(), Code::kInvalidArgument) << value;
  }
}

}  // namespace
}  // namespace tessera::p11::log
