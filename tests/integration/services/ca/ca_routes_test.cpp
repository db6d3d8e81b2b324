// The CA's routes (ca_routes.hpp) on a Router, called the way tesserad
// calls them: content types, caching headers, JSON bodies, and errors that
// travel as Status for the server's one table.
#include "services/ca/ca_routes.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <nlohmann/json.hpp>

#include "tests/integration/services/ca/ca_fixture.hpp"

namespace tessera::ca::testing {
namespace {

using tessera::testing::ToolResult;

class CaRoutesTest : public CaTest {
 protected:
  void SetUp() override {
    CaTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_NO_FATAL_FAILURE(InitCa("root"));
    ASSERT_NO_FATAL_FAILURE(InitCa("issuing", "root"));
    AddCaRoutes(router_, SharedService());
  }

  Result<http::Response> Call(const std::string& method, const std::string& path,
                              const std::string& body = "",
                              std::vector<std::pair<std::string, std::string>> headers = {}) {
    auto match = router_.Find(method, path);
    if (!match.ok()) return match.status();
    http::Request request;
    request.method = method;
    request.path = path;
    request.target = path;
    request.params = match->params;
    request.headers = std::move(headers);
    request.body = body;
    request.request_id = "test-request";
    request.client_subject = "CN=Officer One";
    return (*match->handler)(request);
  }

  static std::optional<std::string> HeaderOf(const http::Response& response,
                                             const std::string& name) {
    for (const auto& [key, value] : response.headers) {
      if (key == name) return value;
    }
    return std::nullopt;
  }

  http::Router router_;
};

TEST_F(CaRoutesTest, CrlIsDerWithCachingHeadersAndAnsweredNotModified) {
  auto crl = Call("GET", "/ca/issuing/crl");
  ASSERT_TRUE(crl.ok()) << crl.status().ToString();
  EXPECT_EQ(crl->status, 200);
  EXPECT_EQ(crl->content_type, "application/pkix-crl");
  EXPECT_EQ(static_cast<unsigned char>(crl->body.at(0)), 0x30);
  ASSERT_TRUE(HeaderOf(*crl, "ETag"));
  EXPECT_NE(HeaderOf(*crl, "Cache-Control")->find("max-age="), std::string::npos);
  EXPECT_TRUE(HeaderOf(*crl, "Last-Modified"));
  auto again = Call("GET", "/ca/issuing/crl", "", {{"if-none-match", *HeaderOf(*crl, "ETag")}});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->status, 304);
  EXPECT_TRUE(again->body.empty());
  EXPECT_EQ(Call("GET", "/ca/nobody/crl").status().code(), Code::kNotFound);
}

TEST_F(CaRoutesTest, IssueRevokeAndOcspOverTheRoutes) {
  const std::string csr =
      ReadFile(MakeCsr("server", "/CN=www.example.test", "subjectAltName=DNS:www.example.test"));
  auto issued = Call("POST", "/ca/issuing/issue",
                     nlohmann::json{{"profile", "tls-server"}, {"csr", csr}}.dump(),
                     {{"content-type", "application/json"}});
  ASSERT_TRUE(issued.ok()) << issued.status().ToString();
  const auto body = nlohmann::json::parse(issued->body);
  WriteFile(Work("server.pem"), AsBytes(body.at("certificate").get<std::string>()));
  const std::string serial = body.at("serial").get<std::string>();
  EXPECT_TRUE(router_.Find("POST", "/ca/issuing/issue")->options.require_client_cert);
  EXPECT_TRUE(router_.Find("POST", "/ca/issuing/revoke")->options.require_client_cert);
  EXPECT_FALSE(router_.Find("POST", "/ca/issuing/ocsp")->options.require_client_cert);

  ToolResult made = Run({"openssl", "ocsp", "-issuer", Work("issuing.pem"), "-cert",
                         Work("server.pem"), "-no_nonce", "-reqout", Work("req.der")});
  ASSERT_EQ(made.exit_code, 0) << made.Describe();
  const std::string request = ReadFile(Work("req.der"));
  auto posted =
      Call("POST", "/ca/issuing/ocsp", request, {{"content-type", "application/ocsp-request"}});
  ASSERT_TRUE(posted.ok()) << posted.status().ToString();
  EXPECT_EQ(posted->content_type, "application/ocsp-response");
  // GET (RFC 6960 appendix A.1): the same cached answer, with caching headers.
  std::string base64(4 * ((request.size() + 2) / 3) + 1, '\0');
  base64.resize(static_cast<std::size_t>(EVP_EncodeBlock(
      reinterpret_cast<unsigned char*>(base64.data()),
      reinterpret_cast<const unsigned char*>(request.data()), static_cast<int>(request.size()))));
  std::string encoded;
  for (char c : base64) encoded += c == '/' ? std::string("%2F") : std::string(1, c);
  auto got = Call("GET", "/ca/issuing/ocsp/" + encoded);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->body, posted->body);
  EXPECT_NE(HeaderOf(*got, "Cache-Control")->find("max-age="), std::string::npos);

