// pcscd and OpenSC see the simulator as a card in a reader: opensc-tool lists
// the reader and reads the ATR, `ctl remove` and `ctl insert` are a card
// leaving and arriving, and pcscd's power control (unpower, reset) behaves as
// on a real card.
#include <PCSC/pcsclite.h>

#include <algorithm>
#include <cctype>

#include "tests/hil/pcsc/pcsc_fixture.hpp"

namespace tessera::testing {
namespace {

// opensc-tool -a prints "3b:8d:80:01:..."; compare as plain hex.
std::string HexOnly(const std::string& text) {
  std::string hex;
  for (char c : text) {
    if (std::isxdigit(static_cast<unsigned char>(c)) != 0) {
      hex.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
  }
  return hex;
}

// The simulator's ATR (docs/sim-socket-protocol.md): T=1, "Tessera".
const std::string kTokenAtr = "3b8d80018073c021c05754657373657261ce";
const Bytes kGetVersion = {0x00, 0xFD, 0x00, 0x00};
const Bytes kSelectPiv = {0x00, 0xA4, 0x04, 0x00, 0x05, 0xA0, 0x00, 0x00, 0x03, 0x08};

std::uint16_t Sw(const Bytes& response) {
  return response.size() < 2
             ? 0
             : static_cast<std::uint16_t>(response[response.size() - 2] << 8 | response.back());
}

using PcscReaderTest = PcscTest;

TEST_F(PcscReaderTest, OpenscToolListsTheReaderAndReadsTheTokensAtr) {
  ToolResult list = RunTool({"opensc-tool", "--list-readers"});
  ASSERT_EQ(list.exit_code, 0) << list.Describe();
  EXPECT_NE(list.out.find(reader()), std::string::npos) << list.out;

  ToolResult atr = RunTool({"opensc-tool", "--reader", reader(), "--atr"});
  ASSERT_EQ(atr.exit_code, 0) << atr.Describe() << Logs();
  EXPECT_EQ(HexOnly(atr.out), kTokenAtr) << atr.out;
}

TEST_F(PcscReaderTest, PcscdReportsTheTokensAtrAndCtlListShowsTheLink) {
  Result<Bytes> atr = WaitForCard(true);
  ASSERT_TRUE(atr.ok()) << atr.status().message();
  EXPECT_EQ(ToHex(*atr), kTokenAtr);

  ProcessResult list = Ctl({"list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("  127.0.0.1:" + std::to_string(pcscd_->port()) + " connected"),
            std::string::npos)
      << list.out;
}

TEST_F(PcscReaderTest, CtlRemoveAndInsertAreSeenByPcscdAndOpensc) {
  ProcessResult removed = Ctl({"remove", std::to_string(serial())});
  ASSERT_EQ(removed.exit_code, 0) << removed.err;
  Result<Bytes> gone = WaitForCard(false);
  ASSERT_TRUE(gone.ok()) << gone.status().message() << "\n" << Logs();
  ToolResult atr = RunTool({"opensc-tool", "--reader", reader(), "--atr"});
  EXPECT_NE(atr.exit_code, 0) << atr.Describe();

  ProcessResult inserted = Ctl({"insert", std::to_string(serial())});
  ASSERT_EQ(inserted.exit_code, 0) << inserted.err;
  Result<Bytes> back = WaitForCard(true);
  ASSERT_TRUE(back.ok()) << back.status().message() << "\n" << Logs();
  atr = RunTool({"opensc-tool", "--reader", reader(), "--atr"});
  ASSERT_EQ(atr.exit_code, 0) << atr.Describe();
  EXPECT_EQ(HexOnly(atr.out), kTokenAtr);
}

TEST_F(PcscReaderTest, TheTokenReconnectsByItselfAfterPcscdRestarts) {
  // The connection drops with pcscd; the token retries (200 ms to 1 s) until
  // the new vpcd listens, with nobody telling it.
  Status restarted = pcscd_->Restart();
  ASSERT_TRUE(restarted.ok()) << restarted.message();
  Result<Bytes> back = WaitForCard(true);
  ASSERT_TRUE(back.ok()) << back.status().message() << "\n" << Logs();
  ToolResult atr = RunTool({"opensc-tool", "--reader", reader(), "--atr"});
  ASSERT_EQ(atr.exit_code, 0) << atr.Describe();
  EXPECT_EQ(HexOnly(atr.out), kTokenAtr);
  EXPECT_NE(sim_->Stderr().find("closed; reconnecting"), std::string::npos) << Logs();
}

TEST_F(PcscReaderTest, ACardThatWasPoweredDownStaysPresentAndAnswersAfterPowerOn) {
  auto card = PcscCard::Connect(reader());
  ASSERT_TRUE(card.ok()) << card.status().message();
  Result<Bytes> selected = (*card)->Transmit(kSelectPiv);
  ASSERT_TRUE(selected.ok()) << selected.status().message();
  EXPECT_EQ(Sw(*selected), 0x9000);

  // Unpower: vpcd sends power off, and to bring the card back power on and
  // get ATR. A card that lost its ATR while unpowered would vanish from
  // pcscd.
  ASSERT_TRUE((*card)->Reconnect(SCARD_UNPOWER_CARD).ok());
  Result<Bytes> still = WaitForCard(true);
  ASSERT_TRUE(still.ok()) << still.status().message();
  // Power off dropped the selection: GET VERSION is a PIV command.
  Result<Bytes> version = (*card)->Transmit(kGetVersion);
  ASSERT_TRUE(version.ok()) << version.status().message();
  EXPECT_EQ(Sw(*version), 0x6D00) << ToHex(*version);
  selected = (*card)->Transmit(kSelectPiv);
  ASSERT_TRUE(selected.ok()) << selected.status().message();
  EXPECT_EQ(Sw(*selected), 0x9000);
  version = (*card)->Transmit(kGetVersion);
  ASSERT_TRUE(version.ok()) << version.status().message();
  EXPECT_EQ(ToHex(*version), "0507029000");
}

TEST_F(PcscReaderTest, AResetDropsThePinVerificationLikeAWarmReset) {
  const Bytes verify_default_pin = {0x00, 0x20, 0x00, 0x80, 0x08, '1', '2',
                                    '3',  '4',  '5',  '6',  0xFF, 0xFF};
  const Bytes pin_status = {0x00, 0x20, 0x00, 0x80};
  auto card = PcscCard::Connect(reader());
  ASSERT_TRUE(card.ok()) << card.status().message();
  Result<Bytes> selected = (*card)->Transmit(kSelectPiv);
  ASSERT_TRUE(selected.ok()) << selected.status().message();
  ASSERT_EQ(Sw(*selected), 0x9000) << ToHex(*selected);
  Result<Bytes> verified = (*card)->Transmit(verify_default_pin);
  ASSERT_TRUE(verified.ok()) << verified.status().message();
  ASSERT_EQ(Sw(*verified), 0x9000) << ToHex(*verified);
  Result<Bytes> status = (*card)->Transmit(pin_status);
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(Sw(*status), 0x9000);

  ASSERT_TRUE((*card)->Reconnect(SCARD_RESET_CARD).ok());
  Result<Bytes> atr = (*card)->Atr();
  ASSERT_TRUE(atr.ok()) << atr.status().message();
  EXPECT_EQ(ToHex(*atr), kTokenAtr);
  selected = (*card)->Transmit(kSelectPiv);
  ASSERT_TRUE(selected.ok());
  ASSERT_EQ(Sw(*selected), 0x9000);
  status = (*card)->Transmit(pin_status);
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(Sw(*status), 0x63C3) << ToHex(*status);  // SP 800-73-4 §3.2.1: not verified, 3 tries
}

}  // namespace
}  // namespace tessera::testing
