// The registration gateway's service (seed 001) against a software token,
// on SQLite and PostgreSQL: the whole flow, and each refusal with the
// status it maps to and the rows it leaves (nothing stored).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/registration/messages.hpp"
#include "common/registration/records.hpp"
#include "services/registration/config_doc.hpp"
#include "tests/integration/services/registration/reg_service_fixture.hpp"

namespace tessera::registration::testing {
namespace {

using nlohmann::json;

SealedRecord Seal(const Bytes& ses, const std::string& session_id, std::uint64_t seq,
                  const std::string& method, const std::string& path, const std::string& body) {
  const SecureBytes key = RecordKey(ses, Direction::kClientToServer).value();
  const Bytes sid = FromHex(session_id).value();
  return SealedRecord{seq, SealRecord(key.view(), Direction::kClientToServer, seq,
                                      RequestAad(sid, seq, method, path), AsBytes(body))
                               .value()};
}

Result<std::string> Open(const Bytes& ses, const std::string& session_id,
                         const SealedRecord& answer, int status = 200) {
  const SecureBytes key = RecordKey(ses, Direction::kServerToClient).value();
  const Bytes sid = FromHex(session_id).value();
  TESSERA_ASSIGN_OR_RETURN(
      SecureBytes plain,
      OpenRecord(key.view(), Direction::kServerToClient, answer.seq,
                 ResponseAad(sid, answer.seq, static_cast<std::uint16_t>(status)), answer.ct));
  return std::string(plain.view().begin(), plain.view().end());
}

std::string EntitlementsPath(const std::string& sid) {
  return "/reg/sessions/" + sid + "/entitlements";
}

class RegService : public RegServiceTest {};

TEST_P(RegService, RegistersLogsInAndSignsTheEntitlementDocument) {
  Bring();
  SoftToken token(issuer_point());
  Result<ConfirmAnswer> confirmed = Register(token, "alice", Code("alice"));
  ASSERT_TRUE(confirmed.ok()) << confirmed.status().ToString();
  EXPECT_EQ(confirmed->user_id_code, token.uidc());
  EXPECT_EQ(Scalar("SELECT state FROM reg_registrations"), "active");
  EXPECT_EQ(Scalar("SELECT user_id_code FROM reg_users WHERE user_id = 'alice'"), token.uidc());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM reg_codes WHERE used_at IS NOT NULL"), 1);
  // K is kept only wrapped: the stored blob is not K.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM reg_registrations WHERE k_wrapped IS NOT NULL"), 1);

  ASSERT_TRUE(
      service().AddApp({"echo", "http://127.0.0.1:9", R"({"timeout_ms":5000})"}, caller()).ok());
  ASSERT_TRUE(service().Grant("alice", "echo", {"/echo"}, caller()).ok());
  Result<std::string> sid = Login(token);
  ASSERT_TRUE(sid.ok()) << sid.status().ToString();
  EXPECT_EQ(Scalar("SELECT state FROM reg_sessions"), "open");

  const std::string request = json{{"user_id_code", token.uidc()}}.dump();
  Result<SealedRecord> answer = service().Entitlements(
      *sid, EntitlementsPath(*sid),
      Seal(token.ses(), *sid, 1, "POST", EntitlementsPath(*sid), request), caller());
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  Result<std::string> plain = Open(token.ses(), *sid, *answer);
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  const json sealed = json::parse(*plain);
  const Bytes certificate = jose::Base64UrlDecode(sealed["certificate"].get<std::string>()).value();
  ConfigCheck check{certificate,
                    issuer_point(),
                    static_cast<std::uint64_t>(service().Now()),
                    0,
                    token.spki_sha256(),
                    token.uidc(),
                    std::nullopt,
                    ""};
  Result<ConfigDocument> doc = VerifyConfig(sealed["document"].get<std::string>(), check);
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  ASSERT_EQ(doc->applications.size(), 1u);
  EXPECT_EQ(doc->applications[0].name, "echo");
  EXPECT_EQ(doc->applications[0].paths, std::vector<std::string>{"/echo"});
  EXPECT_EQ(doc->applications[0].settings["timeout_ms"], 5000);
  EXPECT_EQ(doc->gateway_url, "https://gateway.test:8443");

  // An older document is refused by the client once a newer one applies.
  ASSERT_TRUE(service().Revoke("alice", "echo", caller()).ok());
  Result<SealedRecord> newer = service().Entitlements(
      *sid, EntitlementsPath(*sid),
      Seal(token.ses(), *sid, 2, "POST", EntitlementsPath(*sid), request), caller());
  ASSERT_TRUE(newer.ok()) << newer.status().ToString();
  const json newer_sealed = json::parse(Open(token.ses(), *sid, *newer).value());
  check.applied_version = doc->version + 1;
  check.applied_jws = newer_sealed["document"].get<std::string>();
  Result<ConfigDocument> replayed = VerifyConfig(sealed["document"].get<std::string>(), check);
  ASSERT_FALSE(replayed.ok());
  EXPECT_EQ(replayed.status().code(), Code::kConditionsNotSatisfied);
  EXPECT_NE(replayed.status().message().find("older"), std::string::npos);
  // A document with a changed byte does not verify.
  std::string forged = sealed["document"].get<std::string>();
  forged[forged.size() - 5] = forged[forged.size() - 5] == 'A' ? 'B' : 'A';
  check.applied_version.reset();
  EXPECT_EQ(VerifyConfig(forged, check).status().code(), Code::kSignatureInvalid);
}

TEST_P(RegService, RefusesRegistrationWithoutAGoodCodeAndStoresNothing) {
  Bring();
  const std::string code = Code("alice");
  struct Case {
    std::string user, code, expect;
  };
  const Case cases[] = {
      {"alice", "", "needs an enrolment code"},
      {"alice", "AAAAA-AAAAA-AAAAA-AAAAA", "not valid"},
      {"bob", code, "another user"},
      {"alice", "12345", "not valid"},
  };
  for (const Case& c : cases) {
    SoftToken token(issuer_point());
    Result<ConfirmAnswer> r = Register(token, c.user, c.code);
    ASSERT_FALSE(r.ok()) << c.code;
    EXPECT_EQ(r.status().code(), Code::kSecurityStatus) << r.status().ToString();
    EXPECT_NE(r.status().message().find(c.expect), std::string::npos) << r.status().ToString();
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM reg_registrations WHERE state <> 'refused'"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM reg_registrations WHERE k_wrapped IS NOT NULL"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM reg_users"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM reg_codes WHERE used_at IS NOT NULL"), 0);
  EXPECT_GE(Count("SELECT COUNT(*) FROM audit WHERE action = 'reg.register.refused'"), 4);

