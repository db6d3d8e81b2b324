// Minimal PC/SC client for tests (libpcsclite): list readers, wait for a
// card to arrive or leave, connect and transmit. Each object owns its handle
// (SCardDisconnect in the destructor; contexts are host::PcscContext). The tests use it
// to check what pcscd itself sees, apart from any tool; production code has
// its own transport in host/transport/pcsc. Thread-compatible.
#pragma once

#include <PCSC/winscard.h>
#include <PCSC/wintypes.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "common/bytes.hpp"
#include "common/status.hpp"
#include "host/transport/pcsc/pcsc_context.hpp"

namespace tessera::testing {

// The context and the error text are the production ones
// (host/transport/pcsc/pcsc_context.hpp); the rest is the tests' own.
using host::PcscContext;
using host::PcscError;

// The readers pcscd lists now (its own context, released at once).
Result<std::vector<std::string>> ListReaders();

// Waits until `reader` has a card (present) or has none (!present), within
// `timeout`. With a card, returns its ATR as pcscd reports it.
Result<Bytes> WaitForCard(const std::string& reader, bool present,
                          std::chrono::milliseconds timeout);

// A connection to the card in a reader (shared mode, T=1).
class PcscCard {
 public:
  static Result<std::unique_ptr<PcscCard>> Connect(const std::string& reader);
  ~PcscCard();
  PcscCard(const PcscCard&) = delete;
  PcscCard& operator=(const PcscCard&) = delete;

  // Response APDU including SW1 SW2.
  Result<Bytes> Transmit(ByteView command);
  // SCARD_RESET_CARD, SCARD_UNPOWER_CARD or SCARD_LEAVE_CARD.
  Status Reconnect(DWORD initialization);
  // The ATR pcscd holds for the card (SCardStatus).
  Result<Bytes> Atr();

 private:
  PcscCard(std::unique_ptr<PcscContext> context, SCARDHANDLE card, DWORD protocol)
      : context_(std::move(context)), card_(card), protocol_(protocol) {}
  std::unique_ptr<PcscContext> context_;
  SCARDHANDLE card_;
  DWORD protocol_;
};

}  // namespace tessera::testing
