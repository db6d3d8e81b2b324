// TokenRecord: what the directory knows about one token (seed 003, claims 6,
// 17, 29 and 35): its UID, its serial, the cryptogram RSA-OAEP(public key, R)
// from which the HSM recovers the token's KRK, the key versions, and where the
// token is in its life.
//
// The cryptogram is written while the token is still kPersonalizing, before
// any key goes onto the card: if the host died after the card took its KRK but
// before the cryptogram was stored, the KRK would be lost for ever (R is
// erased in the HSM, claim 7). A plain value type; thread-compatible.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "common/bytes.hpp"
#include "common/status.hpp"

namespace tessera::directory {

// The card manager's non-mutable unique ID (DESIGN.md "Applet 1").
inline constexpr std::size_t kUidSize = 16;
// RSA-OAEP under the 3072-bit cryptogram key: one modulus long.
inline constexpr std::size_t kCryptogramSize = 384;

enum class Lifecycle : std::uint8_t {
  kPersonalizing,  // cryptogram stored; keys may or may not be on the card yet
  kPersonalized,   // KRK and MK are on the card; the cryptogram is final
  kTerminated,     // the token is out of service; the row stays as history
};

// "personalizing", "personalized", "terminated": the words stored in every
// backend and shown by the CLI.
std::string_view ToString(Lifecycle lifecycle);
// kInvalidArgument for any other word.
Result<Lifecycle> LifecycleFromString(std::string_view word);

struct TokenRecord {
  Bytes uid;  // kUidSize bytes
  std::uint32_t serial = 0;
  Bytes cryptogram;              // kCryptogramSize bytes
  std::uint8_t krk_version = 0;  // the KRK block and RSA key the cryptogram belongs to
  std::uint8_t mk_version = 0;   // the MK version on the token now
  std::optional<std::uint8_t> target_mk_version;  // a replacement in flight
  Lifecycle lifecycle = Lifecycle::kPersonalizing;
  std::int64_t created_at = 0;  // unix seconds, set by the directory
  std::int64_t updated_at = 0;  // unix seconds, set by the directory

  bool operator==(const TokenRecord&) const = default;
};

// kInvalidArgument unless `uid` is kUidSize bytes.
Status ValidateUid(ByteView uid);
// kInvalidArgument unless `cryptogram` is kCryptogramSize bytes.
Status ValidateCryptogram(ByteView cryptogram);

}  // namespace tessera::directory
