// CardManagerApplet: applet 1, the card manager and security executive
// (docs/card-manager.md, DESIGN.md "Applet 1", seed 003): the token's UID and
// CPLC, an SCP03 secure channel keyed from the MK (or the factory key before
// personalization), and the two high-level key slots (KRK, MK) with
// personalization and MK replacement under the KRK.
//
// The applet is a table from INS to one handler per instruction; this class
// owns the secure-messaging envelope around them: inside a channel every
// command but a plain GET DATA is C-MAC checked (and decrypted) before its
// handler runs and its answer wrapped after, and any failure closes the
// channel. Persistent state lives in Storage under "cm/"
// (executive_state.hpp) and changes only through single Transactions;
// channel, UNLOCKED state and handshake are volatile and dropped on SELECT,
// deselect and power off. Driven under the token's lock.
#pragma once

#include <memory>

#include "firmware-sim/os/applet.hpp"
#include "firmware-sim/os/storage.hpp"
#include "firmware-sim/os/token_context.hpp"

namespace tessera::sim {

class CardManagerApplet final : public Applet {
 public:
  explicit CardManagerApplet(TokenContext& ctx);
  ~CardManagerApplet() override;

  // Factory state for a new token (MANUFACTURED, sequence counter 0, all
  // UNLOCK tries), added to the token's first commit. Draws no randomness.
  static void Manufacture(Transaction& txn);

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
