// Pkcs11ModulePath (token_p11.hpp): the flag, $TESSERA_PKCS11_MODULE, then
// the module beside the running binary's prefix (docs/cli-clients.md).
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <vector>

#include "tools/tessera/client/token_p11.hpp"

namespace tessera::cli {
namespace {

constexpr const char* kModuleFile = "tessera-pkcs11.so";

std::filesystem::path ExecutableDir() {
  std::error_code ec;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path() : self.parent_path();
}

}  // namespace

std::string Pkcs11ModulePath(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("TESSERA_PKCS11_MODULE"); env != nullptr && *env != '\0') {
    return env;
  }
  const std::filesystem::path bin = ExecutableDir();
  const std::filesystem::path prefix = bin.parent_path();
  std::vector<std::filesystem::path> candidates;
  // Where `cmake --install --component pkcs11` puts it (pkcs11/install.cmake).
  const std::filesystem::path installed_dir = TESSERA_PKCS11_INSTALL_DIR;
  candidates.push_back((installed_dir.is_absolute() ? installed_dir : prefix / installed_dir) /
                       kModuleFile);
  candidates.push_back(prefix / "lib" / kModuleFile);
  // The build tree: <build>/tools/tessera/tessera beside <build>/pkcs11/.
  candidates.push_back(prefix.parent_path() / "pkcs11" / kModuleFile);
  for (const std::filesystem::path& candidate : candidates) {
    std::error_code ec;
    if (std::filesystem::exists(candidate, ec)) return candidate.lexically_normal().string();
  }
  // None exists: the installed path, which Load reports as missing.
  return candidates.front().lexically_normal().string();
}

}  // namespace tessera::cli
