// Seed 001 end to end through the real binaries (issue 14): tesserad with
// the ca and registration services, SoftHSM2, tessera-sim tokens
// personalized with the issuer key, the tessera-demo-app behind the
// gateway, and the `tessera reg` commands over the sim socket; on SQLite
// and on PostgreSQL. The flow: register, log in, sync, call; then revoke
// the entitlement and see the call refused while client.json stays usable.
// Refusals are checked for a clear error and for nothing stored: no new K
// on the token (F5), no active registration or spent code at the gateway.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/integration/services/registration/reg_e2e_fixture.hpp"

namespace tessera::testing {
namespace {

using nlohmann::json;

class RegE2e : public RegE2eTest, public ::testing::WithParamInterface<std::string> {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(Bring(OnBackend(GetParam()))); }
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
