// Seed 001 end to end through the real binaries (issue 14): tesserad with
// the ca and registration services, SoftHSM2, tessera-sim tokens
// personalized with the issuer key, the tessera-demo-app behind the
// gateway, and the `tessera reg` commands over the sim socket; on SQLite
// and on PostgreSQL. The flow: register, log in, sync, call; then revoke
// the entitlement and see the call refused while client.json stays usable.
// Refusals are checked for a clear error and for nothing stored: no new K
// on the token (F5), no active registration or spent code at the gateway.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "common/piv/secret_keys.hpp"
#include "host/card/apdu_channel.hpp"
#include "host/card/piv_client.hpp"
#include "tests/integration/services/http/tesserad_process.hpp"
#include "tests/integration/services/http/test_pki.hpp"
#include "tests/integration/services/keyman/keyman_steps.hpp"
#include "tests/integration/services/registration/demo_app_process.hpp"
#include "tests/support/postgres_server.hpp"

namespace tessera::testing {
namespace {

using nlohmann::json;

class RegE2e : public KeymanTest, public ::testing::WithParamInterface<std::string> {
 protected:
  std::size_t TokenCount() const override { return 2; }

  void SetUp() override {
    if (GetParam() == "postgresql") {
      directory_ = SharedPostgresServer().NewDatabase();
      ::setenv("TESSERA_DIRECTORY", directory_.c_str(), 1);
    }
    KeymanTest::SetUp();
    ASSERT_NO_FATAL_FAILURE(Ceremony(*this, {1}));
    Ok({"ca", "init", "--hsm", "as", "--name", "issuer", "--key", "p256"});
    const RunResult init = Ok({"reg", "init", "--hsm", "as", "--ca", "issuer", "--json"});
    const json answer = json::parse(init.out);
    issuer_pem_ = Write("issuer.pem", answer["issuer_certificate"].get<std::string>());
    Ok({"personalize", "--hsm", "as", "--all", "--mk-version", "1", "--issuer-key", issuer_pem_});
    Ok({"cms", "user", "add", "--id", "alice", "--name", "Alice Example"});
    Ok({"cms", "user", "add", "--id", "bob", "--name", "Bob Example"});
    pin_file_ = Write("pin", "123456\n");
    ::chmod(pin_file_.c_str(), 0600);

    for (const char* d : {"pki", "app", "tesserad", "run"})
      std::filesystem::create_directories(home() / d);
    pki_ = MakeTestPki(home() / "pki");
    ASSERT_TRUE(pki_.error.empty()) << pki_.error;
    app_ = std::make_unique<DemoAppProcess>(TESSERA_DEMO_APP_BINARY, home() / "app");
    ASSERT_TRUE(app_->WaitReady()) << app_->Stderr();
    Ok({"reg", "app", "add", "echo", "--url", app_->base_url(), "--setting", "timeout_ms=5000"});

    std::vector<std::string> args = {
        "--listen",      "127.0.0.1:0",    "--tls-cert",    pki_.server_cert, "--tls-key",
        pki_.server_key, "--home",         home().string(), "--hsm",          "as",
        "--services",    "ca,registration"};
    if (!directory_.empty()) args.insert(args.end(), {"--directory", directory_});
    daemon_ = std::make_unique<TesseradProcess>(args, home() / "tesserad");
    ASSERT_TRUE(daemon_->WaitListening(1)) << daemon_->Stderr();
    serials_ = Serials();
    ASSERT_EQ(serials_.size(), 2u);
  }

  void TearDown() override {
    daemon_.reset();
    app_.reset();
    ::unsetenv("TESSERA_DIRECTORY");
  }

  std::string Write(const std::string& name, const std::string& text) const {
    const std::filesystem::path path = home() / name;
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
  }

  std::vector<std::string> Env() const {
    return {"TESSERA_REG_SESSION=" + (home() / "run" / "reg-session.json").string()};
  }
  RunResult Reg(std::vector<std::string> args) const {
    args.insert(args.begin(), "reg");
    return Tessera(args, Env());
  }
  RunResult Ok(const std::vector<std::string>& args) const {
    RunResult r = Tessera(args, Env());
    EXPECT_EQ(r.exit_code, 0) << r.Describe();
    return r;
  }
  std::vector<std::string> Server() const {
    return {"--server", "https://127.0.0.1:" + std::to_string(daemon_->PortOf("https://")),
            "--ca-file", pki_.ca_cert};
  }
  std::string Code(const std::string& user) const {
    const RunResult r = Ok({"reg", "code", "issue", "--user", user, "--json"});
    return r.exit_code == 0 ? json::parse(r.out)["code"].get<std::string>() : "";
  }
  RunResult Register(std::uint32_t token, const std::string& user, const std::string& code) {
    std::vector<std::string> args = {"register", "--token", std::to_string(token),
                                     "--user",   user,      "--pin-file",
                                     pin_file_,  "--json"};
    if (!code.empty()) args.insert(args.end(), {"--code", code});
    const std::vector<std::string> server = Server();
    args.insert(args.end(), server.begin(), server.end());
    return Reg(args);
  }
  RunResult Login(std::uint32_t token) {
    std::vector<std::string> args = {"login",      "--token", std::to_string(token),
                                     "--pin-file", pin_file_, "--json"};
    const std::vector<std::string> server = Server();
    args.insert(args.end(), server.begin(), server.end());
    return Reg(args);
  }

