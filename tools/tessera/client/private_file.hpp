// Files that hold a user's secrets on the client host (the registration
// session's record keys, the applied entitlement document): written whole
// or not at all (a temporary file in the same directory, fsync, rename),
// mode 0600, in a directory made 0700 when missing; read back only when no
// one but the owner can read them. Errors: kNotFound (no file),
// kSecurityStatus (group- or world-accessible), kIoError naming the path.
// Stateless; not for concurrent writers of one path.
#pragma once

#include <filesystem>
#include <string>

#include "common/status.hpp"

namespace tessera::cli {

Status WritePrivateFile(const std::filesystem::path& path, const std::string& contents);
Result<std::string> ReadPrivateFile(const std::filesystem::path& path);

}  // namespace tessera::cli
