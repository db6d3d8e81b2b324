// The volatile state of F3 REGISTRATION (docs/piv-extensions.md "F3";
// docs/registration-protocol.md): what REG BEGIN leaves for REG FINISH and
// AUTH BEGIN for AUTH FINISH, held in PivSession. Deselect, power off, any
// F3 error and a new BEGIN drop it, so a token pulled in mid-exchange keeps
// nothing half done and each BEGIN gives one attempt at its FINISH.
//
// Secrets sit in SecureBytes (SSK1) or in an EVP_PKEY whose free clears the
// scalar (the ephemeral key ec). Plain values; not thread-safe (the token's
// lock serializes commands).
#pragma once

#include <cstdint>

#include "common/bytes.hpp"
#include "common/ossl.hpp"
#include "common/secure_bytes.hpp"

namespace tessera::sim::piv_applet {

// REG BEGIN's outcome: the transcript so far and what the certificate check
// gave, for REG FINISH.
struct RegPending {
  SecureBytes ssk1;
  Bytes r0;  // the exact RegHello bytes
  Bytes r1;  // the RegRequest the token answered
  std::uint64_t host_time = 0;
  std::uint64_t not_before = 0;  // of the server's certificate
  Bytes spki_sha256;             // the server's key: K's ID
};

// AUTH BEGIN's outcome: the login's ephemeral key and A1, for AUTH FINISH.
struct AuthPending {
  std::uint8_t slot = 0;
  ossl::PkeyPtr ec;
  Bytes a1;
};

}  // namespace tessera::sim::piv_applet
