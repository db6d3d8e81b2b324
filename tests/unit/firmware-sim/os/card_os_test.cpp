#include "firmware-sim/os/card_os.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tessera::sim {
namespace {

constexpr const char* kAidA = "a0000000010101";
constexpr const char* kAidB = "a0000000020202";

// What the card OS did to a fake applet.
struct AppletLog {
  int selects = 0;
  int deselects = 0;
  int power_offs = 0;
};

// INS 01: P1P2 bytes counting up from 00; 02: echoes its data; 03: PIN
// incorrect with P2 tries left; 04: a power cut; 05: its one-byte tag.
// SELECT answers the FCI 6F 01 <tag>.
class FakeApplet final : public Applet {
 public:
  FakeApplet(std::string_view aid, std::uint8_t tag, AppletLog* log)
      : aid_(HexOrDie(aid)), tag_(tag), log_(log) {}

  ByteView aid() const override { return aid_; }
  Result<Bytes> Select(const CommandApdu&) override {
    ++log_->selects;
    return Bytes{0x6F, 0x01, tag_};
  }
  Result<Bytes> Process(const CommandApdu& apdu) override {
    switch (apdu.ins) {
      case 0x01: return CountingBytes(static_cast<std::size_t>((apdu.p1 << 8) | apdu.p2));
      case 0x02: return apdu.data;
      case 0x03: return Status::PinIncorrect(apdu.p2);
      case 0x04: return Status::PowerLost();
      case 0x05: return Bytes{tag_};
      default: return Status::InsNotSupported("fake applet");
    }
  }
  void Deselect() override { ++log_->deselects; }
  void PowerOff() override { ++log_->power_offs; }

  static Bytes CountingBytes(std::size_t n) {
    Bytes out(n);
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::uint8_t>(i);
    return out;
  }

 private:
  Bytes aid_;
  std::uint8_t tag_;
  AppletLog* log_;
};

// One row of an APDU table: command bytes -> response data and SW, in hex.
// A null response means the card answered nothing.
struct Exchange {
  std::string command;
  const char* response;
};

class CardOsTest : public ::testing::Test {
 protected:
  CardOsTest() {
    std::vector<std::unique_ptr<Applet>> applets;
    applets.push_back(std::make_unique<FakeApplet>(kAidA, 0xAA, &log_a_));
    applets.push_back(std::make_unique<FakeApplet>(kAidB, 0xBB, &log_b_));
    card_ = std::make_unique<CardOs>(std::move(applets));
  }

  std::string Send(std::string_view command_hex) {
    auto response = card_->Transmit(HexOrDie(command_hex));
    return response ? ToHex(*response) : "<no answer>";
  }

  void Run(const std::vector<Exchange>& table) {
    for (const auto& row : table) {
      EXPECT_EQ(Send(row.command), row.response ? row.response : "<no answer>")
          << "command " << row.command;
    }
  }

