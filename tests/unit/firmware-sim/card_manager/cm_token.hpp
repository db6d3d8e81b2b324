// CmToken: a whole simulated Token (state file, card OS, PIV and the card
// manager) for the card manager tests, driven with raw APDU bytes. It
// follows 61xx with GET RESPONSE, keeps its Rng, clock and CA alive, and can
// be loaded from a copy of a state file for tearing runs. Test-only; not
// thread-safe.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/apdu.hpp"
#include "firmware-sim/os/clock.hpp"
#include "firmware-sim/token/token.hpp"
#include "tests/support/temp_dir.hpp"

namespace tessera::sim::cmtest {

inline constexpr std::uint32_t kSerial = 12345678;  // 00BC614E
inline constexpr std::string_view kSelectCardManager = "00a404000af054455353455241434d";

// One row of an APDU table: command and expected response data, in hex.
struct ApduCase {
  std::string name;
  std::string command;
  std::string response;
  std::uint16_t sw = 0x9000;
};

class CmToken {
 public:
  // Manufactures a new token into `file` (which must not exist), powered on.
  static std::unique_ptr<CmToken> Manufacture(const std::filesystem::path& file);
  // Loads the token in `file`, powered on.
  static std::unique_ptr<CmToken> Load(const std::filesystem::path& file);

  Token& token() { return *token_; }
  Bytes uid() const { return {token_->uid().begin(), token_->uid().end()}; }

  // nullopt when the token answered nothing (unpowered, or a power cut).
  std::optional<ResponseApdu> TrySend(const CommandApdu& apdu);
  // As TrySend; no answer comes back as SW 0000.
  ResponseApdu Send(const CommandApdu& apdu);
  ResponseApdu Send(std::string_view hex);

  // Runs `cases` in order, checking each answer byte for byte.
  void Run(const std::vector<ApduCase>& cases);

  // SELECT the card manager; expects 9000.
  void Select();
  // Power off, power on, select.
  void PowerCycle();
  // Power on after a cut, then select.
  void PowerOnAndSelect();

 private:
  CmToken() = default;

  FakeClock clock_;
  std::unique_ptr<Token> token_;
};

// A freshly manufactured token with the card manager selected.
class CardManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    token_ = CmToken::Manufacture(file());
    ASSERT_NE(token_, nullptr);
    token_->Select();
  }
  std::filesystem::path file() const { return dir_ / "token.state"; }
  CmToken& token() { return *token_; }

  ::tessera::testing::TempDir dir_{"tessera-cm"};
  std::unique_ptr<CmToken> token_;
};

CommandApdu Apdu(std::uint8_t cla, std::uint8_t ins, std::uint8_t p1, std::uint8_t p2,
                 Bytes data = {}, std::optional<std::size_t> le = std::nullopt);

}  // namespace tessera::sim::cmtest
