// `tessera-sim ctl`: the client side of the control channel
// (control_server.hpp). Sends one request line to RUNDIR/tessera-sim.ctl,
// prints the reply body to stdout (`list` as a table or JSON,
// token_listing.hpp) and any error to stderr. Stateless; thread-safe apart
// from sharing std::cout and std::cerr.
#pragma once

#include "firmware-sim/sim/command_line.hpp"

namespace tessera::sim {

// Returns the process exit code: 0; 1 on an error of the simulator's (none
// running, unknown serial, bad request); 2 when the run directory is missing.
int RunControlCommand(const CtlOptions& options);

}  // namespace tessera::sim
