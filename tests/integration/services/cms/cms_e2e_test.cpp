// Seed 000 end to end through the real tesserad, tessera CLI, PKCS#11
// module, simulated tokens and SoftHSM2, on SQLite and on PostgreSQL:
// register (attestation), officer bind (E-forms v1/v2, key wrapped to F0),
// token activate (unwrap into 9C, receipt; the PIV Authentication key and
// certificate the CMS then delivers unwrapped into 9A), signatures by 9C and
// 9A through pkcs11-tool checked by OpenSSL, a second token superseding the
// first (CRL and OCSP, both certificates), revocation, and refusals that
// change nothing.
#include <openssl/pem.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <nlohmann/json.hpp>

#include "common/piv/key_material.hpp"
#include "common/scp03/key_set.hpp"
#include "host/card/apdu_channel.hpp"
#include "host/card/card_manager_client.hpp"
#include "tests/integration/services/cms/cms_fixture.hpp"

namespace tessera::testing {
namespace {

class CmsFlowTest : public CmsTest {
 protected:
  void Enroll() {
    ToolResult user =
        Cli({"cms", "user", "add", "--id", "alice", "--name", "Alice Example", "--org", "Tessera",
             "--email", "alice@example.org", "--document", "P-123", "--directory", url_});
    ASSERT_EQ(user.exit_code, 0) << user.Describe();
    ToolResult officer = Cli({"cms", "officer", "add", "--token", std::to_string(officer_token_),
                              "--id", "olivia", "--name", "Olivia Officer", "--hsm", "ca", "--ca",
                              "root", "--pin-file", Path("pin"), "--directory", url_});
    ASSERT_EQ(officer.exit_code, 0) << officer.Describe();
  }
  // Issue 15: after activation 9A holds the card's PIV Authentication key;
  // its certificate (read into NAME.pem) chains to the CA, is for TLS client
  // authentication and not a signature certificate, names the user, and is
  // for the key in 9A (a signature by 9A verifies with it).
  void ExpectAuthenticationKey(std::uint32_t token, const std::string& name) {
    const std::string pem = name + ".pem";
    ASSERT_TRUE(ReadCertificate(token, "01", pem));
    ToolResult chain = RunTool({"openssl", "verify", "-CAfile", Path("root.pem"), Path(pem)});
    EXPECT_EQ(chain.exit_code, 0) << chain.Describe();
    ToolResult text = RunTool({"openssl", "x509", "-in", Path(pem), "-noout", "-subject", "-ext",
                               "keyUsage,extendedKeyUsage,subjectAltName"});
    ASSERT_EQ(text.exit_code, 0) << text.Describe();
    for (const char* wanted : {"Alice Example", "UID", "Digital Signature",
                               "TLS Web Client Authentication", "email:alice@example.org"}) {
      EXPECT_NE(text.out.find(wanted), std::string::npos) << wanted << "\n" << text.out;
    }
    EXPECT_EQ(text.out.find("Non Repudiation"), std::string::npos) << text.out;
    EXPECT_EQ(text.out.find("E-mail Protection"), std::string::npos) << text.out;
    std::ofstream(Path(name + ".txt")) << "signed by slot 9A\n";
    ToolResult signature = SignWithIdOn("sim", token, "01", name + ".txt", name + ".sig");
    ASSERT_EQ(signature.exit_code, 0) << signature.Describe();
    ToolResult key = RunTool(
        {"openssl", "x509", "-in", Path(pem), "-noout", "-pubkey", "-out", Path(name + ".pub")});
    ASSERT_EQ(key.exit_code, 0) << key.Describe();
    ToolResult verified = RunTool({"openssl", "dgst", "-sha256", "-verify", Path(name + ".pub"),
                                   "-signature", Path(name + ".sig"), Path(name + ".txt")});
    EXPECT_EQ(verified.exit_code, 0) << verified.Describe();
  }
  // A PEM certificate's serial as the CMS prints it: lower-case hex of the
  // serial's bytes, as openssl prints it (a leading zero digit stays: 0b28...).
  std::string SerialOf(const std::string& pem) {
    ToolResult serial = RunTool({"openssl", "x509", "-in", Path(pem), "-noout", "-serial"});
    EXPECT_EQ(serial.exit_code, 0) << serial.Describe();
    std::string hex = serial.out.substr(serial.out.find('=') + 1);
    while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r')) hex.pop_back();
    for (char& c : hex) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return hex;
  }

