#include "pkcs11/core/log/log_line.hpp"

#include <gtest/gtest.h>

namespace tessera::p11::log {
namespace {

using std::chrono::milliseconds;
using std::chrono::system_clock;

// 2024-05-01T12:34:56.789Z
constexpr system_clock::time_point kWhen{milliseconds(1714566896789)};

TEST(FormatLogLine, StartsWithAnIso8601UtcTimestampWithMilliseconds) {
  EXPECT_EQ(FormatTimestamp(kWhen), "2024-05-01T12:34:56.789Z");
  EXPECT_EQ(FormatTimestamp(system_clock::time_point(milliseconds(5))), "1970-01-01T00:00:00.005Z");
}

TEST(FormatLogLine, HoldsLevelPidThreadAndMessageOnOneLine) {
  EXPECT_EQ(FormatLogLine(Level::kInfo, kWhen, 4242, 4243, "C_Initialize: ok"),
            "2024-05-01T12:34:56.789Z tessera-pkcs11 INFO pid=4242 tid=4243 C_Initialize: ok\n");
  EXPECT_NE(FormatLogLine(Level::kError, kWhen, 1, 1, "x").find(" ERROR "), std::string::npos);
  EXPECT_NE(FormatLogLine(Level::kDebug, kWhen, 1, 1, "x").find(" DEBUG "), std::string::npos);
}

TEST(FormatLogLine, EscapesControlCharactersSoNoMessageForgesARecord) {
  const std::string line =
      FormatLogLine(Level::kInfo, kWhen, 1, 2, std::string("a\nb\tc\\d\x01", 8));
  EXPECT_EQ(line, "2024-05-01T12:34:56.789Z tessera-pkcs11 INFO pid=1 tid=2 a\\nb\\tc\\\\d\\x01\n");
}

}  // namespace
}  // namespace tessera::p11::log
