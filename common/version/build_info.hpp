// What `--version` prints for tessera, tessera-sim and tesserad: the project
// version (the top CMakeLists.txt's VERSION), the git commit the binary was
// built from (12 hex digits, "+dirty" when tracked files had changes,
// "unknown" outside a git work tree) and the CMake build type. The commit is
// read at build time (write_build_info.cmake), not at configure time, so a new
// commit shows without a reconfigure. Immutable; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace tessera {

struct BuildInfo {
  std::string_view version;     // "0.1.0"
  std::string_view commit;      // "1a2b3c4d5e6f", "1a2b3c4d5e6f+dirty" or "unknown"
  std::string_view build_type;  // "Debug", "Release", "RelWithDebInfo", ... or "none"
};

const BuildInfo& GetBuildInfo();

// "tessera 0.1.0 (commit 1a2b3c4d5e6f+dirty, Debug build)": one line, no
// newline; docs/cli.md "Versions" documents the format.
std::string VersionLine(std::string_view program, const BuildInfo& info = GetBuildInfo());

}  // namespace tessera
