// tessera-sim for the PKCS#11 benchmarks: fresh tokens (latency none) in a
// temporary directory, and tessera-pkcs11 pointed at them through its own
// configuration file (TESSERA_CONF), so a stray /etc/tessera/tessera.conf
// cannot win over the benchmark's simulator. Stops the simulator and
// removes the directory on destruction: destroy it after the module is
// finalized.
#pragma once

#include <memory>
#include <string>

#include "common/status.hpp"
#include "tests/integration/sim_harness.hpp"

namespace tessera::bench {

class BenchSim {
 public:
  // `trace`: a tessera-sim --trace file, or empty (the trace slows the card).
  static Result<std::unique_ptr<BenchSim>> Start(std::size_t tokens, const std::string& trace);

 private:
  BenchSim() = default;
  testing::TempDir dir_{"p11bench"};
  std::unique_ptr<testing::SimProcess> sim_;
};

}  // namespace tessera::bench
