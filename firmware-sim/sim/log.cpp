#include "firmware-sim/sim/log.hpp"

#include <unistd.h>

#include <string>

namespace tessera::sim {

void LogLine(std::string_view message) {
  std::string line = "tessera-sim: ";
  line += message;
  line += '\n';
  // Best effort: nothing useful can be done if stderr is gone.
  [[maybe_unused]] ssize_t n = ::write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace tessera::sim
