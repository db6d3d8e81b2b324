// Seed 001 with the tokens in PC/SC readers (issue 14): a private pcscd
// with vsmartcard's vpcd reader (tests/support/pcscd_harness.hpp),
// tessera-sim --vpcd putting the two tokens in the reader's slots 0 and 1,
// and every command that reaches a token run with TESSERA_TRANSPORTS=pcsc:
// personalization with the issuer key, `reg register`, `reg login`, `reg
// sync`, `reg call`. The test reads the token's registration keys (F5)
// through pcscd too (host::PcscTransport): once pcscd powers an idle card
// down, its simulator socket shows no card (docs/tessera-sim.md, "Power").
//
// SQLite only: PostgreSQL adds nothing to the transport, and the shared
// PostgreSQL server listens on the host's loopback, which the private
// network namespace the harness enters (as root) does not reach.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/piv/secret_keys.hpp"
#include "host/transport/pcsc/pcsc_transport.hpp"
#include "tests/integration/services/registration/reg_e2e_fixture.hpp"
#include "tests/support/pcsc_client.hpp"
#include "tests/support/pcscd_harness.hpp"

namespace tessera::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

class RegPcsc : public RegE2eTest {
 protected:
  void SetUp() override {
    if (std::optional<std::string> why = PrivatePcscd::WhyUnavailable()) GTEST_SKIP() << *why;
    // pcscd first: as root it moves this thread into a network namespace
    // of its own, which the simulator, tesserad and the tools then share.
    const std::filesystem::path dir = home().parent_path() / "pcscd";
    std::filesystem::create_directories(dir);
    auto pcscd = PrivatePcscd::Start(dir);
    ASSERT_TRUE(pcscd.ok()) << pcscd.status().message();
    pcscd_ = std::move(pcscd).value();
    // Token i (serial order) goes to vpcd's port + i: the reader's slot i.
    RegWorld world;
    world.sim_args = {"--vpcd", "127.0.0.1:" + std::to_string(pcscd_->port())};
    world.transports = "pcsc";
    ASSERT_NO_FATAL_FAILURE(Bring(world));
    for (int slot : {0, 1}) {
      Result<Bytes> atr = WaitForCard(PrivatePcscd::ReaderName(slot), true, 30s);
      ASSERT_TRUE(atr.ok()) << atr.status().message() << "\n" << pcscd_->Log();
    }
  }

  void TearDown() override {
    RegE2eTest::TearDown();  // tesserad, then the simulator, before pcscd
    if (pcscd_ != nullptr) {
      if (!Serials().empty()) StopSim();
      pcscd_.reset();
    }
  }

  // The registration keys of the token in the reader's `slot`, over pcscd.
  std::vector<host::SecretKeyInfo> KeysOverPcsc(int slot) {
    auto transport = host::PcscTransport::Connect(PrivatePcscd::ReaderName(slot));
    EXPECT_TRUE(transport.ok()) << transport.status().ToString();
    if (!transport.ok()) return {};
    host::ApduChannel channel(**transport);
    host::PivClient piv(channel);
    EXPECT_TRUE(piv.Select().ok());
    auto keys = piv.ListSecretKeys();
    EXPECT_TRUE(keys.ok()) << keys.status().ToString();
    std::vector<host::SecretKeyInfo> out;
    for (const auto& k : keys.ok() ? *keys : std::vector<host::SecretKeyInfo>{}) {
      if ((k.usage & piv::secret::usage::kRegistration) != 0) out.push_back(k);
    }
    return out;
  }

  std::unique_ptr<PrivatePcscd> pcscd_;
};

TEST_F(RegPcsc, RegisterLoginSyncCallThroughPcscd) {
  const std::uint32_t token = serials_[0];  // the reader's slot 0
  const RunResult registered = Register(token, "alice", Code("alice"));
  ASSERT_EQ(registered.exit_code, 0) << registered.Describe() << pcscd_->Log();
  const std::string uidc = json::parse(registered.out)["user_id_code"].get<std::string>();
  EXPECT_EQ(uidc.size(), 16u);
  const auto keys = KeysOverPcsc(0);
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(std::string(keys[0].label.begin(), keys[0].label.end()), "reg " + uidc);
  EXPECT_TRUE(KeysOverPcsc(1).empty());  // the other token was not touched
  EXPECT_EQ(Scalar("SELECT state FROM reg_registrations WHERE state = 'active'"), "active");
  EXPECT_EQ(Scalar("SELECT user_id_code FROM reg_users WHERE user_id = 'alice'"), uidc);

  const RunResult login = Login(token);
  ASSERT_EQ(login.exit_code, 0) << login.Describe();
  EXPECT_EQ(json::parse(login.out)["user_id_code"], uidc);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM reg_sessions WHERE state = 'open'"), "1");

  Ok({"reg", "entitlement", "grant", "alice", "echo", "--path", "/echo"});
  const RunResult sync = Reg({"sync", "--json"});
  ASSERT_EQ(sync.exit_code, 0) << sync.Describe();
  const json applied = json::parse(sync.out);
  ASSERT_EQ(applied["applications"].size(), 1u);
  EXPECT_EQ(applied["applications"][0]["name"], "echo");
  EXPECT_TRUE(std::filesystem::exists(home() / "reg" / "client.json"));

  const RunResult call = Reg({"call", "echo", "/echo", "--query", "via=pcsc", "--json"});
  ASSERT_EQ(call.exit_code, 0) << call.Describe();
  const json reply = json::parse(call.out);
  EXPECT_EQ(reply["status"], 200);
  const json echoed = json::parse(reply["body"].get<std::string>());
  EXPECT_EQ(echoed["path"], "/echo");
  EXPECT_NE(echoed.dump().find("via=pcsc"), std::string::npos) << echoed.dump();
  EXPECT_NE(echoed.dump().find(uidc), std::string::npos) << echoed.dump();
  // Two sealed requests taken: sync (1) and call (2).
  EXPECT_EQ(Scalar("SELECT c2s_seq FROM reg_sessions WHERE state = 'open'"), "2");

  const RunResult logout = Reg({"logout"});
  EXPECT_EQ(logout.exit_code, 0) << logout.Describe();
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM reg_sessions WHERE state = 'open'"), "0");
}

}  // namespace
}  // namespace tessera::testing
