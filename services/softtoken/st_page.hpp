// The soft-token page of channel 2 at /softtoken/ (seed 002; docs/softtoken-
// api.md "The page"): plain HTML forms and CSS, no script. The user's ID
// token authenticates the TLS connection; the user types the one-time
// password the device shows, sees the comparison code and the attributes,
// confirms, and may download the soft token. Every value from outside (an
// attribute, a subject, an error message) is HTML-escaped; the answers
// carry a Content-Security-Policy that allows no script at all.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "services/http/router.hpp"
#include "services/softtoken/softtoken_service.hpp"

namespace tessera::softtoken {

void AddSoftTokenPage(http::Router& router, const std::shared_ptr<SoftTokenService>& service);

// & < > " ' as character references (HTML Living Standard §13.1.4 text and
// attribute values).
std::string HtmlEscape(std::string_view text);

}  // namespace tessera::softtoken
