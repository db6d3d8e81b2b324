// The CA served by the real tesserad, checked by the real OpenSSL and curl
// (issue 12 "Checked by OpenSSL in tests"), on SQLite and on PostgreSQL:
// `openssl ocsp -url` says good, then revoked after a revoke; the served CRL
// passes and then fails `openssl verify -crl_check`; issue and revoke over
// HTTPS need a client certificate; bad requests get problem+json and change
// nothing; two tesserad on one PostgreSQL serve the same data; PostgreSQL
// restarted mid-use fails one request with 503 and the next one succeeds.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/integration/services/e2e/ca_daemon_fixture.hpp"

namespace tessera::testing {
namespace {

std::string ParamName(const ::testing::TestParamInfo<Backend>& param) {
  return BackendName(param.param);
}

TEST_P(CaDaemonTest, OpenSslOcspSaysGoodThenRevokedAfterARevoke) {
  ToolResult good = Ocsp(*daemon_);
  ASSERT_EQ(good.exit_code, 0) << good.Describe();
  EXPECT_NE(good.out.find("leaf.pem: good"), std::string::npos) << good.Describe();
  EXPECT_NE(good.err.find("Response verify OK"), std::string::npos) << good.Describe();

  ToolResult revoked = Cli({"ca", "revoke", "--ca", "root", "--serial", leaf_serial_, "--reason",
                            "keyCompromise", "--directory", url_});
  ASSERT_EQ(revoked.exit_code, 0) << revoked.Describe();

  ToolResult after = Ocsp(*daemon_);
  ASSERT_EQ(after.exit_code, 0) << after.Describe();
  EXPECT_NE(after.out.find("leaf.pem: revoked"), std::string::npos) << after.Describe();
  EXPECT_NE(after.out.find("Reason: keyCompromise"), std::string::npos) << after.Describe();
}

TEST_P(CaDaemonTest, OcspByGetAnswersAsByPost) {
  ToolResult req = Tool({"openssl", "ocsp", "-issuer", Path("ca.pem"), "-cert", Path("leaf.pem"),
                         "-no_nonce", "-reqout", Path("req.der")});
  ASSERT_EQ(req.exit_code, 0) << req.Describe();
  // RFC 6960 appendix A.1: the base64 of the DER request, URL-encoded, in the path.
  ToolResult b64 = Tool(
      {"sh", "-c",
       "base64 -w0 " + Path("req.der") + " | sed -e 's/+/%2B/g' -e 's#/#%2F#g' -e 's/=/%3D/g'"});
  ASSERT_EQ(b64.exit_code, 0);
  CurlResult got = Curl(HttpUrl(*daemon_, "/ca/root/ocsp/" + b64.out), {"-o", Path("resp.der")});
  ASSERT_EQ(got.status, 200) << got.err;
  EXPECT_NE(got.headers.find("content-type: application/ocsp-response"), std::string::npos);
  ToolResult check = Tool({"openssl", "ocsp", "-respin", Path("resp.der"), "-issuer",
                           Path("ca.pem"), "-CAfile", Path("ca.pem"), "-cert", Path("leaf.pem")});
  EXPECT_NE(check.out.find("leaf.pem: good"), std::string::npos) << check.Describe();
}

TEST_P(CaDaemonTest, TheServedCrlPassesOpenSslVerifyThenNamesTheRevokedCertificate) {
  ASSERT_TRUE(FetchCrl(*daemon_, "crl1.pem"));
  ToolResult ok = VerifyWithCrl("crl1.pem");
  EXPECT_EQ(ok.exit_code, 0) << ok.Describe();
  EXPECT_NE(ok.out.find(": OK"), std::string::npos) << ok.Describe();

  ToolResult revoked = Cli({"ca", "revoke", "--ca", "root", "--serial", leaf_serial_, "--reason",
                            "superseded", "--directory", url_});
  ASSERT_EQ(revoked.exit_code, 0) << revoked.Describe();
  ASSERT_TRUE(FetchCrl(*daemon_, "crl2.pem"));
  ToolResult bad = VerifyWithCrl("crl2.pem");
  EXPECT_NE(bad.exit_code, 0) << bad.Describe();
  EXPECT_NE((bad.out + bad.err).find("certificate revoked"), std::string::npos) << bad.Describe();
  ToolResult text = Tool({"openssl", "crl", "-in", Path("crl2.pem"), "-noout", "-text"});
  EXPECT_NE(text.out.find("X509v3 CRL Number"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("X509v3 Authority Key Identifier"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("Superseded"), std::string::npos) << text.out;
}

TEST_P(CaDaemonTest, IssueAndRevokeOverHttpsNeedAClientCertificate) {
  const std::string body = IssueBody("user-signature");
  CurlResult anonymous = Curl(HttpsUrl(*daemon_, "/ca/root/issue"), JsonPost(body));
  EXPECT_EQ(anonymous.status, 401) << anonymous.body;
  EXPECT_NE(anonymous.headers.find("content-type: application/problem+json"), std::string::npos);

  CurlResult issued = Curl(HttpsUrl(*daemon_, "/ca/root/issue"), WithClientCert(JsonPost(body)));
  ASSERT_EQ(issued.status, 200) << issued.body;
  const std::string serial = JsonField(issued.body, "serial");
  ASSERT_FALSE(serial.empty()) << issued.body;
  EXPECT_NE(issued.body.find("BEGIN CERTIFICATE"), std::string::npos);

  CurlResult revoked =
      Curl(HttpsUrl(*daemon_, "/ca/root/revoke"),
           WithClientCert(JsonPost(R"({"serial":")" + serial + R"(","reason":"keyCompromise"})")));
  EXPECT_EQ(revoked.status, 200) << revoked.body;
  CurlResult again =
      Curl(HttpsUrl(*daemon_, "/ca/root/revoke"),
           WithClientCert(JsonPost(R"({"serial":")" + serial + R"(","reason":"keyCompromise"})")));
  EXPECT_EQ(again.status, 409) << again.body;
}

TEST_P(CaDaemonTest, BadRequestsGetProblemJsonAndChangeNothing) {
  const int before = CertificateCount();
  struct Case {
    std::string path;
    std::string body;
    int status;
  };
  const std::vector<Case> cases = {
      {"/ca/root/issue", "{not json", 400},
      {"/ca/root/issue", R"({"profile":"user-signature"})", 400},
      {"/ca/root/issue", IssueBody("no-such-profile"), 404},
      {"/ca/nobody/issue", IssueBody("user-signature"), 404},
      // kSignatureInvalid: the request is well-formed but its signature fails.
      {"/ca/root/issue", IssueBody("user-signature", /*break_signature=*/true), 422},
      {"/ca/root/revoke", R"({"serial":"0badc0de","reason":"keyCompromise"})", 404},
      {"/ca/root/revoke", R"({"serial":"zz","reason":"keyCompromise"})", 400},
      {"/ca/root/revoke", R"({"serial":"0badc0de","reason":"bored"})", 400},
  };
  for (const Case& c : cases) {
    CurlResult r = Curl(HttpsUrl(*daemon_, c.path), WithClientCert(JsonPost(c.body)));
    EXPECT_EQ(r.status, c.status) << c.path << " " << c.body << " -> " << r.body;
    EXPECT_NE(r.headers.find("content-type: application/problem+json"), std::string::npos)
        << c.path << " " << c.body;
    EXPECT_NE(r.body.find("\"status\":" + std::to_string(c.status)), std::string::npos) << r.body;
  }
  EXPECT_EQ(CertificateCount(), before);
  // An OCSP request for a CertID of an issuer tesserad does not know:
  // unauthorized (RFC 6960 §2.3), not an HTTP error.
  ToolResult foreign = Tool({"openssl", "ocsp", "-issuer", Path("pki/ca.pem"), "-cert",
                             Path("pki/client.pem"), "-url", HttpUrl(*daemon_, "/ca/root/ocsp")});
  EXPECT_NE((foreign.out + foreign.err).find("unauthorized"), std::string::npos)
      << foreign.Describe();
}

INSTANTIATE_TEST_SUITE_P(Backends, CaDaemonTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgresql), ParamName);

// Two nodes and outages need PostgreSQL.
class CaTwoNodeTest : public CaDaemonTest {};

TEST_P(CaTwoNodeTest, TwoTesseradOnOnePostgresqlServeTheSameData) {
  TesseradProcess& second = StartDaemon("b");
  ToolResult good = Ocsp(second);
  EXPECT_NE(good.out.find("leaf.pem: good"), std::string::npos) << good.Describe();

  // Revoked through the first node's HTTPS API...
  CurlResult revoked = Curl(HttpsUrl(*daemon_, "/ca/root/revoke"),
                            WithClientCert(JsonPost(R"({"serial":")" + leaf_serial_ +
                                                    R"(","reason":"affiliationChanged"})")));
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  // ...the second node's OCSP and CRL say so.
  ToolResult after = Ocsp(second);
  EXPECT_NE(after.out.find("leaf.pem: revoked"), std::string::npos) << after.Describe();
  ASSERT_TRUE(FetchCrl(second, "crl-b.pem"));
  ToolResult bad = VerifyWithCrl("crl-b.pem");
  EXPECT_NE((bad.out + bad.err).find("certificate revoked"), std::string::npos) << bad.Describe();
  // And a certificate issued on the second node is known to the first.
  CurlResult issued = Curl(HttpsUrl(second, "/ca/root/issue"),
                           WithClientCert(JsonPost(IssueBody("user-signature"))));
  ASSERT_EQ(issued.status, 200) << issued.body;
  CurlResult again =
      Curl(HttpsUrl(*daemon_, "/ca/root/revoke"),
           WithClientCert(JsonPost(R"({"serial":")" + JsonField(issued.body, "serial") +
                                   R"(","reason":"superseded"})")));
  EXPECT_EQ(again.status, 200) << again.body;
}

TEST_P(CaTwoNodeTest, PostgresqlRestartFailsARequestWith503AndTheNextOneSucceeds) {
  const std::string body = IssueBody("user-signature");
  ASSERT_TRUE(SharedPostgresServer().Stop());
  CurlResult down = Curl(HttpsUrl(*daemon_, "/ca/root/issue"), WithClientCert(JsonPost(body)));
  ASSERT_TRUE(SharedPostgresServer().Start());
  EXPECT_EQ(down.status, 503) << down.body;
  EXPECT_NE(down.headers.find("content-type: application/problem+json"), std::string::npos);
  EXPECT_NE(down.headers.find("retry-after:"), std::string::npos) << down.headers;
  CurlResult up = Curl(HttpsUrl(*daemon_, "/ca/root/issue"), WithClientCert(JsonPost(body)));
  EXPECT_EQ(up.status, 200) << up.body;
}

INSTANTIATE_TEST_SUITE_P(Postgresql, CaTwoNodeTest, ::testing::Values(Backend::kPostgresql),
                         ParamName);

}  // namespace
}  // namespace tessera::testing
