// Seed 000's refusals (issue 13, docs/cms-api.md) through the real tesserad,
// tessera CLI, PKCS#11 module, simulated tokens and SoftHSM2, on SQLite and
// PostgreSQL. Each case gets a clear error (HTTP status, the CLI's exit code
// and message), leaves the directory as it was (the token's state, the
// user's bindings, counts of audit records), leaves the tokens as they were
// (key package, 9C) and writes its "...refused" audit record. The inputs the
// CLI never makes are sent over the REST API from an OfficerTerminal: the
// officer's token logged in, its 9a certificate as TLS client certificate.
// PostgreSQL only: a bind during an outage, and two officers on two tesserad
// nodes binding one user at once.
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include <barrier>
#include <cctype>
#include <ctime>
#include <fstream>
#include <set>
#include <thread>

#include "common/crypto/hash.hpp"
#include "common/ossl.hpp"
#include "host/card/apdu_channel.hpp"
#include "host/card/piv_client.hpp"
#include "services/cms/eform.hpp"
#include "services/cms/jws.hpp"
#include "tests/integration/services/cms/cms_fixture.hpp"
#include "tests/support/postgres_server.hpp"
#include "tools/tessera/client/https_client.hpp"
#include "tools/tessera/client/tls_signer_key.hpp"
#include "tools/tessera/client/token_p11.hpp"

