// SoftToken: the token's half of the registration protocol in test code
// (docs/registration-protocol.md), built on common/registration as the
// firmware's F3 is: it checks the server certificate against the issuer
// point, makes SSK1 and its ephemeral keys, derives K and SES. The service
// tests drive the gateway with it; the token itself (tessera-sim, F3) is
// tested end to end elsewhere. Knobs let a test tamper with what it sends.
// Not thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "common/bytes.hpp"
#include "common/ossl.hpp"
#include "common/status.hpp"

namespace tessera::registration::testing {

class SoftToken {
 public:
  explicit SoftToken(Bytes issuer_point) : issuer_point_(std::move(issuer_point)) {}

  // R0 -> R1. The certificate check runs first, as on the token.
  Result<Bytes> Begin(ByteView r0, std::uint64_t host_time, ByteView user_info);
  // R2 -> R3; K is kept.
  Result<Bytes> Finish(ByteView r2);
  // A1 for the UIDC the registration gave.
  Result<Bytes> AuthBegin();
  // A2 -> A3; SES is kept. kSignatureInvalid when Ms does not verify.
  Result<Bytes> AuthFinish(ByteView a2);

  const Bytes& k() const { return k_; }
  const Bytes& ses() const { return ses_; }
  const std::string& uidc() const { return uidc_; }
  const Bytes& spki_sha256() const { return spki_sha256_; }
  void set_k(Bytes k) { k_ = std::move(k); }
  void set_uidc(std::string uidc) { uidc_ = std::move(uidc); }

 private:
  Bytes issuer_point_;
  // Registration in flight.
  Bytes r0_, r1_, ssk1_, pending_spki_sha256_;
  // Login in flight.
  ossl::PkeyPtr ec_;
  Bytes a1_;
  // Results.
  Bytes k_, ses_, spki_sha256_;
  std::string uidc_;
};

}  // namespace tessera::registration::testing
