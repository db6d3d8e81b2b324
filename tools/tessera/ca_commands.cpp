// tessera ca ...: filled in by its owner (issue 12).
#include "tools/tessera/commands.hpp"

namespace tessera::cli {

void AddCaCommands(CLI::App& app, Context& ctx) {
  (void)app;
  (void)ctx;
}

}  // namespace tessera::cli
