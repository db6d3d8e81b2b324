#include "services/runtime/tessera_home.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

namespace tessera::runtime {
namespace {

std::optional<std::string> NonEmptyEnv(const char* name) {
  const char* value = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): see the header
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

std::optional<std::string> HomeFromPasswd() {
  long size = ::sysconf(_SC_GETPW_R_SIZE_MAX);
  std::vector<char> buffer(size > 0 ? static_cast<std::size_t>(size) : 16384);
  passwd entry{};
  passwd* found = nullptr;
  if (::getpwuid_r(::getuid(), &entry, buffer.data(), buffer.size(), &found) != 0 ||
      found == nullptr || found->pw_dir == nullptr || *found->pw_dir == '\0') {
    return std::nullopt;
  }
  return std::string(found->pw_dir);
}

}  // namespace

Result<std::filesystem::path> TesseraHome() {
  if (auto home = NonEmptyEnv("TESSERA_HOME")) return std::filesystem::path(*home);
  if (auto xdg = NonEmptyEnv("XDG_DATA_HOME")) {
    std::filesystem::path data_home(*xdg);
    if (data_home.is_absolute()) return data_home / "tessera";
  }
  std::optional<std::string> home = NonEmptyEnv("HOME");
  if (!home) home = HomeFromPasswd();
  if (!home) {
    return Status::NotFound("no TESSERA_HOME: set TESSERA_HOME (or XDG_DATA_HOME or HOME)");
  }
  return std::filesystem::path(*home) / ".local" / "share" / "tessera";
}

std::filesystem::path DefaultDirectoryPath(const std::filesystem::path& tessera_home) {
  return tessera_home / "directory.db";
}

}  // namespace tessera::runtime
