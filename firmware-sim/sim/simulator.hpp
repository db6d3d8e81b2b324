// The tessera-sim process: serves every token of a state directory on its
// own socket until SIGINT or SIGTERM.
//
// RunSimulator creates the run directory (0700), takes the pid locks of the
// run and state directories, loads or creates the manufacturer CA and the
// tokens, starts one TokenServer thread per token, and then serves the
// control socket on the calling thread. RUNDIR/tessera-sim.ctl appears last,
// once every token socket accepts connections, so it doubles as the
// readiness signal. On a signal it stops every thread and removes its
// sockets and pid file. Call once, from main, before any other thread exists
// (it blocks SIGINT and SIGTERM so only its signalfd sees them).
#pragma once

#include "common/status.hpp"
#include "firmware-sim/sim/command_line.hpp"

namespace tessera::sim {

// Returns when a signal asked it to stop (Ok) or start-up failed.
Status RunSimulator(const ServeOptions& options);

}  // namespace tessera::sim
