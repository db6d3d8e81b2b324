// application/x-www-form-urlencoded bodies and query strings (WHATWG URL
// Standard §5.1, the format HTML forms submit): "a=1&b=two+words". The
// soft-token page's forms post it. Stateless; thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "common/status.hpp"

namespace tessera::http {

// Name -> value; '+' is a space, then percent-decoding. Empty pieces ("a=1&&b")
// are skipped, a piece without '=' is a name with an empty value.
// kInvalidArgument for a bad percent escape, an encoded NUL, a name given
// twice (no Tessera form repeats one), or more than `max_fields` fields.
Result<std::map<std::string, std::string>> ParseForm(std::string_view body,
                                                     std::size_t max_fields = 32);

// The media type of a Content-Type value without its parameters, lower-case:
// "Application/X-WWW-Form-Urlencoded; charset=UTF-8" ->
// "application/x-www-form-urlencoded".
std::string MediaType(std::string_view content_type);

}  // namespace tessera::http
