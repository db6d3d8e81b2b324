// The refusal tests' fixture (issue 13, docs/cms-api.md): CmsTest with one
// world per backend (officer olivia enrolled once) and, for each test, four
// fresh tokens (alice's two candidates, a second officer's, an outsider's)
// and a fresh user alice-N, an OfficerTerminal that
// sends what the CLI never makes over the REST API (the officer's token
// logged in, its 9a certificate as TLS client certificate), and the checks
// every refusal makes: the directory and the tokens as they were.
// cms_eform_refusal_test.cpp and cms_token_refusal_test.cpp use it.
#pragma once

#include <cstdint>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/ossl.hpp"
#include "services/cms/eform.hpp"
#include "services/jose/jws.hpp"
#include "tests/integration/services/cms/cms_fixture.hpp"
#include "tools/tessera/client/https_client.hpp"
#include "tools/tessera/client/token_p11.hpp"

namespace tessera::testing {

inline constexpr char kFactoryManagementKey[] = "010203040506070801020304050607080102030405060708";

SecureBytes Secret(std::string_view text);
SecureBytes TestPin();
// The JWS with its payload replaced and the signature kept: a field changed
// after signing.
std::string WithPayload(const std::string& jws, const std::string& payload);

// the token it holds. One thread at a time.
class OfficerTerminal {
 public:
  static Result<std::unique_ptr<OfficerTerminal>> Open(const std::string& module,
                                                       std::uint32_t serial,
                                                       const std::string& officer_id,
                                                       const std::string& base_url,
                                                       const std::string& ca_file) {
    TESSERA_ASSIGN_OR_RETURN(cli::TokenP11 token, cli::TokenP11::Open(module, serial));
    std::unique_ptr<OfficerTerminal> terminal(
        new OfficerTerminal(std::make_unique<cli::TokenP11>(std::move(token)), officer_id));
    TESSERA_RETURN_IF_ERROR(terminal->token_->LoginUser(TestPin()));
    TESSERA_ASSIGN_OR_RETURN(cli::ClientCertificate certificate,
                             cli::ClientCertificateFromSlot(*terminal->token_, "9a"));
    TESSERA_ASSIGN_OR_RETURN(cli::HttpsClient client,
                             cli::HttpsClient::Connect({base_url, ca_file, certificate, 30}));
    terminal->client_.emplace(std::move(client));
    return terminal;
  }
  OfficerTerminal(const OfficerTerminal&) = delete;
  OfficerTerminal& operator=(const OfficerTerminal&) = delete;

  cli::TokenP11& token() { return *token_; }

  Result<cli::HttpResponse> Post(const std::string& target, const nlohmann::json& body) {
    return client_->Send("POST", target, "application/json", body.dump());
  }
  Result<cli::HttpResponse> Get(const std::string& target) {
    return client_->Send("GET", target, "", "");
  }
  Result<Bytes> Nonce() {
    TESSERA_ASSIGN_OR_RETURN(nlohmann::json answer,
                             client_->Json("POST", "/cms/nonces", nlohmann::json::object()));
    return jose::Base64UrlDecode(answer.at("nonce").get<std::string>());
  }
  // A v1 as the CLI fills it: a fresh nonce, now, this officer.
  Result<cms::EformV1> NewV1(const std::string& user, std::uint32_t token,
                             const std::string& document) {
    cms::EformV1 v1;
    v1.user_id = user;
    v1.token_serial = token;
    v1.reviewed = {"id-card", document};
    TESSERA_ASSIGN_OR_RETURN(v1.nonce, Nonce());
    v1.time = std::time(nullptr);
    v1.officer = officer_id_;
    return v1;
  }
  // `payload` signed by 9a; kid this officer unless `kid` names another.
  Result<std::string> Sign(const std::string& typ, const std::string& payload,
                           const std::optional<std::string>& kid = std::nullopt) {
    return jose::SignCompact(
        jose::JwsAlg::kEs256, typ, kid ? *kid : officer_id_, payload,
        [this](const std::string& input) { return token_->SignEs256("9a", AsBytes(input)); });
  }
  Result<std::string> SignV1(const cms::EformV1& v1) {
    TESSERA_ASSIGN_OR_RETURN(std::string payload, cms::EncodeV1(v1));
    return Sign(cms::kEformV1Type, payload);
  }
  Result<cli::HttpResponse> SubmitV1(const std::string& v1_jws) {
    return Post("/cms/eforms", {{"v1", v1_jws}});
  }
  Result<cli::HttpResponse> Bind(const std::string& request_id, const std::string& v2_jws) {
    return Post("/cms/requests/" + request_id + "/bind", {{"v2", v2_jws}});
  }

