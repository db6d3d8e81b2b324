#include "firmware-sim/usb/ccid_device.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "tests/support/test_token.hpp"

namespace tessera::sim::usb {
namespace {

using ::tessera::testing::TestToken;

constexpr std::string_view kSelectPiv = "00a4040005a000000308";

// The only reply to `message` (hex), as hex.
std::string One(CcidDevice& device, std::string_view message) {
  auto replies = device.HandleBulkOut(HexOrDie(message));
  EXPECT_EQ(replies.size(), 1u);
  return replies.empty() ? std::string() : ToHex(replies.back());
}

std::string Xfr(std::string_view apdu, std::uint8_t seq, std::string_view level = "0000") {
  Bytes data = HexOrDie(apdu);
  Bytes header = HexOrDie("6f");
  ccid::PutLe32(header, static_cast<std::uint32_t>(data.size()));
  Append(header, {0x00, seq, 0x00});
  Append(header, HexOrDie(level));
  return ToHex(Concat({header, data}));
}

class CcidDeviceTest : public ::testing::Test {
 protected:
  TestToken token_;
  CcidDevice device_{token_.get()};
};

TEST_F(CcidDeviceTest, PowerOnAnswersTheAtrInADataBlockEchoingTheSequence) {
  std::string atr = ToHex(Token::Atr());
  EXPECT_EQ(One(device_, "62000000000007000000"),
            "80"
            "12000000"
            "00"
            "07"
            "00"
            "00"
            "00" +
                atr);
  EXPECT_TRUE(token_.token().powered());
}

TEST_F(CcidDeviceTest, SlotStatusSaysInactiveUntilPoweredThenActive) {
  EXPECT_EQ(One(device_, "65000000000001000000"),
            "81000000000001"
            "01"
            "00"
            "03");
  ASSERT_EQ(One(device_, "62000000000002000000").substr(0, 20), "80120000000002000000");
  EXPECT_EQ(One(device_, "65000000000003000000"),
            "81000000000003"
            "00"
            "00"
            "00");
  EXPECT_EQ(One(device_, "63000000000004000000"),
            "81000000000004"
            "01"
            "00"
            "03");
  EXPECT_FALSE(token_.token().powered());
}

TEST_F(CcidDeviceTest, XfrBlockRunsTheApduOnTheCard) {
  ASSERT_EQ(One(device_, "62000000000000000000").substr(14, 6), "000000");
  std::string reply = One(device_, Xfr(kSelectPiv, 9));
  EXPECT_EQ(reply.substr(0, 2), "80");
  EXPECT_EQ(reply.substr(10, 10), "0009000000") << "slot 0, seq 9, OK, whole";
  EXPECT_EQ(reply.substr(reply.size() - 4), "9000");
}

TEST_F(CcidDeviceTest, GetParametersDescribesT1) {
  EXPECT_EQ(One(device_, "6c000000000005000000"),
            "82"
            "07000000"
            "00"
            "05"
            "01"
            "00"
            "01"
            "11"
            "10"
            "00"
            "45"
            "00"
            "fe"
            "00");
}

TEST_F(CcidDeviceTest, XfrBlockToAnUnpoweredCardIsIccMute) {
  EXPECT_EQ(One(device_, Xfr(kSelectPiv, 3)),
            "800000000000034"
            "1fe00");
}

TEST_F(CcidDeviceTest, AnUnknownCommandIsCmdNotSupported) {
  // PC_to_RDR_SetParameters (0x61) is not implemented.
  EXPECT_EQ(One(device_, "61000000000006000000"),
            "810000000000064"
            "10003");
}

TEST_F(CcidDeviceTest, MalformedMessagesGetAFailedReplyNamingTheField) {
  EXPECT_EQ(One(device_, "650000"),
            "810000000000004"
            "10103")
      << "shorter than a header";
  EXPECT_EQ(One(device_, "65000000000507"), "81000000000507410103")
      << "the slot and sequence bytes that arrived are echoed";
  EXPECT_EQ(One(device_, "6f020000000008000000aa"),
            "800000000000084"
            "10100")
      << "dwLength 2 with 1 byte of data";
  EXPECT_EQ(One(device_, "65000000000109000000"),
            "8100000000010941"
            "0503")
      << "slot 1";
  EXPECT_EQ(One(device_, ""),
            "810000000000004"
            "10103");
}

TEST_F(CcidDeviceTest, AMessageLongerThanDwMaxCcidMessageLengthIsRefused) {
  std::string big = Xfr(std::string(2 * 3063, 'a'), 4);
  EXPECT_EQ(One(device_, big),
            "800000000000044"
            "10100");
}

TEST(CcidDeviceNoCard, ReportsAbsentAndIccMute) {
  CcidDevice device(nullptr);
  EXPECT_EQ(One(device, "62000000000001000000"),
            "800000000000014"
            "2fe00");
  EXPECT_EQ(One(device, "65000000000002000000"),
            "81000000000002"
            "02"
            "00"
            "03");
  EXPECT_EQ(One(device, "6c000000000003000000"),
            "820000000000034"
            "2fe01");
  EXPECT_EQ(device.Serial(), "");
}

TEST_F(CcidDeviceTest, TimeExtensionsComeBeforeTheAnswer) {
  CcidDevice slow(token_.get(), {.time_extensions = 2});
  ASSERT_EQ(slow.HandleBulkOut(HexOrDie("62000000000000000000")).size(), 1u);
  auto replies = slow.HandleBulkOut(HexOrDie(Xfr(kSelectPiv, 7)));
  ASSERT_EQ(replies.size(), 3u);
  EXPECT_EQ(ToHex(replies[0]),
            "80000000000007"
            "80"
            "01"
            "00")
      << "bStatus 0x80, BWT x1";
  EXPECT_EQ(ToHex(replies[1]), ToHex(replies[0]));
  EXPECT_EQ(ToHex(replies[2]).substr(14, 2), "00");
}

TEST_F(CcidDeviceTest, LongCommandsAndResponsesTravelInLevelParameterChains) {
  // Room for 6 bytes of abData per message.
  CcidDevice small(token_.get(), {.max_message_length = 16});
  ASSERT_EQ(small.HandleBulkOut(HexOrDie("62000000000000000000")).size(), 1u);
  EXPECT_EQ(One(small, Xfr("00a404", 1, "0100")), "80000000000001000010") << "begin: more";
  EXPECT_EQ(One(small, Xfr("0005a0", 2, "0300")), "80000000000002000010") << "continue";
  std::string first = One(small, Xfr("00000308", 3, "0200"));
  EXPECT_EQ(first.substr(0, 20), "80060000000003000001") << "6 bytes; response begins";
  std::string response = first.substr(20);
  for (std::uint8_t seq = 4;; ++seq) {
    std::string more = One(small, Xfr("", seq, "1000"));
    ASSERT_EQ(more.substr(14, 4), "0000");
    response += more.substr(20);
    std::string chain = more.substr(18, 2);
    if (chain == "02") break;
    ASSERT_EQ(chain, "03");
    ASSERT_LT(seq, 100);
  }
  EXPECT_EQ(response, ToHex(*token_.token().Transmit(HexOrDie(kSelectPiv))));
}

TEST_F(CcidDeviceTest, AChainPieceWithoutABeginningIsRefused) {
  ASSERT_EQ(device_.HandleBulkOut(HexOrDie("62000000000000000000")).size(), 1u);
  EXPECT_EQ(One(device_, Xfr("00", 1, "0200")),
            "800000000000014"
            "00800");
  EXPECT_EQ(One(device_, Xfr("", 2, "1000")),
            "800000000000024"
            "00800")
      << "nothing left of a response to continue";
}

TEST_F(CcidDeviceTest, InsertAndRemoveQueueNotifySlotChange) {
  EXPECT_FALSE(device_.TakeInterrupt().has_value());
  device_.SetToken(nullptr);
  device_.SetToken(token_.get());
  EXPECT_EQ(ToHex(*device_.TakeInterrupt()), "5002") << "absent, changed";
  EXPECT_EQ(ToHex(*device_.TakeInterrupt()), "5003") << "present, changed";
  EXPECT_FALSE(device_.TakeInterrupt().has_value());
}

TEST_F(CcidDeviceTest, SerialIsTheTokenSerial) { EXPECT_EQ(device_.Serial(), "12345678"); }

}  // namespace
}  // namespace tessera::sim::usb