namespace tessera::testing {
namespace {

constexpr char kFactoryManagementKey[] = "010203040506070801020304050607080102030405060708";

SecureBytes Secret(std::string_view text) { return SecureBytes(Bytes(text.begin(), text.end())); }
SecureBytes TestPin() { return Secret("123456"); }

ByteView AsView(const std::string& s) {
  return ByteView(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}

// The JWS with its payload replaced and the signature kept: a field changed
// after signing.
std::string WithPayload(const std::string& jws, const std::string& payload) {
  const std::size_t first = jws.find('.');
  const std::size_t second = jws.find('.', first + 1);
  return jws.substr(0, first + 1) + cms::Base64UrlEncode(AsView(payload)) + jws.substr(second);
}

// ES256 with a software key (OpenSSL's DER turned into r || s).
cms::JwsSigner SoftwareSigner(EVP_PKEY* key) {
  return [key](const std::string& input) -> Result<Bytes> {
    ossl::MdCtxPtr md(EVP_MD_CTX_new());
    if (EVP_DigestSignInit_ex(md.get(), nullptr, "SHA256", nullptr, nullptr, key, nullptr) != 1) {
      return ossl::Error("EVP_DigestSignInit_ex");
    }
    std::size_t len = 0;
    const auto* data = reinterpret_cast<const unsigned char*>(input.data());
    if (EVP_DigestSign(md.get(), nullptr, &len, data, input.size()) != 1) {
      return ossl::Error("EVP_DigestSign");
    }
    Bytes sig(len);
    if (EVP_DigestSign(md.get(), sig.data(), &len, data, input.size()) != 1) {
      return ossl::Error("EVP_DigestSign");
    }
    sig.resize(len);
    return cms::EcdsaDerToJose(sig, 32);
  };
}

// An officer's terminal driven request by request (what `tessera officer
// bind` does, step by step). Not movable: the TLS client key signs through
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
    return cms::Base64UrlDecode(answer.at("nonce").get<std::string>());
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
    return cms::SignCompact(
        cms::JwsAlg::kEs256, typ, kid ? *kid : officer_id_, payload,
        [this](const std::string& input) { return token_->SignEs256("9a", AsView(input)); });
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
  CmsNegativeTest() { sim_tokens_ = 5; }

  void SetUp() override {
    CmsTest::SetUp();
    if (HasFatalFailure()) return;
    token_a_ = user_tokens_[0];
    token_b_ = user_tokens_[1];
    second_officer_token_ = user_tokens_[2];
    outsider_token_ = user_tokens_[3];
    ToolResult user = AddUser("alice", "Alice Example", "P-123");
    ASSERT_EQ(user.exit_code, 0) << user.Describe();
    ToolResult officer = AddOfficer("olivia", "Olivia Officer", officer_token_);
    ASSERT_EQ(officer.exit_code, 0) << officer.Describe();
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
    TESSERA_ASSIGN_OR_RETURN(cms::EformV1 v1, officer.NewV1("alice", token, "P-123"));
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
    const nlohmann::json user = UserJson("alice");
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
  int PinTriesLeft(std::uint32_t serial) {
    auto transport = sim_->Connect(serial);
    EXPECT_TRUE(transport.ok()) << transport.status().ToString();
    if (!transport.ok()) return -2;
    host::ApduChannel channel(**transport);
    host::PivClient piv(channel);
    EXPECT_TRUE(piv.Select().ok());
    auto tries = piv.PinStatus();
    EXPECT_TRUE(tries.ok()) << tries.status().ToString();
    return tries.ok() ? *tries : -2;
  }

  // A key made in 9a of the outsider's token with an officer certificate
  // from the root CA (a CSR the token signed), but no officer record.
  void MakeOutsider();

  std::uint32_t token_a_ = 0, token_b_ = 0, second_officer_token_ = 0, outsider_token_ = 0;
};

void CmsNegativeTest::MakeOutsider() {
  auto token = cli::TokenP11::Open(module_, outsider_token_);
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  ASSERT_TRUE(token->LoginUser(TestPin()).ok());
  auto spki = token->GenerateP256("9a");
  ASSERT_TRUE(spki.ok()) << spki.status().ToString();
  cli::TokenP11* on = &*token;
  auto key = cli::SignerBackedKey(*spki, [on](std::string_view, ByteView hash) -> Result<Bytes> {
    TESSERA_ASSIGN_OR_RETURN(Bytes raw, on->SignDigest("9a", hash));
    return cms::EcdsaJoseToDer(raw);
  });
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  std::unique_ptr<X509_REQ, ossl::Deleter<X509_REQ_free>> csr(X509_REQ_new());
  X509_NAME* name = X509_REQ_get_subject_name(csr.get());
  ASSERT_EQ(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                       reinterpret_cast<const unsigned char*>("Mallory Outsider"),
                                       -1, -1, 0),
            1);
  ASSERT_EQ(X509_REQ_set_pubkey(csr.get(), key->get()), 1);
  ASSERT_GT(X509_REQ_sign(csr.get(), key->get(), EVP_sha256()), 0)
      << ossl::Error("sign").ToString();
  {
    std::unique_ptr<BIO, ossl::Deleter<BIO_free>> out(
        BIO_new_file(Path("outsider.csr").c_str(), "w"));
    ASSERT_NE(out, nullptr);
    ASSERT_EQ(PEM_write_bio_X509_REQ(out.get(), csr.get()), 1);
  }
  ToolResult issued = Cli({"ca", "issue", "--ca", "root", "--profile", "officer", "--csr",
                           Path("outsider.csr"), "--directory", url_});
  ASSERT_EQ(issued.exit_code, 0) << issued.Describe();
  std::unique_ptr<BIO, ossl::Deleter<BIO_free>> pem(
      BIO_new_mem_buf(issued.out.data(), static_cast<int>(issued.out.size())));
  ossl::X509Ptr certificate(PEM_read_bio_X509(pem.get(), nullptr, nullptr, nullptr));
  ASSERT_NE(certificate, nullptr) << issued.out;
  unsigned char* der = nullptr;
  const int length = i2d_X509(certificate.get(), &der);
  ASSERT_GT(length, 0);
  const Bytes der_bytes(der, der + length);
  OPENSSL_free(der);
  ASSERT_TRUE(token->WriteCertificate("9a", der_bytes).ok());
}

// Issue 13 case 1: an E-form v1 signed by a non-officer.
TEST_P(CmsNegativeTest, AV1SignedByANonOfficerIsRefused) {
  ASSERT_NO_FATAL_FAILURE(RegisterOrFail(token_a_));
  ASSERT_NO_FATAL_FAILURE(MakeOutsider());
  auto olivia = Terminal(officer_token_, "olivia");
  auto mallory = Terminal(outsider_token_, "mallory");
  ASSERT_TRUE(olivia && mallory);

  // The outsider's certificate verifies at TLS, but it is no officer's.
  auto nonce = mallory->Post("/cms/nonces", nlohmann::json::object());
  ASSERT_TRUE(nonce.ok()) << nonce.status().ToString();
  EXPECT_EQ(nonce->status, 403) << nonce->body;
  EXPECT_EQ(AuditCount("cms.nonce.refused"), 1);

  auto v1 = olivia->NewV1("alice", token_a_, "P-123");
  ASSERT_TRUE(v1.ok()) << v1.status().ToString();
  const std::string olivia_payload = cms::EncodeV1(*v1).value();
  // mallory names herself: not an officer.
  cms::EformV1 as_mallory = *v1;
  as_mallory.officer = "mallory";
  auto by_mallory = mallory->SignV1(as_mallory);
  ASSERT_TRUE(by_mallory.ok());
  auto refused = olivia->SubmitV1(*by_mallory);
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->status, 403) << refused->body;
  EXPECT_NE(refused->body.find("not an officer"), std::string::npos) << refused->body;
  // mallory's token key signs olivia's form.
  auto forged = mallory->Sign(cms::kEformV1Type, olivia_payload, "olivia");
  ASSERT_TRUE(forged.ok());
  refused = olivia->SubmitV1(*forged);
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->status, 422) << refused->body;
  // A software key signs olivia's form.
  ossl::PkeyPtr software(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  auto soft = cms::SignCompact(cms::JwsAlg::kEs256, cms::kEformV1Type, "olivia", olivia_payload,
                               SoftwareSigner(software.get()));
  ASSERT_TRUE(soft.ok());
  refused = olivia->SubmitV1(*soft);
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->status, 422) << refused->body;
  // olivia's genuine form sent over mallory's TLS connection.
  auto genuine = olivia->SignV1(*v1);
  ASSERT_TRUE(genuine.ok());
  refused = mallory->SubmitV1(*genuine);
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->status, 403) << refused->body;

  EXPECT_EQ(AuditCount("cms.eform.v1.refused"), 4);
  EXPECT_EQ(AuditCount("cms.eform.v2"), 0);
  ExpectUnbound(token_a_);
  ExpectTokenEmpty(token_a_);
  // None of it used olivia's nonce: her own form still goes through.
  auto accepted = olivia->SubmitV1(*genuine);
  ASSERT_TRUE(accepted.ok());
  EXPECT_EQ(accepted->status, 201) << accepted->body;
}

