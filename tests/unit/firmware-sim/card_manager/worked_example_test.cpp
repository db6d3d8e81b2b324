// docs/card-manager.md "Test vectors", replayed against the token byte for
// byte: the applet behind a CardOs over MemoryStorage, with the example's
// UID and an Rng that hands out the example's UNLOCK challenge.
//
// The example keeps one channel under the factory base key for GET CHALLENGE
// and UNLOCK, which a real token only accepts once PERSONALIZED, where the
// factory key is gone. The state is therefore written directly: PERSONALIZED
// with the MK set to the factory base key under KVN FF and the KRK 60..7F
// under KVN 01. First, the INITIALIZE UPDATE and EXTERNAL AUTHENTICATE part
// runs on a genuinely new (MANUFACTURED) card manager.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "common/scp03/key_set.hpp"
#include "firmware-sim/applets/card_manager/card_manager_applet.hpp"
#include "firmware-sim/os/card_os.hpp"
#include "firmware-sim/os/clock.hpp"
#include "firmware-sim/os/storage.hpp"

namespace tessera::sim {
namespace {

// Hands out 10 11 12 .. and on, the example's GET CHALLENGE answer.
class CountingRng final : public Rng {
 public:
  void Fill(std::span<std::uint8_t> out) override {
    for (std::uint8_t& b : out) b = next_++;
  }

 private:
  std::uint8_t next_ = 0x10;
};

struct Exchange {
  const char* name;
  const char* command;
  const char* answer;  // data and SW
};

class CardManagerWorkedExample : public ::testing::Test {
 protected:
  CardManagerWorkedExample() {
    ctx_.storage = &storage_;
    ctx_.rng = &rng_;
    ctx_.clock = &clock_;
    ctx_.latency = &latency_;
    ctx_.serial = 1;
    ctx_.uid = HexOrDie("303132333435363738393a3b3c3d3e3f");
  }

  void Boot() {
    std::vector<std::unique_ptr<Applet>> applets;
    applets.push_back(std::make_unique<CardManagerApplet>(ctx_));
    card_ = std::make_unique<CardOs>(std::move(applets));
  }

  void Replay(std::initializer_list<Exchange> exchanges) {
    for (const Exchange& e : exchanges) {
      SCOPED_TRACE(e.name);
      std::optional<Bytes> answer = card_->Transmit(HexOrDie(e.command));
      ASSERT_TRUE(answer.has_value());
      EXPECT_EQ(ToHex(*answer), ToHex(HexOrDie(e.answer)));
    }
  }

  MemoryStorage storage_;
  CountingRng rng_;
  FakeClock clock_;
  LatencyModel latency_ = LatencyModel::None();
  TokenContext ctx_;
  std::unique_ptr<CardOs> card_;
};

constexpr Exchange kSelect = {"SELECT", "00a404000af054455353455241434d00",
                              "6f0c840af054455353455241434d 9000"};
constexpr Exchange kInitializeUpdate = {
    "INITIALIZE UPDATE", "8050ff0008a0a1a2a3a4a5a6a700",
    "30313233343536373839 ff0370 808cda4d57265bf9 7d70900ee53c9d5b 000001 9000"};
constexpr Exchange kExternalAuthenticate = {"EXTERNAL AUTHENTICATE",
                                            "8482330010e46a38a20fef61236c5411879e812c1a", "9000"};

TEST_F(CardManagerWorkedExample, ANewCardManagerOpensTheExampleChannel) {
  Transaction txn;
  CardManagerApplet::Manufacture(txn);
  ASSERT_TRUE(storage_.Commit(txn).ok());
  Boot();
  Replay({kSelect, kInitializeUpdate, kExternalAuthenticate});
}

TEST_F(CardManagerWorkedExample, TheWholeExchangeReplaysByteForByte) {
  Transaction txn;
  txn.Put("cm/lifecycle", HexOrDie("0f"));
  txn.Put("cm/sequence", HexOrDie("000000"));
  txn.Put("cm/krk-tries", HexOrDie("05"));
  auto factory = scp03::FactoryBaseKey();
  txn.Put("cm/key/02", Concat({HexOrDie("ff"), factory}));
  txn.Put("cm/key/01",
          HexOrDie("01 606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"));
  ASSERT_TRUE(storage_.Commit(txn).ok());
  Boot();
  Replay({
      kSelect,
      kInitializeUpdate,
      kExternalAuthenticate,
      {"GET CHALLENGE", "84840000086b7d7b1436d6c7f500",
       "db0747f27337ed001d9e9f8c6864c8cf f8800848cf9f46ffee62804a7105cff5 0f66c934068c723f 9000"},
      {"UNLOCK",
       "845a010028 389236c0edac909ac406d94510466cce a9326a90694ea33352447726752338fe "
       "f6ea8747f225594a",
       "bf001584dbe54a1f 9000"},
      {"GET DATA DF31, plain", "80cadf3100", "df31031f0505 9000"},
  });
}

}  // namespace
}  // namespace tessera::sim
