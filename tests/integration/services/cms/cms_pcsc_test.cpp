// Seed 000 with the tokens in PC/SC readers (issue 13: "one flow runs
// through pcscd and vpcd"): a private pcscd with vsmartcard's vpcd reader
// (tests/support/pcscd_harness.hpp), tessera-sim --vpcd putting the officer's
// token in the reader's slot 0 and the first user's in slot 1, and every
// step on the officer's and the user's side with TESSERA_TRANSPORTS=pcsc, so
// the PKCS#11 module reaches the tokens only through pcscd: the station
// registers the token (transport "pcsc"), the officer binds it, the user
// activates it and signs with 9C through pkcs11-tool, OpenSSL verifies.
// The officer's key is made over PC/SC too: once pcscd powers an idle card
// down, its simulator socket shows no card (docs/tessera-sim.md, "Power").
//
// SQLite only: PostgreSQL adds nothing to the transport, and the shared
// PostgreSQL server listens on the host's loopback, which the private
// network namespace the harness enters (as root) does not reach.
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "tests/integration/services/cms/cms_fixture.hpp"
#include "tests/support/pcsc_client.hpp"
#include "tests/support/pcscd_harness.hpp"

namespace tessera::testing {
namespace {

using namespace std::chrono_literals;

constexpr char kPcsc[] = "pcsc";

class CmsPcscTest : public CmsTest {
 protected:
  void SetUp() override {
    if (std::optional<std::string> why = PrivatePcscd::WhyUnavailable()) GTEST_SKIP() << *why;
    // pcscd first: as root it moves this thread into a network namespace of
    // its own, which the simulator, tesserad and the tools then share.
    std::filesystem::create_directories(dir_ / "pcscd");
    auto pcscd = PrivatePcscd::Start(dir_ / "pcscd");
    ASSERT_TRUE(pcscd.ok()) << pcscd.status().message();
    pcscd_ = std::move(pcscd).value();
    // Tokens go to vpcd in serial order, token i to PORT+i; vpcd has two
    // slots, so the officer's token (the lowest serial) and the first
    // user's are cards in readers; the third token stays on its socket.
    sim_extra_args_ = {"--vpcd", "127.0.0.1:" + std::to_string(pcscd_->port())};
    ASSERT_NO_FATAL_FAILURE(CmsTest::SetUp());
    for (int slot : {0, 1}) {
      Result<Bytes> atr = WaitForCard(PrivatePcscd::ReaderName(slot), true, 30s);
      ASSERT_TRUE(atr.ok()) << atr.status().message() << "\n" << pcscd_->Log();
    }
  }

  void TearDown() override {
    CmsTest::TearDown();  // tesserad and the simulator before pcscd
    pcscd_.reset();
  }

  // `args` then --server and --ca-file, with the module on PC/SC only.
  ToolResult OverPcsc(std::vector<std::string> args) const {
    for (const std::string& a : Server()) args.push_back(a);
    return CliOn(kPcsc, args);
  }

  std::unique_ptr<PrivatePcscd> pcscd_;
};

TEST_P(CmsPcscTest, RegisterBindActivateSignThroughPcscd) {
  const std::uint32_t token = user_tokens_[0];
  const std::string serial = std::to_string(token);
  const std::string officer = std::to_string(officer_token_);
  // The CMS host's administrative steps; the officer's key is made on the
  // officer's token in its reader.
  ToolResult user =
      Cli({"cms", "user", "add", "--id", "alice", "--name", "Alice Example", "--org", "Tessera",
           "--email", "alice@example.org", "--document", "P-123", "--directory", url_});
  ASSERT_EQ(user.exit_code, 0) << user.Describe();
  ToolResult added = CliOn(kPcsc, {"cms", "officer", "add", "--token", officer, "--id", "olivia",
                                   "--name", "Olivia Officer", "--hsm", "ca", "--ca", "root",
                                   "--pin-file", Path("pin"), "--directory", url_});
  ASSERT_EQ(added.exit_code, 0) << added.Describe() << pcscd_->Log();

  // The station reads the token in its reader.
  ToolResult registered = OverPcsc({"cms", "token", "register", "--token", serial});
  ASSERT_EQ(registered.exit_code, 0) << registered.Describe() << pcscd_->Log();
  EXPECT_NE(registered.out.find("token " + serial + " registered (pcsc"), std::string::npos)
      << registered.out;
  ToolResult shown = Cli({"cms", "token", "show", serial, "--json", "--directory", url_});
  ASSERT_EQ(shown.exit_code, 0) << shown.Describe();
  const auto json = nlohmann::json::parse(shown.out);
  EXPECT_EQ(json.value("transport", ""), "pcsc") << shown.out;
  EXPECT_EQ(json.value("state", ""), "inventory") << shown.out;

  // The officer's terminal: both tokens in readers.
  ToolResult bound = OverPcsc({"officer", "bind", "--user", "alice", "--token", serial,
                               "--document", "P-123", "--officer", "olivia", "--officer-token",
                               officer, "--pin-file", Path("pin"), "--yes"});
  ASSERT_EQ(bound.exit_code, 0) << bound.Describe();
  EXPECT_EQ(TokenState(token), "bound");
  ToolResult active = OverPcsc({"token", "activate", "--token", serial, "--pin-file", Path("pin")});
  ASSERT_EQ(active.exit_code, 0) << active.Describe();
  EXPECT_EQ(TokenState(token), "active");

  // The user signs with 9C through pkcs11-tool over PC/SC; OpenSSL checks
  // the chain and the signature against the certificate the CMS issued.
  std::ofstream(Path("data.txt")) << "signed by slot 9C through pcscd\n";
  ToolResult signature = SignWith9COn(kPcsc, token, "data.txt", "data.sig");
  ASSERT_EQ(signature.exit_code, 0) << signature.Describe();
  ASSERT_TRUE(ReadCertificateOn(kPcsc, token, "02", "user.pem"));
  ToolResult chain = RunTool({"openssl", "verify", "-CAfile", Path("root.pem"), Path("user.pem")});
  EXPECT_EQ(chain.exit_code, 0) << chain.Describe();
  EXPECT_NE(chain.out.find(": OK"), std::string::npos) << chain.out;
  ToolResult key = RunTool(
      {"openssl", "x509", "-in", Path("user.pem"), "-noout", "-pubkey", "-out", Path("user.pub")});
  ASSERT_EQ(key.exit_code, 0) << key.Describe();
  ToolResult verified = RunTool({"openssl", "dgst", "-sha256", "-verify", Path("user.pub"),
                                 "-signature", Path("data.sig"), Path("data.txt")});
  EXPECT_EQ(verified.exit_code, 0) << verified.Describe();
  EXPECT_NE(verified.out.find("Verified OK"), std::string::npos) << verified.out;
  // Another file: the same signature must not verify.
  std::ofstream(Path("other.txt")) << "not what was signed\n";
  ToolResult forged = RunTool({"openssl", "dgst", "-sha256", "-verify", Path("user.pub"),
                               "-signature", Path("data.sig"), Path("other.txt")});
  EXPECT_NE(forged.exit_code, 0) << forged.Describe();
}

// PostgreSQL adds nothing to the transport (see the header comment).
INSTANTIATE_TEST_SUITE_P(Backends, CmsPcscTest, ::testing::Values(CmsBackend::kSqlite),
                         [](const auto& test_param) { return CmsBackendName(test_param.param); });

}  // namespace
}  // namespace tessera::testing
