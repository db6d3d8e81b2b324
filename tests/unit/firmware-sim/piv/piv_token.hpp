// PivToken: a manufactured PIV applet behind a CardOs, for the PIV unit
// tests. It sends raw APDUs (following 61xx with GET RESPONSE), runs tables
// of command -> expected response and status word, and wraps the common
// preambles (select, verify the PIN, authenticate the management key).
// The management-key exchange is computed with OpenSSL in the test
// (oracle.hpp), not with the token's own block cipher. Test-only; not
// thread-safe.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/apdu.hpp"
#include "common/piv/piv_constants.hpp"
#include "firmware-sim/applets/piv/piv_applet.hpp"
#include "firmware-sim/crypto/manufacturer_ca.hpp"
#include "firmware-sim/os/card_os.hpp"
#include "firmware-sim/os/clock.hpp"
#include "firmware-sim/os/storage.hpp"

namespace tessera::sim::pivtest {

inline constexpr std::uint32_t kSerial = 12345678;  // 00BC614E

// One row of an APDU table. `response` is the expected data in hex; when
// `check` is set it decides instead (random or signed data).
struct ApduCase {
  std::string name;
  std::string command;
  std::string response;
  std::uint16_t sw = 0x9000;
  std::function<bool(ByteView)> check = nullptr;
};

// A manufacturer CA shared by every test token (seeded, made once).
const ManufacturerCa& TestCa();
// The factory state of a token with `seed`, as Token::Manufacture commits it.
Transaction ManufactureTransaction(std::uint64_t seed);

class PivToken {
 public:
  // A new token in MemoryStorage whose Rng is seeded with `seed`.
  explicit PivToken(std::uint64_t seed = 1);
  // A token on existing, already manufactured `storage` (a state file).
  PivToken(Storage& storage, std::uint64_t seed);
  ~PivToken();

  // Sends `apdu` (extended when it does not fit short) and collects 61xx
  // continuations. Fails the test if the token answers nothing.
  ResponseApdu Send(const CommandApdu& apdu);
  ResponseApdu Send(std::string_view hex);
  // nullopt when the power was cut during the command.
  std::optional<ResponseApdu> TrySend(const CommandApdu& apdu);
  // Runs `cases` in order against this token's state.
  void Run(const std::vector<ApduCase>& cases);

  void Select();
  void PowerCycle();  // power off, then select again
  void VerifyPin(std::string_view pin = piv::kDefaultPin);
  // Mutual authentication as ykpiv does it, checked with OpenSSL.
  void AuthenticateManagementKey(piv::Algorithm alg, ByteView key);
  void AuthenticateManagementKey();  // the default 3DES key
  // GENERATE into `slot`; returns the 7F49 contents.
  Bytes Generate(std::uint8_t slot, piv::Algorithm alg, std::uint8_t pin_policy = 0,
                 std::uint8_t touch_policy = 0);
  // GENERAL AUTHENTICATE with `tag` (81 or 85); returns the 82 contents.
  ResponseApdu Operate(std::uint8_t slot, piv::Algorithm alg, std::uint32_t tag, ByteView input);

  Storage& storage() { return *storage_; }
  FakeClock& clock() { return clock_; }

 private:
  void Build(std::uint64_t seed);

  std::unique_ptr<Storage> owned_storage_;
  Storage* storage_ = nullptr;
  std::unique_ptr<Rng> rng_;
  FakeClock clock_;
  LatencyModel latency_ = LatencyModel::Realistic();
  TokenContext ctx_;
  std::unique_ptr<CardOs> card_;
};

// Builders for commands whose data the tables cannot spell out.
CommandApdu Apdu(std::uint8_t ins, std::uint8_t p1, std::uint8_t p2, Bytes data = {});
Bytes PinBlock(std::string_view pin);
// 7C { 82 00, <tag> <input> }.
Bytes AuthTemplate(std::uint32_t tag, ByteView input);
// The 82 value inside a 7C response; empty when malformed.
Bytes AuthResponse(ByteView data);

}  // namespace tessera::sim::pivtest
