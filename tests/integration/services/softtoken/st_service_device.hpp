// SimDevice: a tessera-sim token standing for a phone's secure element in
// the soft-token service's tests (seed 002, docs/softtoken-api.md "Channel
// 1"): a P-256 key generated in a PIV slot under the default management
// key, its ATTEST statement (YubiKey F9 <slot>), the F9 certificate
// (5FFF01), and ES256 signatures (r || s) made on the token. Everything goes
// through the production host::PivClient over the simulator's socket.
//
// Errors: the transport's and the token's Status. Borrows the SimProcess;
// one thread at a time.
#pragma once

#include <cstdint>
#include <memory>

#include "common/bytes.hpp"
#include "common/status.hpp"
#include "host/card/apdu_channel.hpp"
#include "host/card/piv_client.hpp"
#include "tests/integration/sim_harness.hpp"

namespace tessera::softtoken::testing {

class SimDevice {
 public:
  static Result<std::unique_ptr<SimDevice>> Open(const tessera::testing::SimProcess& sim,
                                                 std::uint32_t serial);

  std::uint32_t serial() const { return serial_; }
  // GENERATE ASYMMETRIC KEY PAIR (P-256) in `slot`; its SPKI DER.
  Result<Bytes> Generate(std::uint8_t slot);
  // ATTEST `slot`: the statement, DER.
  Result<Bytes> Attest(std::uint8_t slot);
  // The F9 certificate (GET DATA 5FFF01), DER.
  Result<Bytes> AttestationCa();
  // ES256 over `message` by the key in `slot`: SHA-256 here, ECDSA on the
  // token (DER), converted to r || s.
  Result<Bytes> SignEs256(std::uint8_t slot, ByteView message);

 private:
  SimDevice() = default;
  std::uint32_t serial_ = 0;
  std::unique_ptr<host::SimSocketTransport> transport_;
  std::unique_ptr<host::ApduChannel> channel_;
  std::unique_ptr<host::PivClient> piv_;
};

}  // namespace tessera::softtoken::testing