  // The good code still works, once.
  SoftToken token(issuer_point());
  ASSERT_TRUE(Register(token, "alice", code).ok());
  SoftToken again(issuer_point());
  Result<ConfirmAnswer> reused = Register(again, "alice", code);
  ASSERT_FALSE(reused.ok());
  EXPECT_NE(reused.status().message().find("has been used"), std::string::npos);
}

TEST_P(RegService, RefusesReplayedAndTamperedRegistrationMessages) {
  Bring();
  const std::string code = Code("alice");
  SoftToken token(issuer_point());
  Result<StartAnswer> start = service().Start(caller());
  ASSERT_TRUE(start.ok()) << start.status().ToString();
  const Bytes r1 =
      token.Begin(start->server_hello, service().Now(), UserInfoOf("alice", code)).value();
  // A changed byte of C1: the GCM tag fails (422) and the hello is spent.
  Bytes tampered = r1;
  tampered.back() ^= 0x01;
  Result<ExchangeAnswer> bad =
      service().Exchange(start->registration_id, tampered, std::nullopt, caller());
  EXPECT_EQ(bad.status().code(), Code::kSignatureInvalid) << bad.status().ToString();
  EXPECT_EQ(service().Exchange(start->registration_id, r1, std::nullopt, caller()).status().code(),
            Code::kConditionsNotSatisfied);

  // R1 under a fresh hello: the transcript differs, C1 does not open.
  Result<StartAnswer> fresh = service().Start(caller());
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(service().Exchange(fresh->registration_id, r1, std::nullopt, caller()).status().code(),
            Code::kSignatureInvalid);

  // A good run, then R1 and R3 replayed: 409 each.
  Result<StartAnswer> good = service().Start(caller());
  ASSERT_TRUE(good.ok());
  SoftToken honest(issuer_point());
  const Bytes good_r1 =
      honest.Begin(good->server_hello, service().Now(), UserInfoOf("alice", code)).value();
  Result<ExchangeAnswer> exchanged =
      service().Exchange(good->registration_id, good_r1, std::nullopt, caller());
  ASSERT_TRUE(exchanged.ok()) << exchanged.status().ToString();
  EXPECT_EQ(
      service().Exchange(good->registration_id, good_r1, std::nullopt, caller()).status().code(),
      Code::kConditionsNotSatisfied);
  // A wrong confirmation MAC: 422, and the registration stays pending.
  const Bytes r3 = honest.Finish(exchanged->server_message).value();
  Bytes wrong_r3 = r3;
  wrong_r3.back() ^= 0x80;
  EXPECT_EQ(service().Confirm(good->registration_id, wrong_r3, caller()).status().code(),
            Code::kSignatureInvalid);
  EXPECT_EQ(
      Scalar("SELECT state FROM reg_registrations WHERE id = '" + good->registration_id + "'"),
      "pending");
  ASSERT_TRUE(service().Confirm(good->registration_id, r3, caller()).ok());
  EXPECT_EQ(service().Confirm(good->registration_id, r3, caller()).status().code(),
            Code::kConditionsNotSatisfied);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM reg_registrations WHERE state = 'active'"), 1);
}

TEST_P(RegService, RefusesWrongKReflectionReplayAndUnknownCodes) {
  Bring();
  SoftToken token(issuer_point());
  ASSERT_TRUE(Register(token, "alice", Code("alice")).ok());

  // A token with another K: the server's MAC fails on the token.
  SoftToken other(issuer_point());
  other.set_uidc(token.uidc());
  other.set_k(Bytes(32, 0x42));
  const Bytes a1 = other.AuthBegin().value();
  Result<SessionChallenge> challenge = service().OpenSession(a1, caller());
  ASSERT_TRUE(challenge.ok());
  EXPECT_EQ(other.AuthFinish(challenge->server_message).status().code(), Code::kSignatureInvalid);

  // Reflection: the server's own MAC sent back as the client's.
  const Bytes a1b = token.AuthBegin().value();
  Result<SessionChallenge> c2 = service().OpenSession(a1b, caller());
  ASSERT_TRUE(c2.ok());
  const AuthChallenge parsed = DecodeAuthChallenge(c2->server_message).value();
  Result<SessionOpened> reflected =
      service().FinishSession(c2->session_id, Encode(AuthFinish{parsed.mac}), caller());
  EXPECT_EQ(reflected.status().code(), Code::kSecurityStatus) << reflected.status().ToString();
  EXPECT_EQ(Scalar("SELECT state FROM reg_sessions WHERE id = '" + c2->session_id + "'"), "closed");

  // A good login, then A3 replayed: 409.
  const Bytes a1c = token.AuthBegin().value();
  Result<SessionChallenge> c3 = service().OpenSession(a1c, caller());
  ASSERT_TRUE(c3.ok());
  const Bytes a3 = token.AuthFinish(c3->server_message).value();
  ASSERT_TRUE(service().FinishSession(c3->session_id, a3, caller()).ok());
  EXPECT_EQ(service().FinishSession(c3->session_id, a3, caller()).status().code(),
            Code::kConditionsNotSatisfied);

  // An unknown UIDC gets a decoy challenge, then 403 like a wrong K.
  SoftToken stranger(issuer_point());
  stranger.set_uidc("UAAAAAAAAAAAAAAA");
  stranger.set_k(Bytes(32, 0x01));
  Result<SessionChallenge> decoy = service().OpenSession(stranger.AuthBegin().value(), caller());
  ASSERT_TRUE(decoy.ok()) << decoy.status().ToString();
  EXPECT_EQ(stranger.AuthFinish(decoy->server_message).status().code(), Code::kSignatureInvalid);
  Bytes mc(32, 0x00);
  EXPECT_EQ(
      service().FinishSession(decoy->session_id, Encode(AuthFinish{mc}), caller()).status().code(),
      Code::kSecurityStatus);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM reg_sessions WHERE state = 'open'"), 1);
}

TEST_P(RegService, RefusesReplayedOutOfOrderAndTamperedSessionRecords) {
  Bring();
  SoftToken token(issuer_point());
  ASSERT_TRUE(Register(token, "alice", Code("alice")).ok());
  const std::string sid = Login(token).value();
  const std::string path = EntitlementsPath(sid);
  const std::string body = json{{"user_id_code", token.uidc()}}.dump();
  const SealedRecord first = Seal(token.ses(), sid, 1, "POST", path, body);
  ASSERT_TRUE(service().Entitlements(sid, path, first, caller()).ok());
  // The same record again: 409, the sequence unchanged.
  EXPECT_EQ(service().Entitlements(sid, path, first, caller()).status().code(),
            Code::kConditionsNotSatisfied);
  // Sequence 3 before 2: 409.
  EXPECT_EQ(service()
                .Entitlements(sid, path, Seal(token.ses(), sid, 3, "POST", path, body), caller())
                .status()
                .code(),
            Code::kConditionsNotSatisfied);
  EXPECT_EQ(Count("SELECT c2s_seq FROM reg_sessions WHERE id = '" + sid + "'"), 1);
  // A changed byte, or the record of another path: 422, the sequence unchanged.
  SealedRecord tampered = Seal(token.ses(), sid, 2, "POST", path, body);
  tampered.ct[0] ^= 1;
  EXPECT_EQ(service().Entitlements(sid, path, tampered, caller()).status().code(),
            Code::kSignatureInvalid);
  EXPECT_EQ(
      service()
          .Entitlements(sid, path, Seal(token.ses(), sid, 2, "POST", "/other", body), caller())
          .status()
          .code(),
      Code::kSignatureInvalid);
  EXPECT_EQ(Count("SELECT c2s_seq FROM reg_sessions WHERE id = '" + sid + "'"), 1);
  // Sequence 2, properly: accepted. Then logout, and the session is gone.
  ASSERT_TRUE(service()
                  .Entitlements(sid, path, Seal(token.ses(), sid, 2, "POST", path, body), caller())
                  .ok());
  const std::string session_path = "/reg/sessions/" + sid;
  ASSERT_TRUE(service()
                  .CloseSession(sid, session_path,
                                Seal(token.ses(), sid, 3, "DELETE", session_path, "{}"), caller())
                  .ok());
  Result<SealedRecord> after =
      service().Entitlements(sid, path, Seal(token.ses(), sid, 4, "POST", path, body), caller());
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(after.status().code(), Code::kRefused) << after.status().ToString();  // 401
}

INSTANTIATE_TEST_SUITE_P(Backends, RegService, ::testing::Values("sqlite", "postgresql"));

}  // namespace
}  // namespace tessera::registration::testing
