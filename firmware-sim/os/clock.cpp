#include "firmware-sim/os/clock.hpp"

#include <thread>

namespace tessera::sim {

void SystemClock::SleepFor(std::chrono::microseconds d) {
  if (d.count() > 0) std::this_thread::sleep_for(d);
}

}  // namespace tessera::sim
