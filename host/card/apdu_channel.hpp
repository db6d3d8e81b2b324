// ApduChannel: sends whole ISO 7816-4 commands over a Transport and returns
// whole responses, hiding the transport's size limits from card clients.
//
// A command with more data than one short APDU carries is sent as a chain
// (CLA bit 0x10, §5.4.1; SplitForChaining); each link must answer 9000. A
// response that ends in 61xx is collected with GET RESPONSE (§7.6.1) until
// the card has given everything, and 6Cxx (wrong Le, §5.6.1) is retried
// once with the Le the card asked for. With `extended_length` set, commands
// go as one extended APDU instead of a chain. A command with secure
// messaging (CLA bits 0C) goes exactly as built, because its MAC covers its
// encoding. Generic: nothing here knows an
// applet. Borrows the transport; one thread at a time, like the transport.
#pragma once

#include <cstddef>

#include "common/apdu.hpp"
#include "host/transport/transport.hpp"

namespace tessera::host {

class ApduChannel {
 public:
  struct Options {
    bool extended_length = false;
    std::size_t chain_chunk = kShortMaxLc;
  };

  explicit ApduChannel(Transport& transport) : ApduChannel(transport, Options()) {}
  ApduChannel(Transport& transport, Options options) : transport_(transport), options_(options) {}

  // Transport errors come back as a Status; card errors as the response's SW.
  Result<ResponseApdu> Transmit(const CommandApdu& command);
  Transport& transport() { return transport_; }

 private:
  Result<ResponseApdu> TransmitOne(const CommandApdu& command);
  Result<ResponseApdu> CollectRemaining(const CommandApdu& command, ResponseApdu first);

  Transport& transport_;
  Options options_;
};

}  // namespace tessera::host
