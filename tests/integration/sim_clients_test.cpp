// Socket clients that misbehave, and many clients at once: none of them may
// disturb another client or leave the token in a broken state.
#include <atomic>
#include <thread>

#include "tests/integration/sim_test_fixture.hpp"

namespace tessera::testing {
namespace {

// GET DATA of the attestation certificate (5FFF01): longer than 256 bytes,
// so the card answers 61xx and keeps the rest for GET RESPONSE.
constexpr std::string_view kGetAttestationCert = "00cb3fff055c035fff0100";
constexpr std::string_view kGetResponse = "00c0000000";

TEST_F(SimTest, AHalfFrameFromAClientThatLeavesDoesNotDisturbAnother) {
  ASSERT_NO_FATAL_FAILURE(StartSim());
  std::uint32_t serial = OnlySerial();
  auto transport = Connect(serial);
  ASSERT_NE(transport, nullptr);
  PivClient piv(*transport);
  ASSERT_TRUE(piv.Select().ok());
  ASSERT_EQ(piv.VerifyPin(piv::kDefaultPin).value(), 0x9000);

  {
    auto rude = RawClient::Connect(sim_->SocketPath(serial));
    ASSERT_TRUE(rude.ok());
    // A header announcing 10 bytes, then 4 of them, then gone.
    ASSERT_TRUE(rude->Write(HexOrDie("000a00a40400")).ok());
  }
  auto half_header = RawClient::Connect(sim_->SocketPath(serial));
  ASSERT_TRUE(half_header.ok());
  ASSERT_TRUE(half_header->Write(HexOrDie("00")).ok());
  half_header->Close();

  EXPECT_EQ(piv.VerifyPin("").value(), 0x9000) << "still selected and verified";
  auto card_serial = piv.Serial();
  ASSERT_TRUE(card_serial.ok());
  EXPECT_EQ(*card_serial, serial);
}

TEST_F(SimTest, AClientThatLeavesBeforeReadingItsReplyLeaksNothingToAnother) {
  ASSERT_NO_FATAL_FAILURE(StartSim());
  std::uint32_t serial = OnlySerial();
  auto leaver = RawClient::Connect(sim_->SocketPath(serial));
  ASSERT_TRUE(leaver.ok());
  auto transport = Connect(serial);
  ASSERT_NE(transport, nullptr);
  PivClient piv(*transport);
  ASSERT_TRUE(piv.Select().ok());

  // Sanity: the object really is split over GET RESPONSE (and this client
  // fetches its own remainder, so nothing of its own is pending).
  auto first = transport->Transmit(HexOrDie(kGetAttestationCert));
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->at(first->size() - 2), 0x61) << ToHex(*first);
  auto rest = transport->Transmit(HexOrDie(kGetResponse));
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(ToHex(ByteView(*rest).last(2)), "9000");

  ASSERT_TRUE(leaver->WriteFrame(HexOrDie(kGetAttestationCert)).ok());
  leaver->Close();

  auto stolen = transport->Transmit(HexOrDie(kGetResponse));
  ASSERT_TRUE(stolen.ok());
  EXPECT_EQ(ToHex(*stolen), "6985") << "the leaver's pending data was dropped";
  ASSERT_TRUE(piv.Select().ok());
  auto card_serial = piv.Serial();
  ASSERT_TRUE(card_serial.ok());
  EXPECT_EQ(*card_serial, serial);
}

TEST_F(SimTest, MalformedApdusAnswer6700AndTheTokenStaysUsable) {
  ASSERT_NO_FATAL_FAILURE(StartSim());
  auto transport = Connect(OnlySerial());
  ASSERT_NE(transport, nullptr);
  auto raw = RawClient::Connect(sim_->SocketPath(OnlySerial()));
  ASSERT_TRUE(raw.ok());
  struct Case {
    std::string_view apdu;
    std::string_view sw;
  };
  const Case cases[] = {
      {"00a404", "6700"},                    // 3 bytes: no full header
      {"00a4040005a0000003", "6700"},        // Lc 5, only 4 data bytes
      {"00a4040002a0000003", "6700"},        // Lc 2, then 2 extra bytes
      {"00a40400000005a000", "6700"},        // extended Lc 5, 2 data bytes
      {"00a4040005a00000030800ff", "6700"},  // trailing garbage after Le
  };
  for (const Case& c : cases) {
    ASSERT_TRUE(raw->WriteFrame(HexOrDie(c.apdu)).ok());
    auto reply = raw->ReadFrame();
    ASSERT_TRUE(reply.ok()) << c.apdu;
    EXPECT_EQ(ToHex(*reply), c.sw) << c.apdu;
  }
  PivClient piv(*transport);
  ASSERT_TRUE(piv.Select().ok());
  auto version = piv.Version();
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(ToHex(*version), "050702");
}

TEST_F(SimTest, AGarbageFrameClosesOnlyThatClient) {
  ASSERT_NO_FATAL_FAILURE(StartSim());
  std::uint32_t serial = OnlySerial();
  auto transport = Connect(serial);
  ASSERT_NE(transport, nullptr);
  PivClient piv(*transport);
  ASSERT_TRUE(piv.Select().ok());

  for (std::string_view garbage : {"0000", "000109", "000103"}) {
    auto raw = RawClient::Connect(sim_->SocketPath(serial));
    ASSERT_TRUE(raw.ok());
    ASSERT_TRUE(raw->Write(HexOrDie(garbage)).ok());
    EXPECT_TRUE(raw->ClosedByServer()) << "empty frame or unknown control code: " << garbage;
  }
  auto card_serial = piv.Serial();
  ASSERT_TRUE(card_serial.ok()) << "the well-behaved client is still served";
  EXPECT_EQ(*card_serial, serial);
}

TEST_F(SimTest, ClientsOfOneTokenAndOfSeveralTokensAreServedConcurrently) {
  ASSERT_NO_FATAL_FAILURE(StartSim({"--tokens", "3"}));
  std::vector<std::uint32_t> serials = sim_->Serials();
  ASSERT_EQ(serials.size(), 3u);
  constexpr int kClientsPerToken = 3;
  constexpr int kRounds = 40;
  std::atomic<int> wrong{0};
  std::atomic<int> done{0};
  std::vector<std::thread> threads;
  for (std::uint32_t serial : serials) {
    for (int c = 0; c < kClientsPerToken; ++c) {
      threads.emplace_back([&, serial] {
        auto transport = sim_->Connect(serial);
        if (!transport.ok()) {
          ++wrong;
          return;
        }
        PivClient piv(**transport);
        for (int i = 0; i < kRounds; ++i) {
          // SELECT then GET SERIAL: another client's SELECT in between is
          // harmless, but an answer meant for another client would show.
          auto selected = piv.Select();
          auto got = piv.Serial();
          if (!selected.ok() || !got.ok() || *got != serial) ++wrong;
          ++done;
        }
      });
    }
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(done.load(), 3 * kClientsPerToken * kRounds);
}

}  // namespace
}  // namespace tessera::testing
