#include "tests/bench/pkcs11/bench_sim.hpp"

#include <cstdlib>
#include <fstream>
#include <vector>

namespace tessera::bench {

Result<std::unique_ptr<BenchSim>> BenchSim::Start(std::size_t tokens, const std::string& trace) {
  std::unique_ptr<BenchSim> sim(new BenchSim);
  const auto& dir = sim->dir_;
  std::vector<std::string> args = {"--tokens", std::to_string(tokens), "--latency", "none"};
  if (!trace.empty()) args.insert(args.end(), {"--trace", trace});
  TESSERA_ASSIGN_OR_RETURN(sim->sim_, testing::SimProcess::Start(dir / "state", dir / "run", args));
  const auto conf = dir / "tessera.conf";
  std::ofstream(conf) << "sim.run_dir = " << (dir / "run").string() << "\ntransports = sim\n";
  ::setenv("TESSERA_CONF", conf.c_str(), 1);
  return sim;
}

}  // namespace tessera::bench