// Case 2: signed by a revoked officer.
TEST_P(CmsNegativeTest, ARevokedOfficerIsRefused) {
  ASSERT_NO_FATAL_FAILURE(RegisterOrFail(token_a_));
  auto olivia = Terminal(officer_token_, "olivia");
  ASSERT_TRUE(olivia);
  auto request = FillV2(*olivia, token_a_);  // before the revocation
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  auto certificate = olivia->token().Certificate("9a");
  ASSERT_TRUE(certificate.ok() && certificate->has_value());
  ossl::X509Ptr x509 = ossl::CertFromDer(**certificate).value();
  ossl::BnPtr serial(ASN1_INTEGER_to_BN(X509_get0_serialNumber(x509.get()), nullptr));
  char* hex = BN_bn2hex(serial.get());
  std::string serial_hex(hex);
  OPENSSL_free(hex);
  for (char& c : serial_hex) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  ToolResult revoked = Cli({"ca", "revoke", "--ca", "root", "--serial", serial_hex, "--reason",
                            "privilegeWithdrawn", "--directory", url_});
  ASSERT_EQ(revoked.exit_code, 0) << revoked.Describe();

  // A revoked certificate is no longer an active officer's: no nonce either
  // (docs/cms-api.md "POST /cms/nonces").
  auto nonce = olivia->Post("/cms/nonces", nlohmann::json::object());
  ASSERT_TRUE(nonce.ok()) << nonce.status().ToString();
  EXPECT_EQ(nonce->status, 403) << nonce->body;
  auto v2 = olivia->Sign(cms::kEformV2Type, request->v2);
  ASSERT_TRUE(v2.ok());
  auto bound = olivia->Bind(request->id, *v2);
  ASSERT_TRUE(bound.ok()) << bound.status().ToString();
  EXPECT_EQ(bound->status, 403) << bound->body;
  EXPECT_NE(bound->body.find("revoked"), std::string::npos) << bound->body;
  ToolResult cli = BindAs("olivia", officer_token_, "alice", token_a_, "P-123");
  EXPECT_NE(cli.exit_code, 0);
  EXPECT_NE(cli.err.find("403"), std::string::npos) << cli.Describe();
  EXPECT_NE(cli.err.find("revoked"), std::string::npos) << cli.Describe();

  EXPECT_EQ(AuditCount("cms.bind.refused"), 1);
  // The direct request and the CLI's: both stop at the nonce.
  EXPECT_EQ(AuditCount("cms.nonce.refused"), 2);
  EXPECT_EQ(AuditCount("cms.bind"), 0);
  ExpectUnbound(token_a_);
  ExpectTokenEmpty(token_a_);
}

