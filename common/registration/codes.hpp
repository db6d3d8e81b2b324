// The two short codes of the registration protocol, in the RFC 4648 §6
// base32 alphabet (A-Z, 2-7) so that people can read them out:
//
// - the user ID code (UIDC, seed 001 claims 2 and 8f): "U" followed by the
//   first 15 base32 characters (75 bits) of an HMAC the gateway computes in
//   its HSM over the user ID; 16 characters, unique in the directory;
// - the enrolment code an administrator issues (`tessera reg code issue`):
//   20 base32 characters (100 bits) from a CSPRNG, shown in groups of five
//   ("ABCDE-FGHIJ-KLMNO-PQRST"). The gateway stores only its SHA-256.
//
// Errors: kInvalidArgument for input of the wrong size or alphabet.
// Stateless; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/bytes.hpp"
#include "common/status.hpp"

namespace tessera::registration {

inline constexpr std::size_t kUidcLength = 16;
inline constexpr std::size_t kEnrolmentCodeLength = 20;
inline constexpr std::size_t kEnrolmentCodeEntropy = 13;  // bytes of randomness in
inline constexpr std::string_view kUidcLabel = "tessera reg v1 uidc";

// RFC 4648 §6 base32 without padding.
std::string Base32(ByteView data);

// "U" + Base32(mac)[0..15]. `mac` is at least 10 bytes.
[[nodiscard]] Result<std::string> FormatUidc(ByteView mac);

// The 20-character code from 13 random bytes, grouped by dashes.
[[nodiscard]] Result<std::string> FormatEnrolmentCode(ByteView random);

// The code as typed, upper-cased, with dashes and spaces removed; 20
// characters of the alphabet, or kInvalidArgument.
[[nodiscard]] Result<std::string> NormalizeEnrolmentCode(std::string_view typed);

// SHA-256 of the normalized code: what the directory keeps.
[[nodiscard]] Result<Bytes> EnrolmentCodeHash(std::string_view typed);

}  // namespace tessera::registration
