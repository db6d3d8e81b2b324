#include "pkcs11/core/log/log_line.hpp"

#include <array>
#include <cstdio>
#include <ctime>

namespace tessera::p11::log {
namespace {

void AppendEscaped(std::string& out, std::string_view message) {
  constexpr std::string_view kHex = "0123456789abcdef";
  for (const char c : message) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (byte < 0x20 || byte == 0x7f) {
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0f];
    } else {
      out += c;
    }
  }
}

}  // namespace

const char* LevelName(Level level) {
  switch (level) {
    case Level::kError: return "ERROR";
    case Level::kInfo: return "INFO";
    case Level::kDebug: return "DEBUG";
  }
  return "?";
}

std::string FormatTimestamp(std::chrono::system_clock::time_point when) {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  const auto since_epoch = duration_cast<milliseconds>(when.time_since_epoch());
  auto seconds = static_cast<std::time_t>(since_epoch.count() / 1000);
  auto millis = static_cast<int>(since_epoch.count() % 1000);
  if (millis < 0) {  // before 1970: floor, not truncate
    millis += 1000;
    --seconds;
  }
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  std::array<char, 64> text{};
  const int n = std::snprintf(text.data(), text.size(), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                              utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour,
                              utc.tm_min, utc.tm_sec, millis);
  return {text.data(), n > 0 ? static_cast<std::size_t>(n) : 0};
}

std::string FormatLogLine(Level level, std::chrono::system_clock::time_point when, long pid,
                          long tid, std::string_view message) {
  std::string line = FormatTimestamp(when);
  line.reserve(line.size() + message.size() + 64);
  line += " tessera-pkcs11 ";
  line += LevelName(level);
  line += " pid=";
  line += std::to_string(pid);
  line += " tid=";
  line += std::to_string(tid);
  line += ' ';
  AppendEscaped(line, message);
  line += '\n';
  return line;
}

}  // namespace tessera::p11::log
