// The token pulled mid-exchange (issue 14), through tesserad and
// tessera-sim: the test drives the steps itself (host::PivClient on the
// token's socket, the CLI's HttpsClient to the gateway) and pulls the token
// with the simulator's control channel (remove, insert: power off, which
// loses what F3 held in volatile memory; tear: the power cut after N
// storage writes).
//   - between F3 01 and F3 02, before and after the gateway answered R1:
//     F3 02 is refused, the token holds no K (F5), the gateway's row stays
//     started or pending until maintenance expires it, and `reg register`
//     with the SAME code then works;
//   - the power cut during F3 02's writes: after the power cycle the token
//     holds no K or a whole one, never part of one;
//   - after F3 02 but before R3 reached the gateway (K on the token, the
//     gateway pending): the login fails, and `reg register` with the same
//     code replaces K in the same slot and works;
//   - between F3 03 and F3 04: the login fails, K is untouched, the
//     gateway's session stays in its handshake until it expires, and the
//     next login works.
// SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include <algorithm>
#include <ctime>
#include <nlohmann/json.hpp>

#include "common/registration/messages.hpp"
#include "common/registration/user_info.hpp"
#include "services/jose/jws.hpp"
#include "tests/integration/services/registration/reg_e2e_fixture.hpp"

namespace tessera::testing {
namespace {

using nlohmann::json;

std::uint64_t Now() { return static_cast<std::uint64_t>(std::time(nullptr)); }

Bytes UserInfoOf(const std::string& user, const std::string& code) {
  return registration::Encode(registration::UserInfo{user, code, ""}).value();
}

std::string Label(const host::SecretKeyInfo& key) { return {key.label.begin(), key.label.end()}; }

class RegPulled : public RegE2eTest, public ::testing::WithParamInterface<std::string> {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(Bring(OnBackend(GetParam())));
    Result<cli::HttpsClient> client = Client();
    ASSERT_TRUE(client.ok()) << client.status().ToString();
    http_ = std::make_unique<cli::HttpsClient>(std::move(client).value());
  }

  struct Started {
    std::string id;
    Bytes r0;
  };
  Started Start() {
    Result<json> a = http_->Json("POST", "/reg/registrations", json::object());
    EXPECT_TRUE(a.ok()) << a.status().ToString();
    if (!a.ok()) return {};
    return {(*a)["registration_id"].get<std::string>(),
            jose::Base64UrlDecode((*a)["server_hello"].get<std::string>()).value()};
  }
  // R1 -> R2 at the gateway.
  Bytes Exchange(const std::string& id, const Bytes& r1) {
    Result<json> a = http_->Json("POST", "/reg/registrations/" + id + "/exchange",
                                 {{"client_message", jose::Base64UrlEncode(r1)}});
    EXPECT_TRUE(a.ok()) << a.status().ToString();
    if (!a.ok()) return {};
    return jose::Base64UrlDecode((*a)["server_message"].get<std::string>()).value();
  }
  // Pulls the token out and puts it back; `link` (its old connection) is dropped.
  void Pull(std::uint32_t serial, std::optional<TokenLink>& link) {
    ASSERT_TRUE(Remove(serial));
    link.reset();
    ASSERT_TRUE(Insert(serial));
  }
  std::optional<TokenLink> Link(std::uint32_t serial) {
    Result<TokenLink> link = OpenToken(serial, true);
    EXPECT_TRUE(link.ok()) << link.status().ToString();
    if (!link.ok()) return std::nullopt;
    return std::move(link).value();
  }
  std::string RegistrationState(const std::string& id) const {
    return Scalar("SELECT state FROM reg_registrations WHERE id = '" + id + "'");
  }
  std::int64_t ExpiresAt(const std::string& table, const std::string& id) const {
    return std::stoll(Scalar("SELECT expires_at FROM " + table + " WHERE id = '" + id + "'"));
  }

