// The soft-token service's one-time passwords and comparison codes (seed
// 002; docs/softtoken-api.md "The one-time password").
//
// An OTP is 10 characters of Crockford's base32 (0-9 and A-Z without I, L,
// O and U), shown "ABCDE-FGHJK". The first 3 are the request's handle: not
// secret, unique among pending requests, they say which request a typed
// password is for, so a wrong guess counts against that request's tries.
// The last 7 are the secret: 35 bits, so with 5 tries a guesser wins with
// odds of 5 / 2^35 = 1.5e-10 per request. The service keeps only the handle
// and OtpHash.
//
// The comparison code is 6 of the same characters, shown "ABC-DEF", derived
// from both channels' keys (the device's key on channel 1, the ID token's
// certificate key on channel 2) and a fresh nonce of the match: the device
// and the computer show it, and the user confirms that they agree.
//
// Errors: kInvalidArgument for a typed password that is not 10 such
// characters; kInternal when the RNG fails. Stateless; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/bytes.hpp"
#include "common/status.hpp"

namespace tessera::softtoken {

inline constexpr std::size_t kOtpLength = 10;
inline constexpr std::size_t kHandleLength = 3;
inline constexpr std::size_t kSecretBits = 5 * (kOtpLength - kHandleLength);  // 35
inline constexpr std::size_t kComparisonLength = 6;

struct Otp {
  std::string handle;  // 3 characters
  std::string secret;  // 7 characters
  // "ABCDE-FGHJK": what the device shows.
  std::string Display() const;
};

// A fresh password from the host's CSPRNG.
Result<Otp> MakeOtp();
// A password with a chosen handle (a retry after a handle collision).
Result<Otp> MakeOtpWithHandle(std::string handle);
// What the user typed, normalised: case folded, '-' and spaces dropped, O
// read as 0, I and L as 1 (Crockford). kInvalidArgument otherwise.
Result<Otp> ParseOtp(std::string_view typed);

// SHA-256("tessera softtoken otp v1" 00 request-id secret): what is stored.
Bytes OtpHash(std::string_view request_id, std::string_view secret);

// The first 30 bits of SHA-256("tessera softtoken comparison v1" 00
// request-id 00 len16(device SPKI) device SPKI len16(ID SPKI) ID SPKI
// match-nonce): 6 characters, stored so; shown "ABC-DEF".
std::string ComparisonCode(std::string_view request_id, ByteView device_spki, ByteView id_spki,
                           ByteView match_nonce);

std::string DisplayComparison(std::string_view code);
// What a user typed as a comparison code: upper case, without '-' or spaces.
std::string NormalizeComparison(std::string_view typed);

// Crockford base32 of the first 5*n bits of `data` (n characters).
std::string Crockford(ByteView data, std::size_t n);

}  // namespace tessera::softtoken
