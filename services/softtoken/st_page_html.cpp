#include "services/softtoken/st_page_html.hpp"

#include <ctime>

#include "services/softtoken/st_page.hpp"

namespace tessera::softtoken::page {
namespace {

constexpr std::string_view kCsp =
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'";

std::string UtcTime(std::int64_t t) {
  const auto time = static_cast<std::time_t>(t);
  std::tm tm{};
  if (gmtime_r(&time, &tm) == nullptr) return std::to_string(t);
  char text[32];
  (void)std::strftime(text, sizeof text, "%Y-%m-%d %H:%M UTC", &tm);
  return text;
}

}  // namespace

http::Response Document(int status, std::string_view title, std::string_view card,
                        const std::string& body) {
  std::string html;
  html += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  html += "<title>" + HtmlEscape(title) + " - Tessera soft token</title>\n";
  html += "<link rel=\"stylesheet\" href=\"/softtoken/style.css\">\n</head>\n<body>\n";
  html += "<header><p class=\"brand\">Tessera soft token</p></header>\n<main>\n";
  html += "<h1>" + HtmlEscape(title) + "</h1>\n";
  if (!card.empty()) {
    html +=
        "<p class=\"card\">Your ID card: <span id=\"card\">" + HtmlEscape(card) + "</span></p>\n";
  }
  html += body;
  html += "</main>\n</body>\n</html>\n";
  http::Response response;
  response.status = status;
  response.content_type = "text/html; charset=utf-8";
  response.body = std::move(html);
  response.headers.emplace_back("Content-Security-Policy", std::string(kCsp));
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

std::string OtpForm(std::string_view message) {
  std::string html;
  if (!message.empty()) {
    html += "<p class=\"error\" id=\"error\" role=\"alert\">" + HtmlEscape(message) + "</p>\n";
  }
  html += R"(<p>Your device shows a one-time password. Type it here to bind your ID card's
attributes to the device.</p>
<form method="post" action="/softtoken/">
<label for="otp">One-time password</label>
<input id="otp" name="otp" type="text" autocomplete="one-time-code" autocapitalize="characters"
 spellcheck="false" inputmode="text" maxlength="20" required autofocus
 aria-describedby="otp-hint">
<p id="otp-hint" class="hint">10 characters, as ABCDE-FGHJK. The dash is optional.</p>
<button type="submit" id="submit">Continue</button>
</form>
)";
  return html;
}

std::string MatchBody(const MatchAnswer& match) {
  std::string html;
  html += "<p>Check that your device shows this comparison code:</p>\n";
  html += "<p class=\"code\" id=\"comparison\" aria-label=\"Comparison code\">" +
          HtmlEscape(match.comparison) + "</p>\n";
  html +=
      "<p>If the device shows a different code, or none, press Cancel: someone else may "
      "have sent you their password.</p>\n";
  html += "<h2>What the soft token will bind</h2>\n<dl id=\"attributes\">\n";
  for (const auto& [name, value] : match.attributes) {
    html += "<dt>" + HtmlEscape(name) + "</dt><dd>" + HtmlEscape(value) + "</dd>\n";
  }
  html += "</dl>\n";
  const std::string hidden = "<input type=\"hidden\" name=\"request\" value=\"" +
                             HtmlEscape(match.request_id) +
                             "\">\n<input type=\"hidden\" name=\"confirmation\" value=\"" +
                             HtmlEscape(match.confirmation) + "\">\n";
  html += "<div class=\"actions\">\n<form method=\"post\" action=\"/softtoken/approve\">\n" +
          hidden + "<button type=\"submit\" id=\"confirm\">The codes match: issue</button>\n" +
          "</form>\n<form method=\"post\" action=\"/softtoken/reject\">\n" + hidden +
          "<button type=\"submit\" id=\"cancel\" class=\"secondary\">Cancel</button>\n"
          "</form>\n</div>\n";
  return html;
}

std::string IssuedBody(const ApproveAnswer& issued, std::string_view deliver) {
  std::string html =
      "<p id=\"result\" class=\"ok\" role=\"status\">The soft token is issued.</p>\n";
  if (deliver != "computer") html += "<p>Your device fetches it now.</p>\n";
  if (!issued.soft_token.empty()) {
    html += "<p><a id=\"download\" href=\"/softtoken/download/" + HtmlEscape(issued.token_id) +
            "\" download>Download the soft token</a> (" + HtmlEscape(issued.format) + ")</p>\n";
  }
  html +=
      "<p class=\"hint\">It is valid until the time below, or until your ID card is "
      "revoked, whichever comes first: <time id=\"expires\">" +
      UtcTime(issued.expires_at) + "</time>.</p>\n";
  return html;
}

std::string ErrorBody(std::string_view message) {
  return "<p class=\"error\" id=\"error\" role=\"alert\">" + HtmlEscape(message) +
         "</p>\n<p><a href=\"/softtoken/\">Start again</a></p>\n";
}

const std::string& StyleSheet() {
  static const std::string kCss =
      R"(:root { color-scheme: light dark; font-family: system-ui, sans-serif; }
body { margin: 0; line-height: 1.5; }
header { padding: 0.5rem 1rem; background: #1f3a5f; color: #fff; }
.brand { margin: 0; font-weight: 600; }
main { max-width: 34rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.5rem; }
label { display: block; font-weight: 600; margin-top: 1rem; }
input[type=text] { font: inherit; font-size: 1.4rem; letter-spacing: 0.1em; width: 100%;
  box-sizing: border-box; padding: 0.5rem; text-transform: uppercase; }
button { font: inherit; padding: 0.6rem 1.2rem; margin-top: 1rem; border-radius: 0.3rem;
  border: 2px solid #1f3a5f; background: #1f3a5f; color: #fff; cursor: pointer; }
button.secondary { background: transparent; color: inherit; }
button:focus-visible, a:focus-visible, input:focus-visible { outline: 3px solid #e8a33d;
  outline-offset: 2px; }
.actions { display: flex; flex-wrap: wrap; gap: 1rem; }
.code { font-size: 2.5rem; font-family: ui-monospace, monospace; letter-spacing: 0.15em;
  text-align: center; border: 2px dashed currentColor; padding: 0.5rem; }
.error { border-left: 4px solid #b00020; padding-left: 0.75rem; }
.ok { border-left: 4px solid #2e7d32; padding-left: 0.75rem; }
.hint, .card { font-size: 0.9rem; opacity: 0.85; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; }
dt { font-weight: 600; } dd { margin: 0; overflow-wrap: anywhere; }
)";
  return kCss;
}

}  // namespace tessera::softtoken::page
