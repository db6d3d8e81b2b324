// LoggingTransport: wraps a slot's transport and, at TESSERA_LOG=debug,
// records each APDU exchange with the secrets redacted (log/apdu_trace.hpp:
// PINs, PUKs, management and imported keys never reach the log). At other
// levels it only forwards. Same threading rules as the transport it wraps.
#pragma once

#include <memory>

#include "host/transport/transport.hpp"
#include "pkcs11/core/log/apdu_trace.hpp"
#include "pkcs11/core/log/log.hpp"

namespace tessera::p11 {

class LoggingTransport : public host::Transport {
 public:
  explicit LoggingTransport(std::unique_ptr<host::Transport> inner) : inner_(std::move(inner)) {}

  Result<Bytes> Transmit(ByteView command) override {
    auto response = inner_->Transmit(command);
    if (log::Enabled(log::Level::kDebug)) {
      if (response.ok()) {
        log::Write(log::Level::kDebug,
                   Describe() + " " + log::DescribeExchange(command, *response));
      } else {
        log::Write(log::Level::kDebug, Describe() + " " + log::DescribeCommandApdu(command) +
                                           " -> " + response.status().ToString());
      }
    }
    return response;
  }
  Result<Bytes> Atr() override { return inner_->Atr(); }
  Status PowerOn() override { return inner_->PowerOn(); }
  Status PowerOff() override { return inner_->PowerOff(); }
  Status Reset() override { return inner_->Reset(); }
  std::string Describe() const override { return inner_->Describe(); }
  bool SupportsExtendedLength() const override { return inner_->SupportsExtendedLength(); }

 private:
  std::unique_ptr<host::Transport> inner_;
};

}  // namespace tessera::p11
