// Token access for the CLI: every reader on the selected routes (simulator
// sockets, PC/SC, USB CCID; host/transport) that holds a token with the
// card manager application, with what the token says of itself without
// authentication. A token seen on two routes (a simulated token served on
// its socket and through vpcd) is listed once, on the first route in the
// order sim, pcsc, usb.
//
// TokenConnection opens a transport to one such token and selects the card
// manager. Thread-safe: Find may run on any thread; each connection is used
// by one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "host/card/apdu_channel.hpp"
#include "host/card/card_manager_client.hpp"
#include "host/transport/reader.hpp"
#include "services/runtime/home.hpp"

namespace tessera::keyman {

struct TokenSummary {
  std::shared_ptr<host::Reader> reader;
  std::uint32_t serial = 0;
  Bytes uid;
  std::uint8_t lifecycle = 0;
  std::optional<std::uint8_t> mk_version;  // none while MANUFACTURED
  std::string transport() const { return host::ReaderKindName(reader->kind()); }
};

// An open connection to a token with the card manager selected.
class TokenConnection {
 public:
  static Result<TokenConnection> Open(const std::shared_ptr<host::Reader>& reader);

  host::CardManagerClient& client() { return *client_; }

 private:
  TokenConnection() = default;
  std::unique_ptr<host::Transport> transport_;
  std::unique_ptr<host::ApduChannel> channel_;
  std::unique_ptr<host::CardManagerClient> client_;
};

// What the token says of itself (UID, serial, lifecycle, MK version).
Result<TokenSummary> Summarize(const std::shared_ptr<host::Reader>& reader);

// Every token reachable under `settings`; readers without a card or with a
// card that has no card manager are skipped, and a token that fails to
// answer is reported in `problems` instead of failing the whole list.
std::vector<TokenSummary> FindTokens(const runtime::Settings& settings,
                                     std::vector<std::string>* problems);

// The token with `serial`. A reader whose name ends in the serial (the
// simulator names each socket so) is asked first and alone: selecting the
// card manager on a token resets its PIV security status (ISO 7816-4
// §7.1.1), so touching every token would log other programs out of theirs
// (a browser holding the user's card, say). Only when no such reader holds
// the token are the others asked, as FindTokens does. kNotFound otherwise,
// with the problems met.
Result<TokenSummary> FindToken(const runtime::Settings& settings, std::uint32_t serial);

}  // namespace tessera::keyman