 private:
  OfficerTerminal(std::unique_ptr<cli::TokenP11> token, std::string officer_id)
      : token_(std::move(token)), officer_id_(std::move(officer_id)) {}
  std::unique_ptr<cli::TokenP11> token_;
  std::string officer_id_;
  std::optional<cli::HttpsClient> client_;
};

// A v2 the CMS sent: its request and payload, and the v1 it answers.
struct Request {
  std::string v1_jws;
  std::string id;
  std::string v2;
};

class CmsNegativeTest : public CmsTest {
 protected:
  // The officer's, alice's two candidates, a second officer's, an outsider's.
  // One world per backend for the suite: four tokens for each test.
  static constexpr std::size_t kTestsPerSuite = 8;
  CmsNegativeTest() {
    shared_world_ = true;
    sim_tokens_ = 1 + 4 * kTestsPerSuite;
  }

  // Officer olivia on the officer's token, once per world.
  void SetUpWorld() override {
    ToolResult officer = AddOfficer("olivia", "Olivia Officer", officer_token_);
    ASSERT_EQ(officer.exit_code, 0) << officer.Describe();
  }

  void SetUp() override {
    CmsTest::SetUp();
    if (HasFatalFailure()) return;
    const std::vector<std::uint32_t> tokens = TakeTokens(4);
    ASSERT_FALSE(HasFailure());
    token_a_ = tokens[0];
    token_b_ = tokens[1];
    second_officer_token_ = tokens[2];
    outsider_token_ = tokens[3];
    alice_ = Unique("alice");
    ToolResult user = AddUser(alice_, "Alice Example", "P-123");
    ASSERT_EQ(user.exit_code, 0) << user.Describe();
  }

  void RegisterOrFail(std::uint32_t token) {
    ToolResult registered = Register(token);
    ASSERT_EQ(registered.exit_code, 0) << registered.Describe();
  }

  std::unique_ptr<OfficerTerminal> Terminal(std::uint32_t token, const std::string& officer,
                                            const TesseradProcess* d = nullptr) {
    auto terminal = OfficerTerminal::Open(module_, token, officer, BaseUrl(d), pki_.ca_cert);
    EXPECT_TRUE(terminal.ok()) << terminal.status().ToString();
    return terminal.ok() ? std::move(terminal).value() : nullptr;
  }

  // v1 for alice and `token`, signed and answered with v2 (201).
  Result<Request> FillV2(OfficerTerminal& officer, std::uint32_t token) {
    TESSERA_ASSIGN_OR_RETURN(cms::EformV1 v1, officer.NewV1(alice_, token, "P-123"));
    Request request;
    TESSERA_ASSIGN_OR_RETURN(request.v1_jws, officer.SignV1(v1));
    TESSERA_ASSIGN_OR_RETURN(cli::HttpResponse answer, officer.SubmitV1(request.v1_jws));
    if (answer.status != 201) {
      return Status::Internal("v1: HTTP " + std::to_string(answer.status) + " " + answer.body);
    }
    const auto json = nlohmann::json::parse(answer.body);
    request.id = json.at("request_id").get<std::string>();
    request.v2 = json.at("v2").get<std::string>();
    return request;
  }

  // The directory as a refusal must leave it: alice without a binding and
  // `token` in `state` without one ("" when it must not be recorded at all).
  void ExpectUnbound(std::uint32_t token, const std::string& state = "inventory") {
    const nlohmann::json user = UserJson(alice_);
    ASSERT_TRUE(user.is_object());
    EXPECT_TRUE(user.at("bindings").empty()) << user.dump();
    const nlohmann::json shown = TokenJson(token);
    if (state.empty()) {
      EXPECT_TRUE(shown.is_null()) << shown.dump();
      return;
    }
    ASSERT_TRUE(shown.is_object()) << "token " << token << " is not recorded";
    EXPECT_EQ(shown.value("state", ""), state) << shown.dump();
    EXPECT_TRUE(shown.at("bindings").empty()) << shown.dump();
  }

  // The token as a refusal must leave it: no key package, nothing in 9C.
  void ExpectTokenEmpty(std::uint32_t serial) {
    auto token = cli::TokenP11::Open(module_, serial);
    ASSERT_TRUE(token.ok()) << token.status().ToString();
    auto package = token->ReadKeyPackage();
    ASSERT_TRUE(package.ok()) << package.status().ToString();
    EXPECT_FALSE(package->has_value()) << "token " << serial << " holds a key package";
    auto certificate = token->Certificate("9c");
    ASSERT_TRUE(certificate.ok()) << certificate.status().ToString();
    EXPECT_FALSE(certificate->has_value()) << "token " << serial << " holds a 9C certificate";
    EXPECT_FALSE(token->PublicKey("9c").ok()) << "token " << serial << " holds a 9C key";
  }

  // PIN tries left on `serial`, read by VERIFY without data.
  int PinTriesLeft(std::uint32_t serial);

  // A key made in 9a of the outsider's token with an officer certificate
  // from the root CA (a CSR the token signed), but no officer record.
  void MakeOutsider();

  std::uint32_t token_a_ = 0, token_b_ = 0, second_officer_token_ = 0, outsider_token_ = 0;
  std::string alice_;  // this test's user: alice-N
};

}  // namespace tessera::testing
