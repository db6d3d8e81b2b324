// The page's routes (st_page.hpp): GET and POST /softtoken/, POST
// /softtoken/approve and /softtoken/reject, GET /softtoken/download/{id}
// and the style sheet. Errors are pages, not problem+json: the status is
// the one table's (http::ProblemFor), the words the service's.
#include "services/softtoken/st_page.hpp"

#include "services/http/form.hpp"
#include "services/http/problem.hpp"
#include "services/softtoken/st_page_html.hpp"
#include "services/softtoken/st_request.hpp"

namespace tessera::softtoken {
namespace {

constexpr std::string_view kForm = "application/x-www-form-urlencoded";

std::string Words(const Status& status) {
  if (!http::ProblemFor(status).show_detail) {
    return "The service failed. Try again; if it fails again, tell the help desk the time.";
  }
  std::string text = status.message();
  if (!text.empty()) text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
  if (!text.empty() && text.back() != '.') text += '.';
  return text;
}

int StatusOf(const Status& status) { return http::ProblemFor(status).status; }

http::Response ErrorPage(const Status& status, std::string_view card) {
  return page::Document(StatusOf(status), "Soft token not issued", card,
                        page::ErrorBody(Words(status)));
}

// The card line: the subject, or nothing when the card is refused (the page
// then says why).
std::string CardLine(SoftTokenService& service, const http::Request& request) {
  Result<std::string> subject = service.CardSubject(IdCallerOf(request));
  return subject.ok() ? *subject : std::string();
}

Result<std::map<std::string, std::string>> FormOf(const http::Request& request) {
  const std::optional<std::string_view> type = request.Header("content-type");
  if (!type || http::MediaType(*type) != kForm) {
    return http::Fault(http::HttpFault::kUnsupportedMediaType,
                       "the page's forms post application/x-www-form-urlencoded");
  }
  return http::ParseForm(request.body);
}

std::string Field(const std::map<std::string, std::string>& form, const std::string& name) {
  auto it = form.find(name);
  return it == form.end() ? std::string() : it->second;
}

Result<http::Response> GetPage(SoftTokenService& service, const http::Request& request) {
  Result<std::string> subject = service.CardSubject(IdCallerOf(request));
  if (!subject.ok()) return ErrorPage(subject.status(), {});
  return page::Document(200, "Bind your ID card to your device", *subject, page::OtpForm({}));
}

Result<http::Response> PostOtp(SoftTokenService& service, const http::Request& request) {
  const std::string card = CardLine(service, request);
  Result<std::map<std::string, std::string>> form = FormOf(request);
  if (!form.ok()) return ErrorPage(form.status(), card);
  Result<MatchAnswer> match =
      service.Match(Field(*form, "otp"), IdCallerOf(request), CallerOf(request));
  if (!match.ok()) {
    const Status& s = match.status();
    // A wrong password with tries left, or a typo: the form again, with why.
    if ((s.code() == Code::kPinIncorrect && s.detail() > 0) || s.code() == Code::kInvalidArgument ||
        s.code() == Code::kNotFound) {
      return page::Document(StatusOf(s), "Bind your ID card to your device", card,
                            page::OtpForm(Words(s)));
    }
    return ErrorPage(s, card);
  }
  return page::Document(200, "Compare the codes", card, page::MatchBody(*match));
}

Result<http::Response> PostApprove(SoftTokenService& service, const http::Request& request) {
  const std::string card = CardLine(service, request);
  Result<std::map<std::string, std::string>> form = FormOf(request);
  if (!form.ok()) return ErrorPage(form.status(), card);
  const std::string id = Field(*form, "request");
  Result<ApproveAnswer> issued =
      service.Approve(id, Field(*form, "confirmation"), {}, IdCallerOf(request), CallerOf(request));
  if (!issued.ok()) return ErrorPage(issued.status(), card);
  const std::string deliver = issued->soft_token.empty() ? "device" : "computer";
  return page::Document(200, "Soft token issued", card, page::IssuedBody(*issued, deliver));
}

Result<http::Response> PostReject(SoftTokenService& service, const http::Request& request) {
  const std::string card = CardLine(service, request);
  Result<std::map<std::string, std::string>> form = FormOf(request);
  if (!form.ok()) return ErrorPage(form.status(), card);
  Status s = service.Reject(Field(*form, "request"), Field(*form, "confirmation"),
                            IdCallerOf(request), CallerOf(request));
  if (!s.ok()) return ErrorPage(s, card);
  return page::Document(200, "Cancelled", card,
                        "<p id=\"result\" role=\"status\">Nothing was issued. The request is "
                        "closed.</p>\n<p><a href=\"/softtoken/\">Start again</a></p>\n");
}

Result<http::Response> GetDownload(SoftTokenService& service, const http::Request& request) {
  Result<ApproveAnswer> token = service.Fetch(request.params.at("id"), IdCallerOf(request));
  if (!token.ok()) return ErrorPage(token.status(), CardLine(service, request));
  http::Response response;
  const bool x509 = token->format == "x509";
  response.content_type = x509 ? "application/pem-certificate-chain" : "application/dc+sd-jwt";
  response.body = token->soft_token;
  response.headers.emplace_back(
      "Content-Disposition",
      std::string("attachment; filename=\"softtoken.") + (x509 ? "pem" : "sd-jwt") + "\"");
  response.headers.emplace_back("Cache-Control", "no-store");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return response;
}

}  // namespace

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

void AddSoftTokenPage(http::Router& router, const std::shared_ptr<SoftTokenService>& service) {
  auto bind = [service](Result<http::Response> (*fn)(SoftTokenService&, const http::Request&)) {
    return [service, fn](const http::Request& request) { return fn(*service, request); };
  };
  router.Add("GET", "/softtoken", bind(GetPage));
  router.Add("GET", "/softtoken/", bind(GetPage));
  router.Add("POST", "/softtoken/", bind(PostOtp));
  router.Add("POST", "/softtoken/approve", bind(PostApprove));
  router.Add("POST", "/softtoken/reject", bind(PostReject));
  router.Add("GET", "/softtoken/download/{id}", bind(GetDownload));
  router.Add("GET", "/softtoken/style.css", [](const http::Request&) -> Result<http::Response> {
    http::Response response;
    response.content_type = "text/css; charset=utf-8";
    response.body = page::StyleSheet();
    response.headers.emplace_back("Cache-Control", "max-age=3600");
    return response;
  });
}

}  // namespace tessera::softtoken
