// The card manager of a real tessera-sim token, driven by the host's
// CardManagerClient over the socket, with an eye on the wire: a replayed or
// reordered protected command and a tampered MAC are refused (6982), the
// channel closes, and the token's keys are unchanged; the channel context
// keys PUT KEY data. Factory keys only, so no HSM is needed here.
#include <gtest/gtest.h>

#include "common/card_manager_constants.hpp"
#include "common/scp03/key_set.hpp"
#include "host/card/apdu_channel.hpp"
#include "host/card/card_manager_client.hpp"
#include "tests/integration/sim_harness.hpp"

namespace tessera::testing {
namespace {

// Forwards to the token and remembers every command, so a test can send one
// again or a tampered copy.
class RecordingTransport final : public host::Transport {
 public:
  explicit RecordingTransport(host::Transport& inner) : inner_(inner) {}
  Result<Bytes> Transmit(ByteView command) override {
    sent.emplace_back(command.begin(), command.end());
    return inner_.Transmit(command);
  }
  Result<Bytes> Atr() override { return inner_.Atr(); }
  Status PowerOn() override { return inner_.PowerOn(); }
  Status PowerOff() override { return inner_.PowerOff(); }
  Status Reset() override { return inner_.Reset(); }
  std::string Describe() const override { return inner_.Describe(); }
  bool SupportsExtendedLength() const override { return inner_.SupportsExtendedLength(); }

  std::vector<Bytes> sent;

 private:
  host::Transport& inner_;
};

class CardManagerSimTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto sim = SimProcess::Start(dir_.path() / "state", dir_.path() / "run");
    ASSERT_TRUE(sim.ok()) << sim.status().ToString();
    sim_ = std::move(*sim);
    auto transport = sim_->Connect(sim_->Serials().front());
    ASSERT_TRUE(transport.ok()) << transport.status().ToString();
    transport_ = std::move(*transport);
    recorder_ = std::make_unique<RecordingTransport>(*transport_);
    channel_ = std::make_unique<host::ApduChannel>(*recorder_);
    client_ = std::make_unique<host::CardManagerClient>(*channel_);
    ASSERT_TRUE(client_->Select().ok());
  }

  Status OpenFactoryChannel(std::uint8_t level) {
    auto keys = scp03::StaticKeysFromBase(scp03::FactoryBaseKey());
    if (!keys.ok()) return keys.status();
    return client_->OpenChannel(scp03::kFactoryKvn, *keys, level);
  }

  std::uint16_t RawSw(const Bytes& command) {
    auto answer = transport_->Transmit(command);
    EXPECT_TRUE(answer.ok());
    if (!answer.ok() || answer->size() < 2) return 0;
    return static_cast<std::uint16_t>((*answer)[answer->size() - 2] << 8 | answer->back());
  }

  // The token still holds exactly the factory key set.
  void ExpectUnchanged() {
    client_->CloseChannel();  // the token closed it; read without one
    auto keys = client_->GetKeyInfo();
    ASSERT_TRUE(keys.ok()) << keys.status().ToString();
    ASSERT_EQ(keys->size(), 1u);
    EXPECT_EQ((*keys)[0].kvn, scp03::kFactoryKvn);
    auto status = client_->GetStatus();
    ASSERT_TRUE(status.ok());
    EXPECT_EQ(status->lifecycle, static_cast<std::uint8_t>(cm::Lifecycle::kManufactured));
  }

  TempDir dir_{"tessera-cm"};
  std::unique_ptr<SimProcess> sim_;
  std::unique_ptr<host::SimSocketTransport> transport_;
  std::unique_ptr<RecordingTransport> recorder_;
  std::unique_ptr<host::ApduChannel> channel_;
  std::unique_ptr<host::CardManagerClient> client_;
};

TEST_F(CardManagerSimTest, ReplayedCommandFailsTheMacAndClosesTheChannel) {
  ASSERT_TRUE(OpenFactoryChannel(0x33).ok());
  ASSERT_TRUE(client_->GetUid().ok());  // one protected GET DATA
  const Bytes protected_get_data = recorder_->sent.back();
  ASSERT_EQ(protected_get_data[0], cm::kClaSecure);
  EXPECT_EQ(RawSw(protected_get_data), 0x6982);
  // The channel is gone: even a fresh, correctly MAC'd command is refused.
  EXPECT_EQ(client_->GetUid().status().code(), Code::kSecurityStatus);
  ExpectUnchanged();
}

