// The bytes the soft-token device signs and the codes people read and type
// (docs/softtoken-api.md; issue 15 design "Channel 1", "OTP"):
//
//   PopMessage  = "tessera-softtoken-v1" 00 "request" 00 nonce(32)
//                 tls_exporter(32) SHA-256(device SPKI DER)(32)
//   PollMessage = "tessera-softtoken-v1" 00 "poll" 00 request-id(ASCII 32 hex)
//                 tls_exporter(32)
//
// tls_exporter is RFC 9266's of the connection the request is sent on
// (HttpsClient::JsonBound). One-time passwords are 10 characters of
// Crockford base32 shown "ABCDE-FGHJK", comparison codes 6 shown "ABC-DEF";
// input is normalised as the service does (upper case, '-' and spaces
// dropped, O->0, I and L->1). Errors: kInvalidArgument naming the fault.
// Value code; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/bytes.hpp"
#include "common/status.hpp"

namespace tessera::cli::softtoken {

inline constexpr std::size_t kNonceBytes = 32;
inline constexpr std::size_t kExporterBytes = 32;
inline constexpr std::size_t kOtpLength = 10;
inline constexpr std::size_t kComparisonLength = 6;

Result<Bytes> PopMessage(ByteView nonce, ByteView exporter, ByteView device_spki);
// `request_id` must be the service's 32 lower-case hex characters.
Result<Bytes> PollMessage(std::string_view request_id, ByteView exporter);

// True for a request ID the service gives (32 lower-case hex): the only
// thing the CLI puts in a request path.
bool IsRequestId(std::string_view id);

// The `length` Crockford characters of a typed code, normalised; `what`
// names it in the error ("one-time password").
Result<std::string> NormaliseCode(std::string_view typed, std::size_t length,
                                  const std::string& what);
// "ABCDEFGHJK" -> "ABCDE-FGHJK", "ABCDEF" -> "ABC-DEF": the code split in
// two halves (the longer first) with a '-'.
std::string DisplayCode(std::string_view normalised);

}  // namespace tessera::cli::softtoken
