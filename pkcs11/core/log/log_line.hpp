// FormatLogLine: the text of one log record, newline included.
//
//   2024-05-01T12:34:56.789Z tessera-pkcs11 INFO pid=4242 tid=4243 C_Initialize: ok
//
// The timestamp is ISO 8601 in UTC with milliseconds. Control characters in
// the message (a newline in a token label, say) are written as \n, \t or \xNN
// so that one record is always one line and no message can forge another
// record. A pure function.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "pkcs11/core/log/log_level.hpp"

namespace tessera::p11::log {

std::string FormatLogLine(Level level, std::chrono::system_clock::time_point when, long pid,
                          long tid, std::string_view message);

// "2024-05-01T12:34:56.789Z".
std::string FormatTimestamp(std::chrono::system_clock::time_point when);

}  // namespace tessera::p11::log
