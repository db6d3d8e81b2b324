// Timed signing for the benchmark: each signer (a session, a key) gets its
// own thread and signs the same input as fast as it can for a fixed time.
// The rate is the sum, over signers, of signatures / the signer's own
// measured time, so signers that start or stop a little apart do not skew
// it. Every signer warms up (a few signatures) before any clock starts.
// Each signer also counts the CPU time of its own thread (getrusage
// RUSAGE_THREAD): for an in-process module (SoftHSM2) that is the whole
// cost of a signature; for tessera-pkcs11 it is the module's share plus
// the socket calls, while the card's work is in tessera-sim. Unlike the
// rate, it barely moves when other processes load the machine.
//
// The signers' sessions must be distinct and unused by anyone else while
// the loop runs.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>

#include "tests/bench/pkcs11/p11_client.hpp"

namespace tessera::bench {

struct Signer {
  P11Session* session = nullptr;
  const KeySpec* spec = nullptr;
  CK_OBJECT_HANDLE key = CK_INVALID_HANDLE;
};

struct SignRate {
  std::uint64_t signatures = 0;
  double seconds = 0;  // the longest signer's time
  double per_second = 0;
  double cpu_us_per_signature = 0;  // the signing threads' CPU time, averaged
};

Result<SignRate> RunSignLoop(std::span<const Signer> signers, ByteView input,
                             std::chrono::duration<double> duration);

}  // namespace tessera::bench
