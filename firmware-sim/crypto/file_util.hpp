// Private to firmware-sim/crypto: whole-file reads and crash-safe writes for
// the manufacturer CA's files. Thread-safe for distinct paths.
#pragma once

#include <sys/types.h>

#include <filesystem>

#include "common/secure_bytes.hpp"

namespace tessera::sim::internal {

// The file's bytes, in a zeroizing buffer because key files come this way.
// kNotFound when it does not exist, kIoError for other failures.
Result<SecureBytes> ReadWholeFile(const std::filesystem::path& path);

// Writes `data` to "<path>.tmp" with exactly `mode`, syncs it, renames it
// over `path` and syncs the directory, so a crash leaves the old file or the
// new one, never a torn one. kIoError on failure.
Status WriteFileAtomically(const std::filesystem::path& path, ByteView data, mode_t mode);

}  // namespace tessera::sim::internal