  std::unique_ptr<cli::HttpsClient> http_;
};

TEST_P(RegPulled, BetweenF3BeginAndFinishNothingStoredAndTheSameCodeWorks) {
  const std::uint32_t token = serials_[0];
  const std::string code = Code("alice");

  // Pulled right after F3 01: R1 never reaches the gateway.
  const Started first = Start();
  ASSERT_FALSE(first.id.empty());
  std::optional<TokenLink> link = Link(token);
  ASSERT_TRUE(link);
  ASSERT_TRUE(link->piv->RegisterBegin(first.r0, Now(), UserInfoOf("alice", code)).ok());
  ASSERT_NO_FATAL_FAILURE(Pull(token, link));

  // Pulled after the gateway answered R1: the token lost SSK1 with the power.
  const Started second = Start();
  link = Link(token);
  ASSERT_TRUE(link);
  Result<Bytes> r1 = link->piv->RegisterBegin(second.r0, Now(), UserInfoOf("alice", code));
  ASSERT_TRUE(r1.ok()) << r1.status().ToString();
  ASSERT_NO_FATAL_FAILURE(Pull(token, link));
  const Bytes r2 = Exchange(second.id, *r1);
  ASSERT_FALSE(r2.empty());
  link = Link(token);
  ASSERT_TRUE(link);
  Result<host::RegistrationResult> finished = link->piv->RegisterFinish(r2);
  ASSERT_FALSE(finished.ok());
  EXPECT_EQ(finished.status().code(), Code::kConditionsNotSatisfied)
      << finished.status().ToString();
  link.reset();

  // No K on the token; the gateway's rows wait, nothing is spent.
  EXPECT_TRUE(RegistrationKeys(token).empty());
  EXPECT_EQ(RegistrationState(first.id), "started");
  EXPECT_EQ(RegistrationState(second.id), "pending");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM reg_codes WHERE used_at IS NOT NULL"), "0");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM reg_registrations WHERE state = 'active'"), "0");
  // Maintenance before the deadlines changes nothing; after them, both expire.
  const std::int64_t deadline =
      std::max(ExpiresAt("reg_registrations", first.id), ExpiresAt("reg_registrations", second.id));
  ASSERT_TRUE(MaintainAt(static_cast<std::int64_t>(Now())).ok());
  EXPECT_EQ(RegistrationState(first.id), "started");
  EXPECT_EQ(RegistrationState(second.id), "pending");
  const Status maintained = MaintainAt(deadline);
  ASSERT_TRUE(maintained.ok()) << maintained.ToString();
  EXPECT_EQ(RegistrationState(first.id), "expired");
  EXPECT_EQ(RegistrationState(second.id), "expired");

  // The same code, the whole way through the CLI.
  const RunResult again = Register(token, "alice", code);
  ASSERT_EQ(again.exit_code, 0) << again.Describe();
  const std::string uidc = json::parse(again.out)["user_id_code"].get<std::string>();
  const auto keys = RegistrationKeys(token);
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(Label(keys[0]), "reg " + uidc);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM reg_registrations WHERE state = 'active'"), "1");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM reg_codes WHERE used_at IS NOT NULL"), "1");
  const RunResult login = Login(token);
  EXPECT_EQ(login.exit_code, 0) << login.Describe();
}

TEST_P(RegPulled, PowerCutDuringF3FinishLeavesNoPartialK) {
  const std::uint32_t token = serials_[1];
  const std::string code = Code("bob");
  bool stored = false;
  int cut_before_k = 0;  // cuts that left no K
  // Cut after 0, 1, 2, ... storage writes of F3 02, until it completes.
  for (std::size_t writes = 0; writes < 12 && !stored; ++writes) {
    SCOPED_TRACE("cut after " + std::to_string(writes) + " writes");
    const Started s = Start();
    std::optional<TokenLink> link = Link(token);
    ASSERT_TRUE(link);
    Result<Bytes> r1 = link->piv->RegisterBegin(s.r0, Now(), UserInfoOf("bob", code));
    ASSERT_TRUE(r1.ok()) << r1.status().ToString();
    const Bytes r2 = Exchange(s.id, *r1);
    ASSERT_FALSE(r2.empty());
    ASSERT_TRUE(Tear(token, writes));
    Result<host::RegistrationResult> finished = link->piv->RegisterFinish(r2);
    link.reset();
    ASSERT_TRUE(PowerCycle(token));
    const auto keys = RegistrationKeys(token);
    if (finished.ok()) {
      // Fewer writes than the cut: K is there, whole. The fuse is still
      // armed (a power cycle keeps it): set it far beyond any use.
      ASSERT_EQ(keys.size(), 1u);
      ASSERT_TRUE(Tear(token, 1000000));
      stored = true;
    }
    // After the cut: no K, or K whole with its metadata (the transaction
    // committed just before the power went).
    ASSERT_LE(keys.size(), 1u);
    for (const auto& k : keys) {
      EXPECT_EQ(k.length, 32u);
      EXPECT_EQ(k.usage, piv::secret::usage::kRegistration);
      EXPECT_EQ(Label(k).rfind("reg U", 0), 0u) << Label(k);
      EXPECT_EQ(k.id.size(), 32u);
    }
    if (!keys.empty()) stored = true;
    if (keys.empty()) ++cut_before_k;
    EXPECT_EQ(RegistrationState(s.id), "pending");
  }
  EXPECT_TRUE(stored) << "F3 02 never completed within 12 writes";
  EXPECT_GE(cut_before_k, 1);
  // Whatever the cut left, the same code registers (replacing K in place).
  const RunResult again = Register(token, "bob", code);
  ASSERT_EQ(again.exit_code, 0) << again.Describe();
  EXPECT_EQ(RegistrationKeys(token).size(), 1u);
  EXPECT_EQ(Login(token).exit_code, 0);
}

