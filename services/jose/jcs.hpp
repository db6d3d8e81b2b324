// JSON canonicalization (RFC 8785, JCS): the one byte form of a JSON value
// that E-forms are signed in (docs/cms-api.md "E-forms"). Part of the shared
// services library tessera_jose (docs/architecture.md), so that the CMS and
// the registration gateway sign JSON the same way.
//
// Object members sorted by their names' UTF-16 code units, no whitespace,
// strings escaped as RFC 8785 §3.2.2.2 says, numbers as ECMAScript prints
// them. Tessera's E-forms carry only integers, so a number that is not an
// integer in [-(2^53-1), 2^53-1] is refused (kInvalidArgument) rather than
// printed approximately. Stateless, thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "common/status.hpp"

namespace tessera::jose {

// The canonical bytes of `value`. kInvalidArgument for a non-integer or
// out-of-range number, or a string that is not valid UTF-8.
Result<std::string> Canonicalize(const nlohmann::json& value);

// Parses `text` as JSON and checks that it is already canonical: true when
// Canonicalize(parse(text)) == text byte for byte. kInvalidArgument when
// `text` is not JSON (nlohmann's message), or duplicates a member name.
Result<bool> IsCanonical(std::string_view text);

}  // namespace tessera::jose
