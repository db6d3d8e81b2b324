// PivApplet: the PIV card application (SP 800-73-4 Part 2) with the YubiKey
// extensions that yubico-piv-tool and OpenSC use, and Tessera's own (token
// key pair; reserved unwrap-and-store and secret-key instructions).
//
// The applet is a table from INS to one handler per instruction. Persistent
// state (PIN, PUK, management key, keys, data objects) lives in Storage under
// the "piv/" prefix and changes only through Transactions; volatile security
// state lives here and is dropped on deselect and power off. PIN retry
// counters are decremented and committed before the PIN is compared, and the
// comparison is constant-time. Driven under the token's lock.
#pragma once

#include <memory>

#include "firmware-sim/os/applet.hpp"
#include "firmware-sim/os/token_context.hpp"

namespace tessera::sim {

class ManufacturerCa;

class PivApplet final : public Applet {
 public:
  explicit PivApplet(TokenContext& ctx);
  ~PivApplet() override;

  // Factory state for a new token: default PIN, PUK and management key,
  // the per-token attestation key (F9) with its certificate signed by `ca`,
  // and the Tessera token key pair (F0). Added to `txn` for the token's first
  // commit. Also used by RESET, which keeps F9 and F0.
  static Status Manufacture(TokenContext& ctx, const ManufacturerCa& ca, Transaction& txn);

  ByteView aid() const override;
  Result<Bytes> Select(const CommandApdu& apdu) override;
  Result<Bytes> Process(const CommandApdu& apdu) override;
  void Deselect() override;
  void PowerOff() override;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace tessera::sim
