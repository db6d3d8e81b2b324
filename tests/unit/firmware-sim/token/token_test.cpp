#include "firmware-sim/token/token.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "common/apdu.hpp"
#include "firmware-sim/os/file_storage.hpp"
#include "tests/support/temp_dir.hpp"

namespace tessera::sim {
namespace {

constexpr std::uint32_t kSerial = 12345678;

using ::tessera::testing::TempDir;

class TokenTest : public ::testing::Test {
 protected:
  TokenTest() {
    SeededRng ca_rng(1, "ca");
    auto ca = ManufacturerCa::Create(ca_rng, clock_);
    EXPECT_TRUE(ca.ok()) << ca.status().ToString();
    if (ca.ok()) ca_ = std::make_unique<ManufacturerCa>(std::move(ca).value());
  }

  TokenEnv Env(LatencyModel latency = LatencyModel::None()) {
    return TokenEnv{std::make_unique<SeededRng>(7, "token"), &clock_, latency};
  }

  std::unique_ptr<Token> MakeToken() {
    auto token = Token::Manufacture(file_, kSerial, *ca_, Env());
    EXPECT_TRUE(token.ok()) << token.status().ToString();
    return token.ok() ? std::move(token).value() : nullptr;
  }

  // The response's status word, or 0 when the card said nothing.
  static std::uint16_t Sw(const std::optional<Bytes>& response) {
    if (!response || response->size() < 2) return 0;
    return GetU16(ByteView(*response).last(2));
  }

  static std::uint16_t Send(Token& token, std::string_view hex) {
    return Sw(token.Transmit(HexOrDie(hex)));
  }

  FakeClock clock_;
  std::unique_ptr<ManufacturerCa> ca_;
  TempDir dir_;
  std::filesystem::path file_ = dir_.path() / "12345678.token";
};

constexpr std::string_view kSelectPiv = "00a4040005a000000308";
constexpr std::string_view kVerifyDefaultPin = "0020008008313233343536ffff";  // "123456"
constexpr std::string_view kVerifyStatus = "0020008000";
constexpr std::string_view kChangePin = "0024008010313233343536ffff363534333231ffff";

TEST(TokenAtr, IsTheDocumentedT1AtrWithAValidCheckByte) {
  Bytes atr = Token::Atr();
  EXPECT_EQ(ToHex(atr), "3b8d80018073c021c057" + ToHex(AsBytes("Tessera")) + "ce")
      << "TS T0 TD1 TD2, historical bytes, TCK";
  std::uint8_t x = 0;
  for (std::size_t i = 1; i < atr.size(); ++i) x ^= atr[i];
  EXPECT_EQ(x, 0) << "ISO 7816-3 §8.2.5: T0..TCK XOR to zero";
  EXPECT_EQ(atr[1] & 0x0F, 13) << "T0 announces 13 historical bytes";
}

TEST_F(TokenTest, ManufactureThenLoadGivesTheSameSerialAndUid) {
  auto made = MakeToken();
  ASSERT_NE(made, nullptr);
  EXPECT_EQ(made->serial(), kSerial);
  ASSERT_EQ(made->uid().size(), 16u);
  Bytes uid(made->uid().begin(), made->uid().end());
  made.reset();

  auto loaded = Token::Load(file_, Env());
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ((*loaded)->serial(), kSerial);
  EXPECT_EQ(ToHex((*loaded)->uid()), ToHex(uid));
  EXPECT_EQ((*loaded)->path(), file_);
}

TEST_F(TokenTest, ManufactureRefusesToOverwriteAnExistingStateFile) {
  ASSERT_NE(MakeToken(), nullptr);
  auto again = Token::Manufacture(file_, kSerial, *ca_, Env());
  EXPECT_FALSE(again.ok());
}

TEST_F(TokenTest, LoadingAGarbageStateFileIsAnErrorNamingTheFile) {
  std::ofstream(file_) << "this is not a token state file";
  auto loaded = Token::Load(file_, Env());
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), Code::kCorrupt);
  EXPECT_NE(loaded.status().message().find(file_.string()), std::string::npos)
      << loaded.status().message();
}

TEST_F(TokenTest, LoadingAStateFileWithoutIdentityIsAnErrorNamingTheFile) {
  Transaction txn;
  txn.Put("piv/something", AsBytes("x"));
  ASSERT_TRUE(FileStorage::Create(file_, txn).ok());
  auto loaded = Token::Load(file_, Env());
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), Code::kCorrupt);
  EXPECT_NE(loaded.status().message().find(file_.string()), std::string::npos);
  EXPECT_NE(loaded.status().message().find("os/serial"), std::string::npos);
}

