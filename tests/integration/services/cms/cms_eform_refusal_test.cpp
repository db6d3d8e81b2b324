// Seed 000's E-form refusals (issue 13, docs/cms-api.md) through the real
// tesserad, CLI, PKCS#11 module, simulated tokens and SoftHSM2, on SQLite
// and PostgreSQL: a non-officer, a revoked officer, a changed field, a
// replayed nonce, a v2 the CMS did not send, a token not in the inventory.
// Each gets a clear error, leaves the directory and the tokens as they were
// and writes its "...refused" audit record (cms_refusal_fixture.hpp).
#include <barrier>
#include <cctype>
#include <fstream>
#include <set>
#include <thread>

#include "common/crypto/hash.hpp"
#include "tests/integration/services/cms/cms_refusal_fixture.hpp"
#include "tests/integration/services/jose/jws_key_signer.hpp"
#include "tests/support/postgres_server.hpp"

namespace tessera::testing {
namespace {

class CmsEformRefusalTest : public CmsNegativeTest {};

// Issue 13 case 1: an E-form v1 signed by a non-officer.
TEST_P(CmsEformRefusalTest, AV1SignedByANonOfficerIsRefused) {
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

  auto v1 = olivia->NewV1(alice_, token_a_, "P-123");
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
  auto soft = jose::SignCompact(jose::JwsAlg::kEs256, cms::kEformV1Type, "olivia", olivia_payload,
                                JwsKeySigner(jose::JwsAlg::kEs256, *software));
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
TEST_P(CmsEformRefusalTest, ARevokedOfficerIsRefused) {
  ASSERT_NO_FATAL_FAILURE(RegisterOrFail(token_a_));
  // An officer of this test's own: the world's olivia stays unrevoked.
  const std::string rita_id = Unique("rita");
  ToolResult added = AddOfficer(rita_id, "Rita Officer", second_officer_token_);
  ASSERT_EQ(added.exit_code, 0) << added.Describe();
  auto rita = Terminal(second_officer_token_, rita_id);
  ASSERT_TRUE(rita);
  auto request = FillV2(*rita, token_a_);  // before the revocation
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  auto certificate = rita->token().Certificate("9a");
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
  auto nonce = rita->Post("/cms/nonces", nlohmann::json::object());
  ASSERT_TRUE(nonce.ok()) << nonce.status().ToString();
  EXPECT_EQ(nonce->status, 403) << nonce->body;
  auto v2 = rita->Sign(cms::kEformV2Type, request->v2);
  ASSERT_TRUE(v2.ok());
  auto bound = rita->Bind(request->id, *v2);
  ASSERT_TRUE(bound.ok()) << bound.status().ToString();
  EXPECT_EQ(bound->status, 403) << bound->body;
  EXPECT_NE(bound->body.find("revoked"), std::string::npos) << bound->body;
  ToolResult cli = BindAs(rita_id, second_officer_token_, alice_, token_a_, "P-123");
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
TEST_P(CmsEformRefusalTest, AFormChangedAfterSigningIsRefused) {
  ASSERT_NO_FATAL_FAILURE(RegisterOrFail(token_a_));
  auto olivia = Terminal(officer_token_, "olivia");
  ASSERT_TRUE(olivia);
  auto v1 = olivia->NewV1(alice_, token_a_, "P-123");
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
TEST_P(CmsEformRefusalTest, AReplayedNonceIsRefused) {
  ASSERT_NO_FATAL_FAILURE(RegisterOrFail(token_a_));
  auto olivia = Terminal(officer_token_, "olivia");
  ASSERT_TRUE(olivia);
  auto v1 = olivia->NewV1(alice_, token_a_, "P-123");
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
TEST_P(CmsEformRefusalTest, AV2TheCmsDidNotSendIsRefused) {
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
  own.v1_sha256 = crypto::DigestOnce(crypto::Hash::kSha256, AsBytes(for_a->v1_jws)).value();
  own.user = {alice_, "Alice Example", "Tessera", alice_ + "@example.org", "P-123"};
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
TEST_P(CmsEformRefusalTest, ATokenNotInTheInventoryIsRefused) {
  auto olivia = Terminal(officer_token_, "olivia");
  ASSERT_TRUE(olivia);
  auto v1 = olivia->NewV1(alice_, token_b_, "P-123");
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
  ToolResult cli = BindAs("olivia", officer_token_, alice_, token_b_, "P-123");
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

INSTANTIATE_TEST_SUITE_P(Backends, CmsEformRefusalTest,
                         ::testing::Values(CmsBackend::kSqlite, CmsBackend::kPostgresql),
                         [](const auto& test_param) { return CmsBackendName(test_param.param); });

}  // namespace
}  // namespace tessera::testing