  // The token's registration keys (F5), through the host's PIV client.
  std::vector<host::SecretKeyInfo> RegistrationKeys(std::uint32_t serial) {
    auto transport = sim().Connect(serial);
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

  std::string directory_;
  std::string issuer_pem_, pin_file_;
  TestPki pki_;
  std::unique_ptr<DemoAppProcess> app_;
  std::unique_ptr<TesseradProcess> daemon_;
  std::vector<std::uint32_t> serials_;
};

TEST_P(RegE2e, RegisterLoginSyncCallThenRevoke) {
  const std::uint32_t token = serials_[0];
  const RunResult registered = Register(token, "alice", Code("alice"));
  ASSERT_EQ(registered.exit_code, 0) << registered.Describe();
  const json reg = json::parse(registered.out);
  const std::string uidc = reg["user_id_code"].get<std::string>();
  EXPECT_EQ(uidc.size(), 16u);
  const auto keys = RegistrationKeys(token);
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(std::string(keys[0].label.begin(), keys[0].label.end()), "reg " + uidc);

  const RunResult login = Login(token);
  ASSERT_EQ(login.exit_code, 0) << login.Describe();
  EXPECT_EQ(json::parse(login.out)["user_id_code"], uidc);

  Ok({"reg", "entitlement", "grant", "alice", "echo", "--path", "/echo"});
  const RunResult sync = Reg({"sync", "--json"});
  ASSERT_EQ(sync.exit_code, 0) << sync.Describe();
  const json applied = json::parse(sync.out);
  ASSERT_EQ(applied["applications"].size(), 1u);
  EXPECT_EQ(applied["applications"][0]["name"], "echo");
  EXPECT_EQ(applied["applications"][0]["settings"]["timeout_ms"], 5000);
  EXPECT_TRUE(std::filesystem::exists(home() / "reg" / "client.json"));

  const RunResult call = Reg({"call", "echo", "/echo", "--query", "x=1", "--json"});
  ASSERT_EQ(call.exit_code, 0) << call.Describe();
  const json reply = json::parse(call.out);
  EXPECT_EQ(reply["status"], 200);
  const json echoed = json::parse(reply["body"].get<std::string>());
  EXPECT_EQ(echoed["path"], "/echo");
  EXPECT_NE(echoed.dump().find(uidc), std::string::npos) << echoed.dump();
  // A path outside the entitlement never leaves the client.
  const RunResult outside = Reg({"call", "echo", "/time"});
  EXPECT_NE(outside.exit_code, 0);
  EXPECT_NE(outside.err.find("does not cover"), std::string::npos) << outside.err;

  // Revoked: the gateway refuses the next call; client.json stays as it was.
  Ok({"reg", "entitlement", "revoke", "alice", "echo"});
  const RunResult refused = Reg({"call", "echo", "/echo"});
  EXPECT_EQ(refused.exit_code, 1) << refused.Describe();
  EXPECT_NE(refused.err.find("403"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("not entitled"), std::string::npos) << refused.err;
  EXPECT_TRUE(std::filesystem::exists(home() / "reg" / "client.json"));
  // After sync the document is newer and lists nothing.
  const RunResult resync = Reg({"sync", "--json"});
  ASSERT_EQ(resync.exit_code, 0) << resync.Describe();
  EXPECT_GT(json::parse(resync.out)["version"].get<int>(), applied["version"].get<int>());
  EXPECT_TRUE(json::parse(resync.out)["applications"].empty());

  const RunResult logout = Reg({"logout"});
  EXPECT_EQ(logout.exit_code, 0) << logout.Describe();
  const RunResult after = Reg({"sync"});
  EXPECT_NE(after.exit_code, 0);
  EXPECT_NE(after.err.find("reg login"), std::string::npos) << after.err;
}

TEST_P(RegE2e, RefusalsStoreNothing) {
  const std::uint32_t token = serials_[1];
  // No code, a wrong code, a code for another user: refused, no K stored.
  const std::string bobs = Code("bob");
  struct Case {
    std::string code, expect;
  };
  for (const Case& c : {Case{"", "needs an enrolment code"},
                        Case{"AAAAA-AAAAA-AAAAA-AAAAA", "not valid"}, Case{bobs, "another user"}}) {
    const RunResult r = Register(token, "alice", c.code);
    EXPECT_EQ(r.exit_code, 1) << r.Describe();
    EXPECT_NE(r.err.find("403"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(c.expect), std::string::npos) << r.err;
  }
  EXPECT_TRUE(RegistrationKeys(token).empty());
  // Logging in without a registration: the token has no key.
  const RunResult login = Login(token);
  EXPECT_EQ(login.exit_code, 1);
  EXPECT_NE(login.err.find("no registration key"), std::string::npos) << login.err;

  // A used code: the first registration works, the second is refused.
  const std::string code = Code("alice");
  ASSERT_EQ(Register(token, "alice", code).exit_code, 0);
  const RunResult again = Register(serials_[0], "alice", code);
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("has been used"), std::string::npos) << again.err;
  EXPECT_TRUE(RegistrationKeys(serials_[0]).empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, RegE2e, ::testing::Values("sqlite", "postgresql"));

}  // namespace
}  // namespace tessera::testing