// Case 3: a field changed after signing, in v1 and in the countersigned v2.
TEST_P(CmsNegativeTest, AFormChangedAfterSigningIsRefused) {
  ASSERT_NO_FATAL_FAILURE(RegisterOrFail(token_a_));
  auto olivia = Terminal(officer_token_, "olivia");
  ASSERT_TRUE(olivia);
  auto v1 = olivia->NewV1("alice", token_a_, "P-123");
  ASSERT_TRUE(v1.ok());
  auto v1_jws = olivia->SignV1(*v1);
  ASSERT_TRUE(v1_jws.ok());
  cms::EformV1 changed = *v1;
  changed.token_serial = token_b_;
  auto tampered = olivia->SubmitV1(WithPayload(*v1_jws, cms::EncodeV1(changed).value()));
  ASSERT_TRUE(tampered.ok());
  EXPECT_EQ(tampered->status, 422) << tampered->body;
  EXPECT_EQ(AuditCount("cms.eform.v1.refused"), 1);
  EXPECT_EQ(AuditCount("cms.eform.v2"), 0);

  auto answer = olivia->SubmitV1(*v1_jws);  // the nonce was not used up
  ASSERT_TRUE(answer.ok());
  ASSERT_EQ(answer->status, 201) << answer->body;
  const auto json = nlohmann::json::parse(answer->body);
  const std::string id = json.at("request_id").get<std::string>();
  const std::string v2_payload = json.at("v2").get<std::string>();
  cms::EformV2 v2 = cms::DecodeV2(v2_payload).value();
  v2.user.name = "Mallory Example";
  const std::string other_payload = cms::EncodeV2(v2).value();
  // Countersigned with the change: a valid signature over another v2.
  auto other = olivia->Sign(cms::kEformV2Type, other_payload);
  ASSERT_TRUE(other.ok());
  auto refused = olivia->Bind(id, *other);
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->status, 409) << refused->body;
  EXPECT_NE(refused->body.find("not the v2 this CMS sent"), std::string::npos) << refused->body;
  // Changed after countersigning: the signature fails.
  auto countersigned = olivia->Sign(cms::kEformV2Type, v2_payload);
  ASSERT_TRUE(countersigned.ok());
  refused = olivia->Bind(id, WithPayload(*countersigned, other_payload));
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->status, 422) << refused->body;

  EXPECT_EQ(AuditCount("cms.bind.refused"), 2);
  EXPECT_EQ(AuditCount("cms.bind"), 0);
  ExpectUnbound(token_a_);
  // The genuine countersignature still binds: the refusals used nothing up.
  auto bound = olivia->Bind(id, *countersigned);
  ASSERT_TRUE(bound.ok());
  EXPECT_EQ(bound->status, 201) << bound->body;
  EXPECT_EQ(TokenState(token_a_), "bound");
}

// Case 4: a replayed nonce.
TEST_P(CmsNegativeTest, AReplayedNonceIsRefused) {
  ASSERT_NO_FATAL_FAILURE(RegisterOrFail(token_a_));
  auto olivia = Terminal(officer_token_, "olivia");
  ASSERT_TRUE(olivia);
  auto v1 = olivia->NewV1("alice", token_a_, "P-123");
  ASSERT_TRUE(v1.ok());
  auto v1_jws = olivia->SignV1(*v1);
  ASSERT_TRUE(v1_jws.ok());
  auto first = olivia->SubmitV1(*v1_jws);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->status, 201) << first->body;

  auto replayed = olivia->SubmitV1(*v1_jws);
  ASSERT_TRUE(replayed.ok());
  EXPECT_EQ(replayed->status, 409) << replayed->body;
  cms::EformV1 second = *v1;  // another form with the used nonce
  second.reviewed.document_type = "passport";
  auto second_jws = olivia->SignV1(second);
  ASSERT_TRUE(second_jws.ok());
  replayed = olivia->SubmitV1(*second_jws);
  ASSERT_TRUE(replayed.ok());
  EXPECT_EQ(replayed->status, 409) << replayed->body;

  EXPECT_EQ(AuditCount("cms.eform.v1.refused"), 2);
  EXPECT_EQ(AuditCount("cms.eform.v2"), 1);  // the first one's only
  ExpectUnbound(token_a_);
}

