// The module's log: TESSERA_LOG=LEVEL[:FILE] (docs/pkcs11-logging-and-install.md).
//
// One process-wide sink. C_Initialize calls ConfigureFromEnvironment() and
// C_Finalize calls Shutdown(); both may be called again at any time (each
// Configure re-reads the environment and replaces the sink). Until the first
// Configure, and after Shutdown, nothing is logged.
//
// What callers pass must never hold a secret: no PIN, PUK, management key,
// private key or decrypted data. APDUs go through apdu_trace.hpp, which
// redacts the data fields that carry them.
//
// Thread-safety: every function is safe to call from any thread at any time.
// Enabled() is one relaxed atomic load, so a disabled Log() costs that and
// nothing else. Each record is formatted first and written with a single
// write(2) under a mutex, so records from concurrent threads (and, with
// O_APPEND, from concurrent processes) never interleave. The sink's lock is
// held across fork(), so a child can log after it calls C_Initialize.
#pragma once

#include <sstream>
#include <string_view>

#include "pkcs11/core/log/log_level.hpp"

namespace tessera::p11::log {

// Reads TESSERA_LOG (through secure_getenv: ignored in setuid programs) and
// opens its file, O_APPEND|O_CLOEXEC, created 0600. An unparseable value or a
// file that cannot be opened turns logging off and says so in one line on
// stderr; it never makes C_Initialize fail.
void ConfigureFromEnvironment();

// Stops logging and closes the file. Idempotent.
void Shutdown();

// Whether a record at `level` would be written.
bool Enabled(Level level);

// Writes one record (log_line.hpp) if `level` is enabled.
void Write(Level level, std::string_view message);

// For what the user must see even with logging off (a configuration the
// module ignored): one line on stderr, "tessera-pkcs11: <message>", and an
// error record too when the log goes to a file.
void Notice(std::string_view message);

// Streams `args` into one record, only when `level` is enabled:
//   log::Log(log::Level::kInfo, "C_Login: slot ", slot_id, " user logged in");
template <typename... Args>
void Log(Level level, const Args&... args) {
  if (!Enabled(level)) return;
  std::ostringstream message;
  (message << ... << args);
  Write(level, message.view());
}

}  // namespace tessera::p11::log