TEST_F(CardManagerSimTest, ReorderedCommandsFailTheMac) {
  ASSERT_TRUE(OpenFactoryChannel(0x13).ok());
  ASSERT_TRUE(client_->GetUid().ok());
  const Bytes first = recorder_->sent.back();
  ASSERT_TRUE(client_->GetStatus().ok());
  const Bytes second = recorder_->sent.back();
  // Reopen and send the second command first: its MAC chains from the first.
  ASSERT_TRUE(OpenFactoryChannel(0x13).ok());
  EXPECT_EQ(RawSw(second), 0x6982);
  EXPECT_EQ(RawSw(first), 0x6982);
  ExpectUnchanged();
}

TEST_F(CardManagerSimTest, TamperedMacOrHeaderIsRefused) {
  ASSERT_TRUE(OpenFactoryChannel(0x33).ok());
  ASSERT_TRUE(client_->GetUid().ok());
  // CLA INS P1 P2 Lc MAC(8) Le: a protected GET DATA.
  const Bytes original = recorder_->sent.back();
  ASSERT_EQ(original.size(), 14u);
  for (std::size_t index : {std::size_t{2}, std::size_t{3}, std::size_t{5}, std::size_t{12}}) {
    SCOPED_TRACE("byte " + std::to_string(index));
    ASSERT_TRUE(OpenFactoryChannel(0x33).ok());
    ASSERT_TRUE(client_->GetUid().ok());
    Bytes tampered = recorder_->sent.back();
    tampered[index] ^= 0x01;
    EXPECT_EQ(RawSw(tampered), 0x6982);
    ExpectUnchanged();
  }
}

TEST_F(CardManagerSimTest, PlainCommandsInsideAChannelAreRefused) {
  ASSERT_TRUE(OpenFactoryChannel(0x01).ok());
  // GET CHALLENGE without secure messaging.
  EXPECT_EQ(RawSw(Bytes{cm::kClaGp, cm::ins::kGetChallenge, 0x00, 0x00, 0x10}), 0x6982);
  EXPECT_EQ(client_->GetUid().status().code(), Code::kSecurityStatus);
}

// channel_context() is what an HSM derives the channel's S-DEK from: key
// data wrapped under SessionDekFromStatic(K-DEK, context) personalizes the
// token (docs/card-manager.md "Session keys").
TEST_F(CardManagerSimTest, ChannelContextKeysThePutKeyData) {
  EXPECT_EQ(client_->channel_context(), nullptr);
  ASSERT_TRUE(OpenFactoryChannel(0x33).ok());
  const Bytes* context = client_->channel_context();
  ASSERT_NE(context, nullptr);
  ASSERT_EQ(context->size(), 16u);
  // INITIALIZE UPDATE, then EXTERNAL AUTHENTICATE: CLA INS P1 P2 Lc host challenge Le.
  const Bytes& initialize_update = recorder_->sent[recorder_->sent.size() - 2];
  ASSERT_EQ(initialize_update[1], cm::ins::kInitializeUpdate);
  EXPECT_EQ(ToHex(ByteView(*context).first(8)), ToHex(ByteView(initialize_update).subspan(5, 8)));

  const auto factory = scp03::FactoryBaseKey();
  auto k_dek = scp03::StaticKeyFromBase(factory, scp03::KeyRole::kDek);
  ASSERT_TRUE(k_dek.ok());
  auto s_dek = scp03::SessionDekFromStatic(k_dek->view(), *context);
  ASSERT_TRUE(s_dek.ok());
  const Bytes krk(32, 0xA1);
  const Bytes mk(32, 0xB1);
  std::vector<host::PutKeyEntry> entries;
  for (const Bytes& key : {krk, mk}) {
    auto encrypted = scp03::EncryptKeyData(s_dek->view(), key);
    auto kcv = scp03::KeyCheckValue(key);
    ASSERT_TRUE(encrypted.ok() && kcv.ok());
    entries.push_back(host::PutKeyEntry{*encrypted, *kcv});
  }
  ASSERT_TRUE(client_->PutKeys(0x00, 0x80 | cm::kKeyIdKrk, 0x01, entries).ok());
  EXPECT_EQ(client_->channel_context(), nullptr) << "the channel closed with the new keys";
  auto status = client_->GetStatus();
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->lifecycle, static_cast<std::uint8_t>(cm::Lifecycle::kPersonalized));
}

TEST_F(CardManagerSimTest, UidAndSerialNeedNoAuthentication) {
  auto uid = client_->GetUid();
  ASSERT_TRUE(uid.ok());
  EXPECT_EQ(uid->size(), cm::kUidLength);
  auto serial = client_->GetSerial();
  ASSERT_TRUE(serial.ok());
  EXPECT_EQ(*serial, sim_->Serials().front());
  ExpectUnchanged();
}

}  // namespace
}  // namespace tessera::testing
