// tessera directory ...: filled in by its owner (issue 12).
#include "tools/tessera/commands.hpp"

namespace tessera::cli {

void AddDirectoryCommands(CLI::App& app, Context& ctx) {
  (void)app;
  (void)ctx;
}

}  // namespace tessera::cli
