// tessera-sim: simulated PIV tokens on UNIX sockets (docs/tessera-sim.md).
#include <iostream>

#include "firmware-sim/sim/command_line.hpp"
#include "firmware-sim/sim/control_client.hpp"
#include "firmware-sim/sim/simulator.hpp"

int main(int argc, char** argv) {
  using tessera::sim::CommandLine;
  CommandLine cl = tessera::sim::ParseCommandLine(argc, argv, std::cout, std::cerr);
  switch (cl.mode) {
    case CommandLine::Mode::kExit: return cl.exit_code;
    case CommandLine::Mode::kCtl: return tessera::sim::RunControlCommand(cl.ctl);
    case CommandLine::Mode::kServe: break;
  }
  tessera::Status status = tessera::sim::RunSimulator(cl.serve);
  if (!status.ok()) {
    std::cerr << "tessera-sim: " << status.message() << "\n";
    return 1;
  }
  return 0;
}