TEST_F(TokenTest, AnUnpoweredTokenAnswersNothing) {
  auto token = MakeToken();
  ASSERT_NE(token, nullptr);
  EXPECT_FALSE(token->powered());
  EXPECT_FALSE(token->Transmit(HexOrDie(kSelectPiv)).has_value());
  ASSERT_TRUE(token->PowerOn().ok());
  EXPECT_TRUE(token->powered());
  EXPECT_EQ(Send(*token, kSelectPiv), 0x9000);
  token->PowerOff();
  EXPECT_FALSE(token->Transmit(HexOrDie(kSelectPiv)).has_value());
}

TEST_F(TokenTest, PowerCycleDropsTheVerifiedPinButKeepsTheChangedPin) {
  auto token = MakeToken();
  ASSERT_NE(token, nullptr);
  ASSERT_TRUE(token->PowerOn().ok());
  ASSERT_EQ(Send(*token, kSelectPiv), 0x9000);
  ASSERT_EQ(Send(*token, kVerifyDefaultPin), 0x9000);
  EXPECT_EQ(Send(*token, kVerifyStatus), 0x9000) << "verified in this session";
  ASSERT_EQ(Send(*token, kChangePin), 0x9000) << "123456 -> 654321";

  token->PowerOff();
  ASSERT_TRUE(token->PowerOn().ok());
  ASSERT_EQ(Send(*token, kSelectPiv), 0x9000);
  EXPECT_EQ(Send(*token, kVerifyStatus), 0x63C3) << "volatile state dropped";
  EXPECT_EQ(Send(*token, kVerifyDefaultPin), 0x63C2) << "old PIN is gone";
  EXPECT_EQ(Send(*token, "0020008008363534333231ffff"), 0x9000) << "new PIN persisted";
}

TEST_F(TokenTest, ResetIsAWarmPowerCycle) {
  auto token = MakeToken();
  ASSERT_NE(token, nullptr);
  ASSERT_TRUE(token->PowerOn().ok());
  ASSERT_EQ(Send(*token, kSelectPiv), 0x9000);
  ASSERT_EQ(Send(*token, kVerifyDefaultPin), 0x9000);
  ASSERT_TRUE(token->Reset().ok());
  EXPECT_TRUE(token->powered());
  ASSERT_EQ(Send(*token, kSelectPiv), 0x9000);
  EXPECT_EQ(Send(*token, kVerifyStatus), 0x63C3);
}

// Cuts the power at every write index of a PIN verify: each cut leaves the
// token mute and dead, and the next power on reloads a whole state in which
// the PIN still works and the counter is either untouched or decremented.
TEST_F(TokenTest, TearDuringPinVerifyGoesMuteAndPowerOnReloadsAWholeState) {
  auto token = MakeToken();
  ASSERT_NE(token, nullptr);
  Bytes uid(token->uid().begin(), token->uid().end());
  int cuts = 0;
  for (std::size_t n = 0; n < 64; ++n) {
    ASSERT_TRUE(token->PowerOn().ok());
    ASSERT_EQ(Send(*token, kSelectPiv), 0x9000);
    token->ArmTear(n);
    std::optional<Bytes> answer = token->Transmit(HexOrDie(kVerifyDefaultPin));
    if (answer) {
      EXPECT_EQ(Sw(answer), 0x9000) << "the verify that ran to the end succeeds";
      break;
    }
    ++cuts;
    EXPECT_FALSE(token->powered()) << "a cut token stays dead until power on";
    EXPECT_FALSE(token->Transmit(HexOrDie(kSelectPiv)).has_value());

    ASSERT_TRUE(token->PowerOn().ok()) << "after cut " << n;
    EXPECT_EQ(token->serial(), kSerial);
    EXPECT_EQ(ToHex(token->uid()), ToHex(uid));
    ASSERT_EQ(Send(*token, kSelectPiv), 0x9000);
    std::uint16_t status = Send(*token, kVerifyStatus);
    EXPECT_TRUE(status == 0x63C3 || status == 0x63C2) << std::hex << status << " after cut " << n;
    ASSERT_EQ(Send(*token, kVerifyDefaultPin), 0x9000) << "the PIN survives cut " << n;
    token->PowerOff();
  }
  EXPECT_GE(cuts, 1) << "a PIN verify writes at least once (counter first)";
}

TEST_F(TokenTest, EveryApduIsChargedTheRealisticExchangeCost) {
  auto made = Token::Manufacture(file_, kSerial, *ca_, Env(LatencyModel::Realistic()));
  ASSERT_TRUE(made.ok());
  Token& token = **made;
  ASSERT_TRUE(token.PowerOn().ok());
  auto before = clock_.slept();
  ASSERT_EQ(Send(token, kSelectPiv), 0x9000);
  EXPECT_EQ((clock_.slept() - before).count(),
            LatencyModel::Realistic().CostOf(Cost::kApdu).count());
}

}  // namespace
}  // namespace tessera::sim
