// PcscTransport: a Transport to the card in one PC/SC reader, through
// pcscd (libpcsclite). It shares the card (SCARD_SHARE_SHARED) and lets the
// card choose T=1 or T=0.
//
// Failures: a card or reader that is gone is kNotFound; anything else
// kIoError. When another application resets the card
// (SCARD_W_RESET_CARD), the exchange fails with kIoError because the card
// forgot its selected applet and PIN, but the handle is reconnected first,
// so the next call works. Owns its context and card handle; one thread at a
// time.
#pragma once

#include <memory>
#include <string>

#include "host/transport/pcsc/pcsc_context.hpp"
#include "host/transport/transport.hpp"

namespace tessera::host {

class PcscTransport final : public Transport {
 public:
  static Result<std::unique_ptr<PcscTransport>> Connect(const std::string& reader);
  ~PcscTransport() override;
  PcscTransport(const PcscTransport&) = delete;
  PcscTransport& operator=(const PcscTransport&) = delete;

  Result<Bytes> Transmit(ByteView command) override;
  Result<Bytes> Atr() override;
  Status PowerOn() override;
  Status PowerOff() override;
  Status Reset() override;
  std::string Describe() const override;
  bool SupportsExtendedLength() const override { return extended_; }

  // SCARD_PROTOCOL_T0 or SCARD_PROTOCOL_T1.
  DWORD protocol() const { return protocol_; }

 private:
  PcscTransport(std::unique_ptr<PcscContext> context, std::string reader, SCARDHANDLE card,
                DWORD protocol);
  Status Reconnect(DWORD disposition, const char* what);

  std::unique_ptr<PcscContext> context_;
  std::string reader_;
  SCARDHANDLE card_;
  DWORD protocol_;
  bool extended_ = false;
};

}  // namespace tessera::host