  auto wrong_type = Call("POST", "/ca/issuing/ocsp", request, {{"content-type", "text/plain"}});
  EXPECT_EQ(wrong_type.status().code(), Code::kRefused);

  auto revoked = Call("POST", "/ca/issuing/revoke",
                      nlohmann::json{{"serial", serial}, {"reason", "superseded"}}.dump(),
                      {{"content-type", "application/json"}});
  ASSERT_TRUE(revoked.ok()) << revoked.status().ToString();
  EXPECT_EQ(nlohmann::json::parse(revoked->body).at("reason"), "superseded");
  auto twice = Call("POST", "/ca/issuing/revoke",
                    nlohmann::json{{"serial", serial}, {"reason", "superseded"}}.dump(),
                    {{"content-type", "application/json"}});
  EXPECT_EQ(twice.status().code(), Code::kAlreadyExists);

  auto after =
      Call("POST", "/ca/issuing/ocsp", request, {{"content-type", "application/ocsp-request"}});
  ASSERT_TRUE(after.ok());
  WriteFile(Work("resp.der"), AsBytes(after->body));
  WriteFile(Work("chain.pem"), AsBytes(ReadFile(Work("issuing.pem")) + ReadFile(Work("root.pem"))));
  ToolResult checked =
      Run({"openssl", "ocsp", "-respin", Work("resp.der"), "-CAfile", Work("chain.pem"), "-issuer",
           Work("issuing.pem"), "-cert", Work("server.pem"), "-no_nonce"});
  EXPECT_NE(checked.out.find(": revoked"), std::string::npos) << checked.Describe();
}

TEST_F(CaRoutesTest, BadJsonAndBadCsrAreStatusesNotAnswers) {
  auto bad_json =
      Call("POST", "/ca/issuing/issue", "{\"profile\":", {{"content-type", "application/json"}});
  EXPECT_EQ(bad_json.status().code(), Code::kInvalidArgument);
  auto unknown_field =
      Call("POST", "/ca/issuing/issue",
           nlohmann::json{{"profile", "officer"}, {"csr", "x"}, {"extra", 1}}.dump(),
           {{"content-type", "application/json"}});
  EXPECT_EQ(unknown_field.status().code(), Code::kInvalidArgument);
  auto not_a_csr = Call("POST", "/ca/issuing/issue",
                        nlohmann::json{{"profile", "officer"}, {"csr", "garbage"}}.dump(),
                        {{"content-type", "application/json"}});
  EXPECT_EQ(not_a_csr.status().code(), Code::kInvalidArgument);
  auto bad_reason = Call("POST", "/ca/issuing/revoke",
                         nlohmann::json{{"serial", "01"}, {"reason", "whatever"}}.dump(),
                         {{"content-type", "application/json"}});
  EXPECT_EQ(bad_reason.status().code(), Code::kInvalidArgument);
  auto certificate = Call("GET", "/ca/issuing/certificate");
  ASSERT_TRUE(certificate.ok());
  EXPECT_EQ(certificate->body, ReadFile(Work("issuing.pem")) + ReadFile(Work("root.pem")));
}

}  // namespace
}  // namespace tessera::ca::testing

namespace tessera::ca::testing {
namespace {

class CaScheduleTest : public CaTest {
 protected:
  void SetUp() override {
    CaTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_NO_FATAL_FAILURE(InitCa("root"));
  }
};

TEST_F(CaScheduleTest, CrlIsReissuedPastItsRefreshPointAndNotBefore) {
  auto first = Service().CurrentCrl("root");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->number, 1);
  EXPECT_EQ(first->next_update - first->this_update, 24 * 3600);
  AdvanceClock(6 * 3600);
  EXPECT_EQ(Service().CurrentCrl("root")->number, 1);  // before the 12 h refresh point
  AdvanceClock(7 * 3600);
  auto second = Service().CurrentCrl("root");
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->number, 2);
  EXPECT_GT(second->this_update, first->this_update);
  EXPECT_TRUE(Service().EnsureFresh(SystemClock() + 13 * 3600).ok());
  EXPECT_EQ(CountRows("crls"), 2);  // fresh already: nothing re-issued
}

TEST_F(CaScheduleTest, ResponderCertificateIsRenewedNearItsEnd) {
  auto before = Service().List();
  ASSERT_TRUE(before.ok());
  ASSERT_TRUE(Service().EnsureFresh(SystemClock()).ok());
  EXPECT_EQ(Service().List()->at(0).ocsp_certificate, before->at(0).ocsp_certificate);
  ASSERT_TRUE(Service().EnsureFresh(SystemClock() + 25 * 86400).ok());
  auto after = Service().List();
  ASSERT_TRUE(after.ok());
  EXPECT_NE(after->at(0).ocsp_certificate, before->at(0).ocsp_certificate);
  EXPECT_EQ(after->at(0).ocsp_key_label, before->at(0).ocsp_key_label);  // the same key
}

}  // namespace
}  // namespace tessera::ca::testing
