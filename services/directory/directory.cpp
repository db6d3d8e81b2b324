#include "services/directory/directory.hpp"

#include <chrono>

namespace tessera::directory {

std::int64_t SystemUnixSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace tessera::directory
