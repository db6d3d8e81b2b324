// ForeignVpcdCard: a card without a PIV application, as vpcd sees it. It
// connects to a vpcd reader slot (vsmartcard's protocol: frames of a 2-byte
// big-endian length and a payload; a 1-byte payload is a control code, and
// only "get ATR" (4) gets an answer) and answers every command APDU with
// 6A82, file or application not found (ISO 7816-4 §5.1.3), as a bank card
// answers a SELECT for PIV. It counts the APDUs it was sent.
//
// Serves on a thread of its own, started by Connect and joined by the
// destructor, which also closes the connection (pcscd then sees the card
// removed). Connect from the thread that holds the test's network namespace.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <thread>

#include "common/status.hpp"
#include "common/unique_fd.hpp"

namespace tessera::testing {

class ForeignVpcdCard {
 public:
  // Connects to vpcd on 127.0.0.1:port.
  static Result<std::unique_ptr<ForeignVpcdCard>> Connect(std::uint16_t port);
  ~ForeignVpcdCard();
  ForeignVpcdCard(const ForeignVpcdCard&) = delete;
  ForeignVpcdCard& operator=(const ForeignVpcdCard&) = delete;

  // Command APDUs received so far.
  int apdus() const { return apdus_.load(); }

 private:
  explicit ForeignVpcdCard(UniqueFd fd);
  void Serve();

  UniqueFd fd_;
  std::atomic<int> apdus_{0};
  std::thread thread_;
};

}  // namespace tessera::testing
