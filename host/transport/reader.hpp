// Reader: a place a card can be, as the host sees it: a PC/SC reader, a USB
// CCID device or a simulator socket. It says whether a card is in it and
// opens a Transport to that card. The PKCS#11 module gives each reader a
// slot (docs/transports.md). Thread-safe: a reader may be asked from any
// thread, and each Transport it opens is owned by its caller.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/status.hpp"
#include "host/transport/transport.hpp"

namespace tessera::host {

enum class ReaderKind { kPcsc, kUsb, kSim };

// "pcsc", "usb" or "sim", as the configuration's `transports` names them.
const char* ReaderKindName(ReaderKind kind);

struct CardState {
  bool present = false;
  // Changes whenever a card goes in or out, so a caller can tell a new card
  // from the one it saw before. Only compared for equality.
  std::uint64_t generation = 0;
};

class Reader {
 public:
  virtual ~Reader() = default;

  // Stable identity for the life of the process: "sim:12345678",
  // "pcsc:<reader name>", "usb:<bus>-<ports>:<interface>".
  virtual const std::string& key() const = 0;
  virtual ReaderKind kind() const = 0;
  // A human name: "Tessera simulator 12345678", the PC/SC reader name.
  virtual std::string Name() const = 0;
  // Asks the route now; a reader that has gone away holds no card.
  virtual CardState Card() = 0;
  // Connects to the card; kNotFound when there is none.
  virtual Result<std::unique_ptr<Transport>> Connect() = 0;
};

}  // namespace tessera::host
