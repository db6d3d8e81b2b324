// PinSource: where the HSM adapter reads a token's user PIN from.
//
// Either an environment variable or a file, never argv: a command line is
// visible to every user of the machine (ps, /proc/PID/cmdline) and lands in
// shell history. A PIN file is read like ssh reads a private key: it is
// refused when its group or others have any permission on it. The PIN is the
// file's first line without its line ending. Read() returns the PIN in
// SecureBytes; nothing else keeps a copy. A value type, thread-compatible.
#pragma once

#include <filesystem>
#include <string>

#include "common/secure_bytes.hpp"
#include "common/status.hpp"

namespace tessera::hsm {

class PinSource {
 public:
  static PinSource FromEnvironment(std::string variable);
  static PinSource FromFile(const std::filesystem::path& path);

  // Errors: kNotFound (variable unset, file missing), kSecurityStatus (file
  // readable by group or others), kInvalidArgument (empty PIN), kIoError.
  Result<SecureBytes> Read() const;

  // "environment variable HSM_PIN" or "file /etc/tessera/hsm.pin".
  std::string Describe() const;

 private:
  enum class Kind { kEnvironment, kFile };
  PinSource(Kind kind, std::string where) : kind_(kind), where_(std::move(where)) {}

  Result<SecureBytes> ReadEnvironment() const;
  Result<SecureBytes> ReadFile() const;

  Kind kind_;
  std::string where_;  // the variable's name or the file's path
};

}  // namespace tessera::hsm
