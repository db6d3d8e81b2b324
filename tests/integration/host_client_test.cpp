// host/transport and host/card without a simulator: ApduChannel against a
// scripted card, SimSocketTransport against peers that misbehave, and the
// run-directory listing.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cstring>
#include <deque>
#include <fstream>
#include <thread>

#include "common/sim_socket_protocol.hpp"
#include "common/unique_fd.hpp"
#include "host/card/apdu_channel.hpp"
#include "host/transport/sim_socket_transport.hpp"
#include "tests/integration/sim_harness.hpp"

namespace tessera::host {
namespace {

using namespace std::chrono_literals;

// A card that answers from a script and records what it was sent.
class ScriptedTransport final : public Transport {
 public:
  explicit ScriptedTransport(std::deque<std::string> answers) : answers_(std::move(answers)) {}
  Result<Bytes> Transmit(ByteView command) override {
    sent.push_back(ToHex(command));
    if (answers_.empty()) return Status::IoError("script exhausted");
    Bytes answer = HexOrDie(answers_.front());
    answers_.pop_front();
    return answer;
  }
  Result<Bytes> Atr() override { return Bytes{0x3B}; }
  Status PowerOn() override { return Status::Ok(); }
  Status PowerOff() override { return Status::Ok(); }
  Status Reset() override { return Status::Ok(); }
  std::string Describe() const override { return "scripted"; }

  std::vector<std::string> sent;

 private:
  std::deque<std::string> answers_;
};

TEST(ApduChannel, ChainsLongCommandsAndCollectsGetResponseData) {
  ScriptedTransport card({"9000", "aabb6102", "ccdd9000"});
  ApduChannel channel(card);
  CommandApdu command;
  command.ins = 0xDB;
  command.p1 = 0x3F;
  command.p2 = 0xFF;
  command.data = Bytes(300, 0x11);
  command.le = 256;
  auto response = channel.Transmit(command);
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(ToHex(response->data), "aabbccdd");
  EXPECT_EQ(response->sw, 0x9000);
  ASSERT_EQ(card.sent.size(), 3u);
  EXPECT_EQ(card.sent[0].substr(0, 10), "10db3fffff") << "first link: chaining bit, 255 bytes";
  EXPECT_EQ(card.sent[1].substr(0, 10), "00db3fff2d") << "last link: 45 bytes";
  EXPECT_EQ(card.sent[1].substr(card.sent[1].size() - 2), "00") << "Le on the last link";
  EXPECT_EQ(card.sent[2], "00c0000002") << "GET RESPONSE asks for what 6102 announced";
}

TEST(ApduChannel, StopsAChainAtTheFirstRefusedLink) {
  ScriptedTransport card({"6982"});
  ApduChannel channel(card);
  CommandApdu command;
  command.ins = 0xDB;
  command.data = Bytes(600, 0x22);
  auto response = channel.Transmit(command);
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->sw, 0x6982);
  EXPECT_EQ(card.sent.size(), 1u);
}

TEST(ApduChannel, RetriesOnceWithTheLeTheCardAskedFor) {
  ScriptedTransport card({"6c05", "01020304059000"});
  ApduChannel channel(card);
  CommandApdu command;
  command.ins = 0xCA;
  command.le = 1;
  auto response = channel.Transmit(command);
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(ToHex(response->data), "0102030405");
  ASSERT_EQ(card.sent.size(), 2u);
  EXPECT_EQ(card.sent[1], "00ca000005");
}

TEST(ApduChannel, PassesTransportErrorsThrough) {
  ScriptedTransport card({});
  ApduChannel channel(card);
  auto response = channel.Transmit(CommandApdu{});
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), Code::kIoError);
}

// A listening socket that accepts and then does whatever the test says.
class FakePeer {
 public:
  explicit FakePeer(std::filesystem::path path) : path_(std::move(path)) {
    fd_.Reset(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path_.c_str(), sizeof(addr.sun_path) - 1);
    EXPECT_EQ(::bind(fd_.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)), 0);
    EXPECT_EQ(::listen(fd_.get(), 4), 0);
  }
  UniqueFd Accept() { return UniqueFd(::accept(fd_.get(), nullptr, nullptr)); }

 private:
  std::filesystem::path path_;
  UniqueFd fd_;
};

TEST(SimSocketTransport, NoSocketIsNotFound) {
  testing::TempDir dir;
  auto transport = SimSocketTransport::Connect(dir.path() / "12345678.sock");
  ASSERT_FALSE(transport.ok());
  EXPECT_EQ(transport.status().code(), Code::kNotFound);
}

TEST(SimSocketTransport, ASilentPeerTimesOutAndBreaksTheTransport) {
  testing::TempDir dir;
  FakePeer peer(dir.path() / "12345678.sock");
  auto transport =
      SimSocketTransport::Connect(dir.path() / "12345678.sock", SimSocketTransport::Options{200ms});
  ASSERT_TRUE(transport.ok());
  UniqueFd conn = peer.Accept();
  auto start = std::chrono::steady_clock::now();
  auto r = (*transport)->Transmit(HexOrDie("00fd0000"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kIoError);
  EXPECT_NE(r.status().message().find("timed out"), std::string::npos);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 200ms);
  auto after = (*transport)->Transmit(HexOrDie("00fd0000"));
  ASSERT_FALSE(after.ok());
  EXPECT_NE(after.status().message().find("lost"), std::string::npos) << after.status().message();
}

TEST(SimSocketTransport, AMuteReplyAndAClosedPeerAreIoErrors) {
  testing::TempDir dir;
  FakePeer peer(dir.path() / "12345678.sock");
  auto transport = SimSocketTransport::Connect(dir.path() / "12345678.sock");
  ASSERT_TRUE(transport.ok());
  UniqueFd conn = peer.Accept();
  // Answer the first command with a mute frame, then hang up.
  std::thread server([&conn] {
    std::uint8_t buf[64];
    [[maybe_unused]] ssize_t n = ::recv(conn.get(), buf, sizeof(buf), 0);
    const std::uint8_t mute[] = {0, 0};
    [[maybe_unused]] ssize_t m = ::send(conn.get(), mute, sizeof(mute), MSG_NOSIGNAL);
    n = ::recv(conn.get(), buf, sizeof(buf), 0);
    conn.Reset();
  });
  auto mute = (*transport)->Transmit(HexOrDie("00fd0000"));
  ASSERT_FALSE(mute.ok());
  EXPECT_NE(mute.status().message().find("mute"), std::string::npos);
  auto closed = (*transport)->Transmit(HexOrDie("00fd0000"));
  server.join();
  ASSERT_FALSE(closed.ok());
  EXPECT_EQ(closed.status().code(), Code::kIoError);
}

TEST(SimSocketTransport, ListingARunDirectoryFindsOnlyTokenSockets) {
  testing::TempDir dir;
  FakePeer b(dir.path() / "87654321.sock");
  FakePeer a(dir.path() / "12345678.sock");
  FakePeer control(dir.path() / simsock::kControlSocketName);
  FakePeer odd(dir.path() / "not-a-serial.sock");
  std::ofstream(dir.path() / "11111111.sock") << "a plain file, not a socket";
  auto entries = ListSimSockets(dir.path());
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[0].serial, 12345678u);
  EXPECT_EQ((*entries)[1].serial, 87654321u);
  EXPECT_EQ((*entries)[1].path, dir.path() / "87654321.sock");

  auto none = ListSimSockets(dir.path() / "missing");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

}  // namespace
}  // namespace tessera::host
