// `tessera-sim ctl`: the client side of the control channel
// (control_server.hpp). Sends one request line to RUNDIR/tessera-sim.ctl,
// prints the reply body to stdout and any error to stderr. Stateless;
// thread-safe apart from sharing std::cout and std::cerr.
#pragma once

#include "firmware-sim/sim/command_line.hpp"

namespace tessera::sim {

// Returns the process exit code: 0, or 1 on any error (no simulator running,
// unknown serial, bad request).
int RunControlCommand(const CtlOptions& options);

}  // namespace tessera::sim
