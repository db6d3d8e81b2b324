// Seed 000's refusals at the token, the HSM and the directory (issue 13,
// docs/cms-api.md), on SQLite and PostgreSQL: an attestation for another key
// or serial, a key package moved to another token, activation with a wrong
// PIN, a wrong HSM PIN; PostgreSQL only: a bind during an outage, and two
// officers on two tesserad nodes binding one user at once. Each gets a clear
// error and leaves the directory and the tokens as they were
// (cms_refusal_fixture.hpp).
#include <barrier>
#include <cctype>
#include <fstream>
#include <set>
#include <thread>

#include "common/crypto/hash.hpp"
#include "tests/integration/services/cms/cms_refusal_fixture.hpp"
#include "tests/support/postgres_server.hpp"

namespace tessera::testing {
namespace {

class CmsTokenRefusalTest : public CmsNegativeTest {};

// Case 7: an attestation for another key, and for another serial.
TEST_P(CmsTokenRefusalTest, AnAttestationForAnotherKeyOrSerialIsRefused) {
  cli::TokenFacts a, b;
  {
    auto token = cli::TokenP11::Open(module_, token_a_);
    ASSERT_TRUE(token.ok());
    a = token->ReadFacts().value();
    token = cli::TokenP11::Open(module_, token_b_);
    ASSERT_TRUE(token.ok());
    b = token->ReadFacts().value();
  }
  auto body = [](const cli::TokenFacts& f) {
    return nlohmann::json{{"serial", f.serial},
                          {"token_key", jose::Base64UrlEncode(f.token_key)},
                          {"attestation", jose::Base64UrlEncode(f.attestation)},
                          {"attestation_ca", jose::Base64UrlEncode(f.attestation_ca)},
                          {"chuid", jose::Base64UrlEncode(f.chuid)},
                          {"transport", f.transport},
                          {"used_key_slots", f.used_key_slots}};
  };
  auto station = cli::HttpsClient::Connect({BaseUrl(), pki_.ca_cert, std::nullopt, 30});
  ASSERT_TRUE(station.ok()) << station.status().ToString();
  auto post = [&](const nlohmann::json& j) {
    auto r = station->Send("POST", "/cms/tokens", "application/json", j.dump());
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : cli::HttpResponse{};
  };

  cli::TokenFacts other_key = a;  // A's statement with B's F0
  other_key.token_key = b.token_key;
  cli::HttpResponse r = post(body(other_key));
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_NE(r.body.find("another key"), std::string::npos) << r.body;
  cli::TokenFacts other_serial = a;  // A's evidence under B's serial
  other_serial.serial = b.serial;
  r = post(body(other_serial));
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_NE(r.body.find("serial"), std::string::npos) << r.body;
  cli::TokenFacts b_statement = b;  // B's statement with A's F0 and serial
  b_statement.serial = a.serial;
  b_statement.token_key = a.token_key;
  r = post(body(b_statement));
  EXPECT_EQ(r.status, 409) << r.body;

  EXPECT_EQ(AuditCount("cms.token.register.refused"), 3);
  EXPECT_EQ(AuditCount("cms.token.register"), 0);
  ExpectUnbound(token_a_, "");
  ExpectUnbound(token_b_, "");
  ToolResult listed = Cli({"cms", "token", "list", "--json", "--directory", url_});
  ASSERT_EQ(listed.exit_code, 0) << listed.Describe();
  const nlohmann::json recorded = nlohmann::json::parse(listed.out);
  for (const nlohmann::json& t : recorded.at("tokens")) {
    EXPECT_NE(t.value("serial", 0u), a.serial) << listed.out;
    EXPECT_NE(t.value("serial", 0u), b.serial) << listed.out;
  }
  r = post(body(a));  // the genuine evidence is recorded
  EXPECT_EQ(r.status, 201) << r.body;
}

// Case 8: a key package opens only on its token.
TEST_P(CmsTokenRefusalTest, AKeyPackageMovedToAnotherTokenIsRefusedByTheToken) {
  ASSERT_NO_FATAL_FAILURE(RegisterOrFail(token_a_));
  ASSERT_NO_FATAL_FAILURE(RegisterOrFail(token_b_));
  ToolResult bound = BindAs("olivia", officer_token_, alice_, token_a_, "P-123");
  ASSERT_EQ(bound.exit_code, 0) << bound.Describe();
  Bytes package;
  {
    auto a = cli::TokenP11::Open(module_, token_a_);
    ASSERT_TRUE(a.ok());
    auto stored = a->ReadKeyPackage();
    ASSERT_TRUE(stored.ok() && stored->has_value());
    package = **stored;
    auto b = cli::TokenP11::Open(module_, token_b_);
    ASSERT_TRUE(b.ok());
    ASSERT_TRUE(b->LoginSo(Secret(kFactoryManagementKey)).ok());
    Status written = b->WriteKeyPackage(package);
    // The token's refusal (6A80: not this token's serial) is the module's
    // CKR_ATTRIBUTE_VALUE_INVALID, a bad argument and not an internal error.
    EXPECT_EQ(written.code(), Code::kInvalidArgument) << written.ToString();
    EXPECT_NE(written.message().find("CKR_ATTRIBUTE_VALUE_INVALID"), std::string::npos)
        << written.ToString();
  }
  ExpectTokenEmpty(token_b_);
  {
    auto b = cli::TokenP11::Open(module_, token_b_);
    ASSERT_TRUE(b.ok());
    ASSERT_TRUE(b->LoginUser(TestPin()).ok());
    Status unwrapped = b->UnwrapKeyPackage(package);
    EXPECT_FALSE(unwrapped.ok());
  }
  ExpectTokenEmpty(token_b_);
  {
    auto a = cli::TokenP11::Open(module_, token_a_);
    ASSERT_TRUE(a.ok());
    auto stored = a->ReadKeyPackage();
    ASSERT_TRUE(stored.ok() && stored->has_value());
    EXPECT_EQ(**stored, package);
  }
  EXPECT_EQ(TokenState(token_a_), "bound");
  EXPECT_EQ(TokenState(token_b_), "inventory");
  ToolResult active = Activate(token_a_);  // its own token still opens it
  EXPECT_EQ(active.exit_code, 0) << active.Describe();
}

// Case 9: activation with a wrong PIN.
TEST_P(CmsTokenRefusalTest, AnActivationWithAWrongPinChangesNothing) {
  ASSERT_NO_FATAL_FAILURE(RegisterOrFail(token_a_));
  ToolResult bound = BindAs("olivia", officer_token_, alice_, token_a_, "P-123");
  ASSERT_EQ(bound.exit_code, 0) << bound.Describe();
  Bytes package;
  {
    auto a = cli::TokenP11::Open(module_, token_a_);
    ASSERT_TRUE(a.ok());
    package = a->ReadKeyPackage().value().value_or(Bytes());
  }
  ASSERT_FALSE(package.empty());
  const int tries = PinTriesLeft(token_a_);
  ASSERT_GT(tries, 1);
  const int issued = AuditCount("ca.issue");  // the 9C certificate of the bind
  { std::ofstream(Path("wrong-pin")) << "654321\n"; }
  ::chmod(Path("wrong-pin").c_str(), 0600);
  std::vector<std::string> args = {
      "token", "activate", "--token", std::to_string(token_a_), "--pin-file", Path("wrong-pin")};
  for (const std::string& a : Server()) args.push_back(a);
  ToolResult wrong = Cli(args);
  EXPECT_NE(wrong.exit_code, 0);
  EXPECT_NE(wrong.err.find("PIN"), std::string::npos) << wrong.Describe();

  EXPECT_EQ(PinTriesLeft(token_a_), tries - 1);
  EXPECT_EQ(TokenState(token_a_), "bound");
  const nlohmann::json user = UserJson(alice_);
  ASSERT_EQ(user.at("bindings").size(), 1u) << user.dump();
  EXPECT_EQ(user["bindings"][0].value("state", ""), "pending") << user.dump();
  {
    auto a = cli::TokenP11::Open(module_, token_a_);
    ASSERT_TRUE(a.ok());
    auto stored = a->ReadKeyPackage();
    ASSERT_TRUE(stored.ok() && stored->has_value());
    EXPECT_EQ(**stored, package);
  }
  EXPECT_EQ(AuditCount("cms.activate"), 0);
  EXPECT_EQ(AuditCount("ca.issue"), issued);  // no 9A certificate for a refused activation
  ToolResult active = Activate(token_a_);
  EXPECT_EQ(active.exit_code, 0) << active.Describe();
  EXPECT_EQ(TokenState(token_a_), "active");
  EXPECT_EQ(AuditCount("ca.issue"), issued + 1);  // 9A's, issued at the activation
}

// Case 10: the HSM's PIN wrong.
TEST_P(CmsTokenRefusalTest, AWrongHsmPinStopsTesseradBeforeItServes) {
  ASSERT_NO_FATAL_FAILURE(RegisterOrFail(token_a_));
  const int records = AuditCount("cms.token.register");
  ::setenv("TESSERA_HSM_PIN", "00000000", 1);
  TesseradProcess wrong(DaemonArgs("wrong-pin"), dir_ / "tesserad-wrong-pin");
  ::unsetenv("TESSERA_HSM_PIN");
  EXPECT_FALSE(wrong.WaitListening(2, std::chrono::seconds(30)));
  EXPECT_EQ(wrong.Wait(std::chrono::seconds(30)), 1) << wrong.Stderr();
  EXPECT_NE(wrong.Stderr().find("hsm ca"), std::string::npos) << wrong.Stderr();
  EXPECT_NE(wrong.Stderr().find("PIN"), std::string::npos) << wrong.Stderr();
  EXPECT_EQ(AuditCount("cms.token.register"), records);
  ExpectUnbound(token_a_);
}

// Case 11 (PostgreSQL): the directory down while the officer binds.
TEST_P(CmsTokenRefusalTest, ABindDuringAPostgresOutageFailsAndTheSameBindSucceedsAfter) {
  if (GetParam() != CmsBackend::kPostgresql) GTEST_SKIP() << "PostgreSQL only";
  ASSERT_NO_FATAL_FAILURE(RegisterOrFail(token_a_));
  auto olivia = Terminal(officer_token_, "olivia");
  ASSERT_TRUE(olivia);
  auto request = FillV2(*olivia, token_a_);
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  auto v2 = olivia->Sign(cms::kEformV2Type, request->v2);
  ASSERT_TRUE(v2.ok());

  PostgresServer& server = SharedPostgresServer();
  ASSERT_TRUE(server.Stop());
  auto during = olivia->Bind(request->id, *v2);
  const bool started = server.Start();
  ASSERT_TRUE(started);
  ASSERT_TRUE(during.ok()) << during.status().ToString();
  EXPECT_EQ(during->status, 503) << during->body;

  EXPECT_EQ(AuditCount("cms.bind"), 0);
  ExpectUnbound(token_a_);
  auto after = olivia->Bind(request->id, *v2);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->status, 201) << after->body;
  EXPECT_EQ(TokenState(token_a_), "bound");
  EXPECT_EQ(AuditCount("cms.bind"), 1);
}

// Case 12 (PostgreSQL): two officers on two tesserad nodes bind one user at
// once; both v2 are filled first, the two binds start together.
TEST_P(CmsTokenRefusalTest, TwoOfficersBindingOneUserAtOnceEndWithOneBinding) {
  if (GetParam() != CmsBackend::kPostgresql) GTEST_SKIP() << "PostgreSQL only";
  const std::string oscar_id = Unique("oscar");
  ToolResult oscar_added = AddOfficer(oscar_id, "Oscar Officer", second_officer_token_);
  ASSERT_EQ(oscar_added.exit_code, 0) << oscar_added.Describe();
  ASSERT_NO_FATAL_FAILURE(RegisterOrFail(token_a_));
  ASSERT_NO_FATAL_FAILURE(RegisterOrFail(token_b_));
  TesseradProcess& node_b = StartDaemon("b");
  auto olivia = Terminal(officer_token_, "olivia");
  auto oscar = Terminal(second_officer_token_, oscar_id, &node_b);
  ASSERT_TRUE(olivia && oscar);
  auto for_a = FillV2(*olivia, token_a_);
  ASSERT_TRUE(for_a.ok()) << for_a.status().ToString();
  auto for_b = FillV2(*oscar, token_b_);
  ASSERT_TRUE(for_b.ok()) << for_b.status().ToString();
  auto a_jws = olivia->Sign(cms::kEformV2Type, for_a->v2);
  auto b_jws = oscar->Sign(cms::kEformV2Type, for_b->v2);
  ASSERT_TRUE(a_jws.ok() && b_jws.ok());

  std::barrier start(2);
  Result<cli::HttpResponse> a_result = Status::Internal("not run");
  Result<cli::HttpResponse> b_result = Status::Internal("not run");
  std::thread a_thread([&] {
    start.arrive_and_wait();
    a_result = olivia->Bind(for_a->id, *a_jws);
  });
  std::thread b_thread([&] {
    start.arrive_and_wait();
    b_result = oscar->Bind(for_b->id, *b_jws);
  });
  a_thread.join();
  b_thread.join();
  ASSERT_TRUE(a_result.ok()) << a_result.status().ToString();
  ASSERT_TRUE(b_result.ok()) << b_result.status().ToString();
  std::multiset<int> statuses = {a_result->status, b_result->status};
  ASSERT_EQ(statuses, (std::multiset<int>{201, 409})) << a_result->body << "\n" << b_result->body;
  const bool a_won = a_result->status == 201;
  const std::uint32_t winner = a_won ? token_a_ : token_b_;
  const std::uint32_t loser = a_won ? token_b_ : token_a_;
  const std::string& refusal = a_won ? b_result->body : a_result->body;
  EXPECT_NE(refusal.find("another officer"), std::string::npos) << refusal;

  const nlohmann::json user = UserJson(alice_);
  ASSERT_EQ(user.at("bindings").size(), 1u) << user.dump();
  EXPECT_EQ(user["bindings"][0].value("token_serial", 0u), winner) << user.dump();
  EXPECT_EQ(user["bindings"][0].value("state", ""), "pending") << user.dump();
  EXPECT_EQ(TokenState(winner), "bound");
  EXPECT_EQ(TokenState(loser), "inventory");
  EXPECT_EQ(AuditCount("cms.bind"), 1);
  EXPECT_EQ(AuditCount("cms.bind.refused"), 1);
  EXPECT_EQ(AuditCount("cms.token.supersede"), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, CmsTokenRefusalTest,
                         ::testing::Values(CmsBackend::kSqlite, CmsBackend::kPostgresql),
                         [](const auto& test_param) { return CmsBackendName(test_param.param); });

}  // namespace
}  // namespace tessera::testing