  AppletLog log_a_;
  AppletLog log_b_;
  std::unique_ptr<CardOs> card_;
};

std::string Hex(std::size_t from, std::size_t n) {
  return ToHex(ByteView(FakeApplet::CountingBytes(from + n)).subspan(from));
}

TEST_F(CardOsTest, SelectsAppletsByFullAndPartialAid) {
  Run({
      {"00a4040007a0000000010101", "6f01aa9000"},
      {"00050000", "aa9000"},
      {"00a4040005a000000002", "6f01bb9000"},  // truncated AID (ISO 7816-4 §7.1.1)
      {"00050000", "bb9000"},
      {"00a4040004a0000000", "6f01aa9000"},  // ambiguous prefix: the first installed applet
      {"00050000", "aa9000"},
      {"00a4040007a000000001010100", "6f01aa9000"},  // with Le
  });
  EXPECT_EQ(log_a_.selects, 3);
  EXPECT_EQ(log_a_.deselects, 1);  // reselecting A does not deselect it
  EXPECT_EQ(log_b_.deselects, 1);
}

TEST_F(CardOsTest, AnswersUnknownAidWith6A82AndKeepsTheSelection) {
  Run({
      {"00a4040007a0000000010101", "6f01aa9000"},
      {"00a4040005a0000000ff", "6a82"},
      {"00a4040008a000000001010101", "6a82"},  // longer than every AID
      {"00050000", "aa9000"},
  });
  EXPECT_EQ(log_a_.deselects, 0);
  EXPECT_EQ(card_->selected()->aid().size(), 7u);
}

TEST_F(CardOsTest, ChecksSelectParameters) {
  Run({
      {"00a4040c07a0000000010101", "9000"},  // P2 0C: no response data
      {"00050000", "aa9000"},
      {"00a4040407a000000002020200", "6f01bb9000"},  // P2 04
      {"00a4041007a0000000010101", "6a86"},
      {"00a40400", "6700"},                                         // no DF name
      {"00a4040011a0000000010101" + std::string(20, '0'), "6700"},  // 17 bytes
      {"00a40000023f00", "6a82"},                                   // SELECT MF, as OpenSC probes
      {"00a40200020101", "6a82"},
      {"00050000", "bb9000"},
  });
}

TEST_F(CardOsTest, AnswersCommandsWithoutSelectedAppletWith6D00) {
  Run({
      {"00050000", "6d00"},
      {"00020000020102", "6d00"},
      {"10020000020102", "6d00"},  // a chain part too
      {"00c0000000", "6985"},      // GET RESPONSE is the OS's own
  });
}

TEST_F(CardOsTest, ReassemblesAChainOfThreeParts) {
  Run({
      {"00a4040007a0000000010101", "6f01aa9000"},
      {"1002000003010203", "9000"},
      {"10020000020405", "9000"},
      {"000200000106", "0102030405069000"},
  });
}

TEST_F(CardOsTest, RejectsAChainPartForAnotherCommandWith6883AndDropsTheChain) {
  Run({
      {"00a4040007a0000000010101", "6f01aa9000"},
      {"100200000101", "9000"},
      {"100201000102", "6883"},    // P1 differs
      {"000200000109", "099000"},  // the dropped chain's data is gone
      {"100200000101", "9000"},
      {"00050000", "aa9000"},      // a different plain command runs on its own
      {"000200000102", "029000"},  // and the chain is gone
  });
}

TEST_F(CardOsTest, RejectsAChainLongerThanTheLimitWith6700) {
  ASSERT_EQ(Send("00a4040007a0000000010101"), "6f01aa9000");
  const std::string full_part = "1002000000ffff" + std::string(2 * 0xffff, 'a');
  EXPECT_EQ(Send(full_part), "9000");
  EXPECT_EQ(Send("100200000101"), "6700");
  EXPECT_EQ(Send("000200000107"), "079000");  // chain dropped

  // Exactly the limit is accepted; one more byte in the final part is not.
  EXPECT_EQ(Send("1002000000fffe" + std::string(2 * 0xfffe, 'b')), "9000");
  auto response = card_->Transmit(HexOrDie("00020000000001010000"));  // final part, extended Le
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->size(), CardOs::kMaxChainedData + 2);
  EXPECT_EQ(ToHex(ByteView(*response).last(3)), "019000");
  EXPECT_EQ(Send("1002000000fffe" + std::string(2 * 0xfffe, 'b')), "9000");
  EXPECT_EQ(Send("00020000020101"), "6700");
}

TEST_F(CardOsTest, SplitsALongResponseInto61xxAndGetResponse) {
  Run({
      {"00a4040007a0000000010101", "6f01aa9000"},
      {"00010258", (Hex(0, 256) + "6100").c_str()},      // no Le: 256 bytes, 344 left
      {"00c0000000", (Hex(256, 256) + "6158").c_str()},  // 88 left
      {"00c0000010", (Hex(512, 16) + "6148").c_str()},   // a smaller Le
      {"00c0000000", (Hex(528, 72) + "9000").c_str()},
      {"00c0000000", "6985"},
      {"00010200", (Hex(0, 256) + "6100").c_str()},  // exactly 256 left
      {"00c0000000", (Hex(256, 256) + "9000").c_str()},
  });
}

