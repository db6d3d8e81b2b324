// Strict JSON reading for the tokens of tessera_jose (JWT headers and
// payloads, SD-JWT disclosures, JWKs): what nlohmann::json::parse accepts,
// minus the two things it forgives. A member name twice in one object is
// refused (I-JSON, RFC 7493 §2.3; RFC 7515 §5.2 step 4 for JOSE headers),
// not silently resolved to the last one, and nesting is bounded so that
// walking a parsed value recursively cannot exhaust the stack.
// Stateless, thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "common/status.hpp"

namespace tessera::jose {

// The deepest nesting of arrays and objects ParseJsonStrict accepts.
inline constexpr int kMaxJsonDepth = 32;

// Parses `text`. kInvalidArgument, the message starting with `what` ("JWT
// payload: ..."), for text that is not JSON, a member name given twice, or
// nesting deeper than kMaxJsonDepth.
Result<nlohmann::json> ParseJsonStrict(std::string_view text, std::string_view what);

// The member `name` of `object` as a string / an integer; kInvalidArgument
// naming `what` and `name` when it is missing or of another type. Integers
// are those nlohmann reads as integers (no fraction, no exponent).
Result<std::string> StringMember(const nlohmann::json& object, std::string_view name,
                                 std::string_view what);
Result<std::int64_t> IntegerMember(const nlohmann::json& object, std::string_view name,
                                   std::string_view what);

}  // namespace tessera::jose