  void RegisterAll() {
    std::vector<std::string> args = {"cms", "token", "register", "--all"};
    for (const std::string& a : Server()) args.push_back(a);
    ToolResult registered = Cli(args);
    ASSERT_EQ(registered.exit_code, 0) << registered.Describe();
    // Off a terminal, a plain progress line at the end (docs/cli.md "Progress").
    EXPECT_NE(registered.err.find("tessera: cms token register: "), std::string::npos)
        << registered.Describe();
    EXPECT_NE(registered.err.find(" tokens (100%), 0 failed, "), std::string::npos)
        << registered.Describe();
  }
};

// Seed 001 on a token seed 000 bound: `tessera reg register --cms` proves
// the binding with the 9C key instead of an enrolment code. The issuer key
// (the root CA's) goes into the MANUFACTURED token under the factory key.
TEST_P(CmsFlowTest, ABoundTokenRegistersWithTheGatewayWithoutACode) {
  ASSERT_NO_FATAL_FAILURE(Enroll());
  ASSERT_NO_FATAL_FAILURE(RegisterAll());
  const std::uint32_t token = user_tokens_[0];
  ASSERT_EQ(Bind("alice", token, "P-123").exit_code, 0);
  ASSERT_EQ(Activate(token).exit_code, 0);
  ToolResult init = Cli({"reg", "init", "--hsm", "ca", "--ca", "root", "--directory", url_});
  ASSERT_EQ(init.exit_code, 0) << init.Describe();
  {
    FILE* file = std::fopen(Path("root.pem").c_str(), "r");
    ASSERT_NE(file, nullptr);
    ossl::X509Ptr root(PEM_read_X509(file, nullptr, nullptr, nullptr));
    (void)std::fclose(file);
    ASSERT_TRUE(root);
    Result<Bytes> point =
        piv::EcPublicPoint(X509_get0_pubkey(root.get()), *piv::CurveOf(piv::Algorithm::kEccP256));
    ASSERT_TRUE(point.ok());
    auto transport = sim_->Connect(token);
    ASSERT_TRUE(transport.ok()) << transport.status().ToString();
    host::ApduChannel channel(**transport);
    host::CardManagerClient card_manager(channel);
    ASSERT_TRUE(card_manager.Select().ok());
    auto keys = scp03::StaticKeysFromBase(scp03::FactoryBaseKey());
    ASSERT_TRUE(keys.ok());
    ASSERT_TRUE(card_manager.OpenChannel(scp03::kFactoryKvn, *keys, 0x33).ok());
    Status put = card_manager.PutIssuerKey(*point, 1);
    ASSERT_TRUE(put.ok()) << put.ToString();
  }
  std::vector<std::string> args = {"reg",       "register", "--token", std::to_string(token),
                                   "--user",    "alice",    "--cms",   "--pin-file",
                                   Path("pin"), "--json"};
  for (const std::string& a : Server()) args.push_back(a);
  ToolResult registered = Cli(args);
  ASSERT_EQ(registered.exit_code, 0) << registered.Describe();
  EXPECT_EQ(nlohmann::json::parse(registered.out)["user_id_code"].get<std::string>().size(), 16u);
  // Bob's credential cannot be alice's token.
  ToolResult bob = Cli({"cms", "user", "add", "--id", "bob", "--name", "Bob", "--directory", url_});
  ASSERT_EQ(bob.exit_code, 0) << bob.Describe();
  args[5] = "bob";
  ToolResult refused = Cli(args);
  EXPECT_EQ(refused.exit_code, 1) << refused.Describe();
  EXPECT_NE(refused.err.find("no active CMS binding to user bob"), std::string::npos)
      << refused.err;
}

TEST_P(CmsFlowTest, RegisterBindActivateSignThenSupersede) {
  ASSERT_NO_FATAL_FAILURE(Enroll());
  ASSERT_NO_FATAL_FAILURE(RegisterAll());
  const std::uint32_t first = user_tokens_[0];
  const std::uint32_t second = user_tokens_[1];
  EXPECT_EQ(TokenState(first), "inventory");

  ToolResult bound = Bind("alice", first, "P-123");
  ASSERT_EQ(bound.exit_code, 0) << bound.Describe();
  EXPECT_EQ(TokenState(first), "bound");
  ToolResult active = Activate(first);
  ASSERT_EQ(active.exit_code, 0) << active.Describe();
  EXPECT_EQ(TokenState(first), "active");
  // The package was used up inside the token.
  ToolResult again = Activate(first);
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(again.err.find("no key package"), std::string::npos) << again.Describe();

  // The user signs with 9C through pkcs11-tool; OpenSSL checks the chain
  // and the signature against the certificate the CMS issued.
  ASSERT_TRUE(ReadCertificate(first, "02", "first.pem"));
  ToolResult chain = RunTool({"openssl", "verify", "-CAfile", Path("root.pem"), Path("first.pem")});
  EXPECT_EQ(chain.exit_code, 0) << chain.Describe();
  std::ofstream(Path("data.txt")) << "signed by slot 9C\n";
  ToolResult signature = SignWith9C(first, "data.txt", "data.sig");
  ASSERT_EQ(signature.exit_code, 0) << signature.Describe();
  ToolResult key = RunTool({"openssl", "x509", "-in", Path("first.pem"), "-noout", "-pubkey",
                            "-out", Path("first.pub")});
  ASSERT_EQ(key.exit_code, 0) << key.Describe();
  ToolResult verified = RunTool({"openssl", "dgst", "-sha256", "-verify", Path("first.pub"),
                                 "-signature", Path("data.sig"), Path("data.txt")});
  EXPECT_EQ(verified.exit_code, 0) << verified.Describe();
  ToolResult subject = RunTool(
      {"openssl", "x509", "-in", Path("first.pem"), "-noout", "-subject", "-ext", "keyUsage"});
  EXPECT_NE(subject.out.find("Alice Example"), std::string::npos) << subject.out;
  EXPECT_NE(subject.out.find("Non Repudiation"), std::string::npos) << subject.out;
  ToolResult good = Ocsp(*daemon_, "first.pem");
  EXPECT_NE(good.out.find(": good"), std::string::npos) << good.Describe();

  ASSERT_NO_FATAL_FAILURE(ExpectAuthenticationKey(first, "first-auth"));
  ToolResult auth_good = Ocsp(*daemon_, "first-auth.pem");
  EXPECT_NE(auth_good.out.find(": good"), std::string::npos) << auth_good.Describe();
  // The binding keeps naming the 9C certificate.
  const nlohmann::json first_json = TokenJson(first);
  ASSERT_EQ(first_json["bindings"].size(), 1u) << first_json.dump();
  EXPECT_EQ(first_json["bindings"][0]["certificate_serial"], SerialOf("first.pem"));
  EXPECT_NE(SerialOf("first-auth.pem"), SerialOf("first.pem"));

  // Claim 3: a second token for alice revokes the first (superseded).
  ToolResult rebound = Bind("alice", second, "P-123");
  ASSERT_EQ(rebound.exit_code, 0) << rebound.Describe();
  EXPECT_NE(rebound.out.find("token " + std::to_string(first) + " revoked"), std::string::npos)
      << rebound.out;
  EXPECT_EQ(TokenState(first), "revoked");
  ToolResult revoked = Ocsp(*daemon_, "first.pem");
  EXPECT_NE(revoked.out.find(": revoked"), std::string::npos) << revoked.Describe();
  EXPECT_NE(revoked.out.find("superseded"), std::string::npos) << revoked.Describe();
  // The superseded token's 9A certificate went with it.
  ToolResult auth_revoked = Ocsp(*daemon_, "first-auth.pem");
  EXPECT_NE(auth_revoked.out.find(": revoked"), std::string::npos) << auth_revoked.Describe();
  EXPECT_NE(auth_revoked.out.find("superseded"), std::string::npos) << auth_revoked.Describe();
  ToolResult second_active = Activate(second);
  ASSERT_EQ(second_active.exit_code, 0) << second_active.Describe();
  EXPECT_EQ(TokenState(second), "active");
  ASSERT_NO_FATAL_FAILURE(ExpectAuthenticationKey(second, "second-auth"));

  ToolResult user = Cli({"cms", "user", "show", "alice", "--json", "--directory", url_});
  ASSERT_EQ(user.exit_code, 0) << user.Describe();
  const auto json = nlohmann::json::parse(user.out);
  ASSERT_EQ(json["bindings"].size(), 2u) << user.out;

  // A lost card: `cms token revoke` revokes its 9A certificate too (the
  // daemon has no OCSP answer cached for it: this is the first question).
  ToolResult lost = Cli({"cms", "token", "revoke", std::to_string(second), "--reason", "lost",
                         "--hsm", "ca", "--ca", "root", "--directory", url_});
  ASSERT_EQ(lost.exit_code, 0) << lost.Describe();
  ToolResult lost_auth = Ocsp(*daemon_, "second-auth.pem");
  EXPECT_NE(lost_auth.out.find(": revoked"), std::string::npos) << lost_auth.Describe();
  EXPECT_NE(lost_auth.out.find("keyCompromise"), std::string::npos) << lost_auth.Describe();
}

TEST_P(CmsFlowTest, RefusalsChangeNothingAndAreAudited) {
  ASSERT_NO_FATAL_FAILURE(Enroll());
  const std::uint32_t token = user_tokens_[0];
  // Not in the inventory yet.
  ToolResult early = Bind("alice", token, "P-123");
  EXPECT_NE(early.exit_code, 0);
  EXPECT_NE(early.err.find("not in the inventory"), std::string::npos) << early.Describe();
  ASSERT_NO_FATAL_FAILURE(RegisterAll());
  // A second registration of a recorded token is refused.
  std::vector<std::string> args = {"cms", "token", "register", "--token", std::to_string(token)};
  for (const std::string& a : Server()) args.push_back(a);
  ToolResult twice = Cli(args);
  EXPECT_NE(twice.exit_code, 0);
  EXPECT_NE(twice.err.find("409"), std::string::npos) << twice.Describe();
  // The document the officer reviewed is not the one on file: refused at
  // the terminal before anything is countersigned.
  ToolResult mismatch = Bind("alice", token, "P-999");
  EXPECT_NE(mismatch.exit_code, 0);
  EXPECT_NE(mismatch.err.find("does not match"), std::string::npos) << mismatch.Describe();
  EXPECT_EQ(TokenState(token), "inventory");
  // An unknown user.
  ToolResult nobody = Bind("mallory", token, "P-123");
  EXPECT_NE(nobody.exit_code, 0);
  EXPECT_EQ(TokenState(token), "inventory");

  ToolResult audit = Cli({"audit", "list", "--directory", url_});
  ASSERT_EQ(audit.exit_code, 0) << audit.Describe();
  EXPECT_NE(audit.out.find("cms.eform.v1.refused"), std::string::npos) << audit.out;
  EXPECT_NE(audit.out.find("cms.token.register.refused"), std::string::npos) << audit.out;

  // Revoked, the token comes back only after a reset.
  ToolResult revoke = Cli({"cms", "token", "revoke", std::to_string(token), "--reason", "lost",
                           "--hsm", "ca", "--ca", "root", "--directory", url_});
  ASSERT_EQ(revoke.exit_code, 0) << revoke.Describe();
  EXPECT_EQ(TokenState(token), "revoked");
  ToolResult back = Cli(args);
  EXPECT_NE(back.exit_code, 0);
  EXPECT_NE(back.err.find("not been reset"), std::string::npos) << back.Describe();
}

INSTANTIATE_TEST_SUITE_P(Backends, CmsFlowTest,
                         ::testing::Values(CmsBackend::kSqlite, CmsBackend::kPostgresql),
                         [](const auto& test_param) { return CmsBackendName(test_param.param); });

}  // namespace
}  // namespace tessera::testing
