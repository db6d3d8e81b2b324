// The user identification of the registration protocol (seed 001 claims 1
// and 8c; docs/registration-protocol.md): what the host puts in tag 85 of
// C1 next to SSK1. The token carries it opaquely; the gateway reads it.
//
//   C0 user ID             [A-Za-z0-9._@-]{1,128}, as the directory's users.id
//   C1 enrolment code      optional; 1..64 printable ASCII
//   C2 template answers    optional; a JSON object, at most 768 bytes
//
// Decoding is as strict as messages.hpp (order, lengths, canonical form),
// and its errors are kInvalidArgument naming the field. The code is a
// credential: the struct is wiped by its SecureBytes member only, so keep
// UserInfo values short-lived. Stateless; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/bytes.hpp"
#include "common/status.hpp"

namespace tessera::registration {

inline constexpr std::size_t kMaxUserId = 128;
inline constexpr std::size_t kMaxCodeText = 64;
inline constexpr std::size_t kMaxAnswers = 768;

namespace tag {
inline constexpr std::uint8_t kUserId = 0xC0;
inline constexpr std::uint8_t kEnrolmentCode = 0xC1;
inline constexpr std::uint8_t kTemplateAnswers = 0xC2;
}  // namespace tag

struct UserInfo {
  std::string user_id;
  std::string code;     // empty: none (a CMS-bound token, or an open gateway)
  std::string answers;  // empty: none; otherwise JSON text
};

// [A-Za-z0-9._@-]{1,128}.
bool IsValidUserId(std::string_view id);

// kInvalidArgument when a field breaks the rules above.
[[nodiscard]] Result<Bytes> Encode(const UserInfo& info);
[[nodiscard]] Result<UserInfo> DecodeUserInfo(ByteView data);

}  // namespace tessera::registration