TEST_P(RegPulled, AfterF3FinishBeforeConfirmTheRerunReplacesKInItsSlot) {
  const std::uint32_t token = serials_[0];
  const std::string code = Code("alice");
  const Started s = Start();
  std::optional<TokenLink> link = Link(token);
  ASSERT_TRUE(link);
  Result<Bytes> r1 = link->piv->RegisterBegin(s.r0, Now(), UserInfoOf("alice", code));
  ASSERT_TRUE(r1.ok()) << r1.status().ToString();
  const Bytes r2 = Exchange(s.id, *r1);
  Result<host::RegistrationResult> finished = link->piv->RegisterFinish(r2);
  ASSERT_TRUE(finished.ok()) << finished.status().ToString();
  // Pulled before R3 reached the gateway.
  ASSERT_NO_FATAL_FAILURE(Pull(token, link));
  const auto stale = RegistrationKeys(token);
  ASSERT_EQ(stale.size(), 1u);
  EXPECT_EQ(stale[0].slot, finished->slot);
  EXPECT_EQ(RegistrationState(s.id), "pending");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM reg_codes WHERE used_at IS NOT NULL"), "0");
  // The unconfirmed K does not log in.
  const RunResult refused = Login(token);
  EXPECT_EQ(refused.exit_code, 1) << refused.Describe();

  // The same code: the CLI finds the key of this gateway and replaces it.
  const RunResult again = Register(token, "alice", code);
  ASSERT_EQ(again.exit_code, 0) << again.Describe();
  const json outcome = json::parse(again.out);
  const auto keys = RegistrationKeys(token);
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].slot, finished->slot);
  EXPECT_EQ(keys[0].id, stale[0].id);
  EXPECT_EQ(Label(keys[0]), "reg " + outcome["user_id_code"].get<std::string>());
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM reg_registrations WHERE state = 'active'"), "1");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM reg_codes WHERE used_at IS NOT NULL"), "1");
  const RunResult login = Login(token);
  EXPECT_EQ(login.exit_code, 0) << login.Describe();
  // The abandoned registration still expires.
  ASSERT_TRUE(MaintainAt(ExpiresAt("reg_registrations", s.id)).ok());
  EXPECT_EQ(RegistrationState(s.id), "expired");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM reg_registrations WHERE state = 'active'"), "1");
}

TEST_P(RegPulled, BetweenF3AuthBeginAndFinishTheNextLoginWorks) {
  const std::uint32_t token = serials_[0];
  ASSERT_EQ(Register(token, "alice", Code("alice")).exit_code, 0);
  const auto before = RegistrationKeys(token);
  ASSERT_EQ(before.size(), 1u);

  std::optional<TokenLink> link = Link(token);
  ASSERT_TRUE(link);
  Result<Bytes> a1 = link->piv->AuthBegin(before[0].slot);
  ASSERT_TRUE(a1.ok()) << a1.status().ToString();
  Result<json> challenge =
      http_->Json("POST", "/reg/sessions", {{"client_message", jose::Base64UrlEncode(*a1)}});
  ASSERT_TRUE(challenge.ok()) << challenge.status().ToString();
  const std::string sid = (*challenge)["session_id"].get<std::string>();
  const Bytes a2 = jose::Base64UrlDecode((*challenge)["server_message"].get<std::string>()).value();
  ASSERT_NO_FATAL_FAILURE(Pull(token, link));
  link = Link(token);
  ASSERT_TRUE(link);
  Result<host::AuthResult> finished = link->piv->AuthFinish(before[0].slot, a2);
  ASSERT_FALSE(finished.ok());
  EXPECT_EQ(finished.status().code(), Code::kConditionsNotSatisfied)
      << finished.status().ToString();
  link.reset();

  // K untouched; the session never opened and expires.
  const auto after = RegistrationKeys(token);
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].slot, before[0].slot);
  EXPECT_EQ(after[0].id, before[0].id);
  EXPECT_EQ(after[0].label, before[0].label);
  EXPECT_EQ(Scalar("SELECT state FROM reg_sessions WHERE id = '" + sid + "'"), "handshake");
  ASSERT_TRUE(MaintainAt(ExpiresAt("reg_sessions", sid)).ok());
  EXPECT_EQ(Scalar("SELECT state FROM reg_sessions WHERE id = '" + sid + "'"), "closed");
  // A finish for it now: 409, the session is past its handshake.
  const Bytes a3 = registration::Encode(registration::AuthFinish{Bytes(32, 0x00)});
  Result<json> late = http_->Json("POST", "/reg/sessions/" + sid + "/finish",
                                  {{"client_message", jose::Base64UrlEncode(a3)}});
  ASSERT_FALSE(late.ok());
  EXPECT_NE(late.status().message().find("HTTP 409"), std::string::npos)
      << late.status().ToString();

  const RunResult login = Login(token);
  ASSERT_EQ(login.exit_code, 0) << login.Describe();
  const RunResult sync = Reg({"sync", "--json"});
  EXPECT_EQ(sync.exit_code, 0) << sync.Describe();
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM reg_sessions WHERE state = 'open'"), "1");
}

INSTANTIATE_TEST_SUITE_P(Backends, RegPulled, ::testing::Values("sqlite", "postgresql"));

}  // namespace
}  // namespace tessera::testing