// Case 5: a v2 the CMS did not send.
TEST_P(CmsNegativeTest, AV2TheCmsDidNotSendIsRefused) {
  ASSERT_NO_FATAL_FAILURE(RegisterOrFail(token_a_));
  ASSERT_NO_FATAL_FAILURE(RegisterOrFail(token_b_));
  auto olivia = Terminal(officer_token_, "olivia");
  ASSERT_TRUE(olivia);
  auto for_a = FillV2(*olivia, token_a_);
  ASSERT_TRUE(for_a.ok()) << for_a.status().ToString();
  auto for_b = FillV2(*olivia, token_b_);
  ASSERT_TRUE(for_b.ok()) << for_b.status().ToString();

  // The officer fills a v2 of its own for request A, with a longer life.
  const cms::EformV2 sent = cms::DecodeV2(for_a->v2).value();
  cms::EformV2 own;
  own.request_id = for_a->id;
  own.v1_sha256 = crypto::DigestOnce(crypto::Hash::kSha256, AsView(for_a->v1_jws)).value();
  own.user = {"alice", "Alice Example", "Tessera", "alice@example.org", "P-123"};
  own.token_serial = token_a_;
  own.token_key_sha256 = sent.token_key_sha256;
  own.officer = "olivia";
  own.reviewed = {"id-card", "P-123"};
  own.issued_at = std::time(nullptr);
  own.expires_at = own.issued_at + 86400;
  auto own_jws = olivia->Sign(cms::kEformV2Type, cms::EncodeV2(own).value());
  ASSERT_TRUE(own_jws.ok());
  auto refused = olivia->Bind(for_a->id, *own_jws);
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->status, 409) << refused->body;
  EXPECT_NE(refused->body.find("not the v2 this CMS sent"), std::string::npos) << refused->body;
  // The CMS's v2 of request B, countersigned, for request A.
  auto b_jws = olivia->Sign(cms::kEformV2Type, for_b->v2);
  ASSERT_TRUE(b_jws.ok());
  refused = olivia->Bind(for_a->id, *b_jws);
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->status, 409) << refused->body;

  EXPECT_EQ(AuditCount("cms.bind.refused"), 2);
  EXPECT_EQ(AuditCount("cms.bind"), 0);
  ExpectUnbound(token_a_);
  ExpectUnbound(token_b_);
  ExpectTokenEmpty(token_a_);
}

// Case 6: a token not in the inventory.
TEST_P(CmsNegativeTest, ATokenNotInTheInventoryIsRefused) {
  auto olivia = Terminal(officer_token_, "olivia");
  ASSERT_TRUE(olivia);
  auto v1 = olivia->NewV1("alice", token_b_, "P-123");
  ASSERT_TRUE(v1.ok());
  auto v1_jws = olivia->SignV1(*v1);
  ASSERT_TRUE(v1_jws.ok());
  auto refused = olivia->SubmitV1(*v1_jws);
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->status, 404) << refused->body;
  EXPECT_NE(refused->body.find("not in the inventory"), std::string::npos) << refused->body;
  auto shown = olivia->Get("/cms/tokens/" + std::to_string(token_b_));
  ASSERT_TRUE(shown.ok());
  EXPECT_EQ(shown->status, 404) << shown->body;
  ToolResult cli = BindAs("olivia", officer_token_, "alice", token_b_, "P-123");
  EXPECT_NE(cli.exit_code, 0);
  EXPECT_NE(cli.err.find("404"), std::string::npos) << cli.Describe();
  EXPECT_NE(cli.err.find("not in the inventory"), std::string::npos) << cli.Describe();

  EXPECT_EQ(AuditCount("cms.eform.v1.refused"), 2);
  EXPECT_EQ(AuditCount("cms.eform.v2"), 0);
  ExpectUnbound(token_b_, "");
  ExpectTokenEmpty(token_b_);
  // The refusal rolled back the nonce's use: once registered, the same form
  // goes through.
  ASSERT_NO_FATAL_FAILURE(RegisterOrFail(token_b_));
  auto accepted = olivia->SubmitV1(*v1_jws);
  ASSERT_TRUE(accepted.ok());
  EXPECT_EQ(accepted->status, 201) << accepted->body;
}

