// The page at /softtoken/ through the routes (seed 002; docs/softtoken-
// api.md "The page"): an http::Router with AddSoftTokenRoutes, called with
// hand-made requests carrying the client certificate and the tls-exporter
// the server would set. Attributes with markup come out escaped; no client
// certificate is an HTML error page with 403; the whole form flow issues a
// soft token to download. SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "services/http/router.hpp"
#include "services/softtoken/st_routes.hpp"
#include "tests/integration/services/softtoken/st_service_fixture.hpp"

namespace tessera::softtoken::testing {
namespace {

class StPage : public StServiceTest {
 protected:
  void SetUpRoutes() { AddSoftTokenRoutes(router_, shared_service()); }

  http::Response Call(const std::string& method, const std::string& path, const Card* card,
                      const std::string& body = "",
                      const std::string& type = "application/x-www-form-urlencoded") {
    Result<http::Router::Match> found = router_.Find(method, path);
    EXPECT_TRUE(found.ok()) << method << " " << path << ": " << found.status().ToString();
    if (!found.ok()) return {};
    http::Request request;
    request.method = method;
    request.target = path;
    request.path = path;
    request.params = found->params;
    if (!body.empty()) request.headers.emplace_back("content-type", type);
    request.body = body;
    request.request_id = "page-test";
    request.remote = "127.0.0.1:5555";
    const Bytes exporter = Exporter(0x70);
    request.tls_exporter.assign(exporter.begin(), exporter.end());
    if (card != nullptr) {
      request.client_certificate.assign(card->certificate.begin(), card->certificate.end());
      request.client_subject = "CN=Card of " + card->user;
    }
    Result<http::Response> response = (*found->handler)(request);
    EXPECT_TRUE(response.ok()) << response.status().ToString();
    return response.ok() ? *response : http::Response{};
  }

  static std::string Hidden(const std::string& html, const std::string& name) {
    std::smatch m;
    const std::regex re("name=\"" + name + "\" value=\"([^\"]*)\"");
    return std::regex_search(html, m, re) ? m[1].str() : std::string();
  }

  http::Router router_;
};

TEST_P(StPage, TheFormFlowEscapesEveryAttribute) {
  Bring();
  SetUpRoutes();
  const Card eve = IssueCard("eve", 1003);
  Result<RequestCreated> created = Request(0, Exporter(1), "both");
  ASSERT_TRUE(created.ok()) << created.status().ToString();

  http::Response start = Call("GET", "/softtoken/", &eve);
  EXPECT_EQ(start.status, 200);
  EXPECT_EQ(start.content_type, "text/html; charset=utf-8");
  EXPECT_NE(start.body.find("Card of eve"), std::string::npos);
  EXPECT_NE(start.body.find("name=\"otp\""), std::string::npos);
  EXPECT_EQ(start.body.find("<script"), std::string::npos);

  // A wrong password: the form again, with the tries left.
  std::string wrong = created->otp;
  wrong.back() = wrong.back() == 'Z' ? 'Y' : 'Z';
  http::Response retry = Call("POST", "/softtoken/", &eve, "otp=" + wrong);
  EXPECT_EQ(retry.status, 403);
  EXPECT_NE(retry.body.find("Wrong one-time password; 4 tries left."), std::string::npos)
      << retry.body;
  EXPECT_NE(retry.body.find("role=\"alert\""), std::string::npos);

  http::Response match = Call("POST", "/softtoken/", &eve, "otp=" + created->otp);
  ASSERT_EQ(match.status, 200) << match.body;
  EXPECT_NE(match.body.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos)
      << match.body;
  EXPECT_NE(match.body.find("&lt;b&gt;Org&lt;/b&gt; &amp; Co"), std::string::npos);
  EXPECT_NE(match.body.find("E&lt;1&gt;"), std::string::npos);
  EXPECT_EQ(match.body.find("<script"), std::string::npos) << "markup came through unescaped";
  EXPECT_EQ(match.body.find("<b>"), std::string::npos);
  const std::optional<directory::SoftTokenRequestRecord> row = Row(created->id);
  ASSERT_TRUE(row.has_value() && row->comparison.has_value());
  EXPECT_NE(match.body.find(row->comparison->substr(0, 3) + "-" + row->comparison->substr(3)),
            std::string::npos)
      << "the comparison code is shown";
  const std::string request = Hidden(match.body, "request");
  const std::string confirmation = Hidden(match.body, "confirmation");
  EXPECT_EQ(request, created->id);
  ASSERT_FALSE(confirmation.empty());

  http::Response issued = Call("POST", "/softtoken/approve", &eve,
                               "request=" + request + "&confirmation=" + confirmation);
  ASSERT_EQ(issued.status, 200) << issued.body;
  EXPECT_NE(issued.body.find("The soft token is issued."), std::string::npos);
  std::smatch link;
  ASSERT_TRUE(
      std::regex_search(issued.body, link, std::regex("/softtoken/download/([0-9a-f]{32})")))
      << issued.body;
  http::Response download = Call("GET", "/softtoken/download/" + link[1].str(), &eve);
  EXPECT_EQ(download.status, 200);
  EXPECT_EQ(download.content_type, "application/dc+sd-jwt");
  EXPECT_EQ(std::count(download.body.begin(), download.body.end(), '~'), 8)
      << "the issuer JWT and 7 disclosures";
  EXPECT_EQ(State(created->id), "issued");

  // The JSON route's answer carries the markup as JSON, not as HTML.
  http::Response fetched = Call("GET", "/softtoken/v1/tokens/" + link[1].str(), &eve);
  const auto json = nlohmann::json::parse(fetched.body, nullptr, false);
  ASSERT_TRUE(json.is_object()) << fetched.body;
  EXPECT_EQ(json.value("soft_token", ""), download.body);
}

TEST_P(StPage, WithoutAClientCertificateThePageIsAnErrorPage) {
  Bring();
  SetUpRoutes();
  http::Response page = Call("GET", "/softtoken/", nullptr);
  EXPECT_EQ(page.status, 403);
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("No ID token"), std::string::npos) << page.body;
  EXPECT_NE(page.body.find("role=\"alert\""), std::string::npos);
  EXPECT_NE(page.body.find("<!DOCTYPE html>"), std::string::npos);
  http::Response post = Call("POST", "/softtoken/", nullptr, "otp=ABCDE-FGHJK");
  EXPECT_EQ(post.status, 403);
  EXPECT_NE(post.body.find("No ID token"), std::string::npos) << post.body;
  // The JSON routes of channel 2 ask the server for a client certificate.
  Result<http::Router::Match> confirm = router_.Find("POST", "/softtoken/v1/confirm");
  ASSERT_TRUE(confirm.ok());
  EXPECT_TRUE(confirm->options.require_client_cert);
}

INSTANTIATE_TEST_SUITE_P(Backends, StPage, ::testing::Values("sqlite", "postgresql"));

}  // namespace
}  // namespace tessera::softtoken::testing