TEST_F(CardOsTest, ReturnsTheWholeResponseAtOnceForAnExtendedLe) {
  Run({
      {"00a4040007a0000000010101", "6f01aa9000"},
      {"00010258000000", (Hex(0, 600) + "9000").c_str()},
      {"0001025800", (Hex(0, 256) + "6100").c_str()},
      {"0001010000", (Hex(0, 256) + "9000").c_str()},  // exactly Le
      {"0001000410", "000102039000"},                  // shorter than Le
  });
}

TEST_F(CardOsTest, AnswersGetResponseWithNothingPendingOrBadParameters) {
  Run({
      {"00a4040007a0000000010101", "6f01aa9000"},
      {"00c0000000", "6985"},
      {"00010120", (Hex(0, 256) + "6120").c_str()},
      {"00c0000100", "6a86"},
      {"00010120", (Hex(0, 256) + "6120").c_str()},
      {"00050000", "aa9000"},  // any other command drops the pending data
      {"00c0000000", "6985"},
  });
}

TEST_F(CardOsTest, ChecksTheClassByte) {
  Run({
      {"00a4040007a0000000010101", "6f01aa9000"},
      {"ff050000", "6e00"},
      {"40050000", "6e00"},
      {"20050000", "6e00"},
      {"7f050000", "6e00"},
      {"01050000", "6881"},
      {"03050000", "6881"},
      {"81050000", "6881"},
      {"0c050000", "aa9000"},  // secure messaging goes to the applet
      {"80050000", "aa9000"},  // proprietary class goes to the applet
      {"84050000", "aa9000"},
      {"80a4040000", "6d00"},  // INS A4 in a proprietary class is the applet's
  });
}

TEST_F(CardOsTest, AnswersMalformedApdusWith6700) {
  Run({
      {"00a4040007a0000000010101", "6f01aa9000"},
      {"", "6700"},
      {"00", "6700"},
      {"00a404", "6700"},
      {"00a4040005a0000000", "6700"},  // Lc 5, 4 bytes
      {"0002000003aabbccddee", "6700"},
      {"00020000000003aabb", "6700"},  // extended Lc 3, 2 bytes
      {"00050000", "aa9000"},          // the selection survives
  });
}

TEST_F(CardOsTest, MapsAppletStatusToStatusWords) {
  Run({
      {"00a4040007a0000000010101", "6f01aa9000"},
      {"00030002", "63c2"},
      {"00030000", "63c0"},
      {"00ee0000", "6d00"},
  });
}

TEST_F(CardOsTest, AnswersNothingAndForgetsEverythingOnAPowerCut) {
  Run({
      {"00a4040007a0000000010101", "6f01aa9000"},
      {"00010258", (Hex(0, 256) + "6100").c_str()},
      {"100200000101", "9000"},
      {"00040000", nullptr},
      {"00050000", "6d00"},
      {"00c0000000", "6985"},
  });
  EXPECT_EQ(card_->selected(), nullptr);
  EXPECT_EQ(log_a_.power_offs, 1);
  EXPECT_EQ(log_b_.power_offs, 1);
}

TEST_F(CardOsTest, DropsSelectionChainAndPendingDataOnPowerOff) {
  Run({
      {"00a4040007a0000000010101", "6f01aa9000"},
      {"00010258", (Hex(0, 256) + "6100").c_str()},
  });
  card_->PowerOff();
  EXPECT_EQ(card_->selected(), nullptr);
  EXPECT_EQ(log_a_.power_offs, 1);
  EXPECT_EQ(log_b_.power_offs, 1);
  Run({
      {"00c0000000", "6985"},
      {"00050000", "6d00"},
  });
}

TEST_F(CardOsTest, AbortPendingDropsTheChainButKeepsTheSelection) {
  Run({
      {"00a4040007a0000000010101", "6f01aa9000"},
      {"100200000101", "9000"},
  });
  card_->AbortPending();
  Run({
      {"000200000102", "029000"},
      {"00010120", (Hex(0, 256) + "6120").c_str()},
  });
  card_->AbortPending();
  Run({{"00c0000000", "6985"}});
  EXPECT_EQ(log_a_.power_offs, 0);
}

}  // namespace
}  // namespace tessera::sim