// Case 7: an attestation for another key, and for another serial.
TEST_P(CmsNegativeTest, AnAttestationForAnotherKeyOrSerialIsRefused) {
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
                          {"token_key", cms::Base64UrlEncode(f.token_key)},
                          {"attestation", cms::Base64UrlEncode(f.attestation)},
                          {"attestation_ca", cms::Base64UrlEncode(f.attestation_ca)},
                          {"chuid", cms::Base64UrlEncode(f.chuid)},
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
  EXPECT_TRUE(nlohmann::json::parse(listed.out).at("tokens").empty()) << listed.out;
  r = post(body(a));  // the genuine evidence is recorded
  EXPECT_EQ(r.status, 201) << r.body;
}

// Case 8: a key package opens only on its token.
TEST_P(CmsNegativeTest, AKeyPackageMovedToAnotherTokenIsRefusedByTheToken) {
  ASSERT_NO_FATAL_FAILURE(RegisterOrFail(token_a_));
  ASSERT_NO_FATAL_FAILURE(RegisterOrFail(token_b_));
  ToolResult bound = BindAs("olivia", officer_token_, "alice", token_a_, "P-123");
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
TEST_P(CmsNegativeTest, AnActivationWithAWrongPinChangesNothing) {
  ASSERT_NO_FATAL_FAILURE(RegisterOrFail(token_a_));
  ToolResult bound = BindAs("olivia", officer_token_, "alice", token_a_, "P-123");
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
  const nlohmann::json user = UserJson("alice");
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
  ToolResult active = Activate(token_a_);
  EXPECT_EQ(active.exit_code, 0) << active.Describe();
  EXPECT_EQ(TokenState(token_a_), "active");
}

// Case 10: the HSM's PIN wrong.
TEST_P(CmsNegativeTest, AWrongHsmPinStopsTesseradBeforeItServes) {
  ASSERT_NO_FATAL_FAILURE(RegisterOrFail(token_a_));
  const int records = AuditCount("cms.token.register");
  ::setenv("TESSERA_HSM_PIN", "00000000", 1);
  TesseradProcess wrong(DaemonArgs("wrong-pin"), dir_.path() / "tesserad-wrong-pin");
  ::unsetenv("TESSERA_HSM_PIN");
  EXPECT_FALSE(wrong.WaitListening(2, std::chrono::seconds(30)));
  EXPECT_EQ(wrong.Wait(std::chrono::seconds(30)), 1) << wrong.Stderr();
  EXPECT_NE(wrong.Stderr().find("hsm ca"), std::string::npos) << wrong.Stderr();
  EXPECT_NE(wrong.Stderr().find("PIN"), std::string::npos) << wrong.Stderr();
  EXPECT_EQ(AuditCount("cms.token.register"), records);
  ExpectUnbound(token_a_);
}

// Case 11 (PostgreSQL): the directory down while the officer binds.
TEST_P(CmsNegativeTest, ABindDuringAPostgresOutageFailsAndTheSameBindSucceedsAfter) {
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
TEST_P(CmsNegativeTest, TwoOfficersBindingOneUserAtOnceEndWithOneBinding) {
  if (GetParam() != CmsBackend::kPostgresql) GTEST_SKIP() << "PostgreSQL only";
  ToolResult oscar_added = AddOfficer("oscar", "Oscar Officer", second_officer_token_);
  ASSERT_EQ(oscar_added.exit_code, 0) << oscar_added.Describe();
  ASSERT_NO_FATAL_FAILURE(RegisterOrFail(token_a_));
  ASSERT_NO_FATAL_FAILURE(RegisterOrFail(token_b_));
  TesseradProcess& node_b = StartDaemon("b");
  auto olivia = Terminal(officer_token_, "olivia");
  auto oscar = Terminal(second_officer_token_, "oscar", &node_b);
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

  const nlohmann::json user = UserJson("alice");
  ASSERT_EQ(user.at("bindings").size(), 1u) << user.dump();
  EXPECT_EQ(user["bindings"][0].value("token_serial", 0u), winner) << user.dump();
  EXPECT_EQ(user["bindings"][0].value("state", ""), "pending") << user.dump();
  EXPECT_EQ(TokenState(winner), "bound");
  EXPECT_EQ(TokenState(loser), "inventory");
  EXPECT_EQ(AuditCount("cms.bind"), 1);
  EXPECT_EQ(AuditCount("cms.bind.refused"), 1);
  EXPECT_EQ(AuditCount("cms.token.supersede"), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, CmsNegativeTest,
                         ::testing::Values(CmsBackend::kSqlite, CmsBackend::kPostgresql),
                         [](const auto& test_param) { return CmsBackendName(test_param.param); });

}  // namespace
}  // namespace tessera::testing
