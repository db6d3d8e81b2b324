// Session records of the registration protocol (docs/registration-protocol.md
// "Session records"): after a login every request and answer is AES-256-GCM
// under a key from SES, one key per direction (key_schedule.hpp RecordKey),
// with the nonce direction || sequence (SP 800-38D §8.2.1, deterministic
// construction). The AAD binds the session, the sequence number and, for a
// request, the method and path, for an answer its HTTP status, so a record
// moved to another session, position, route or status does not open.
//
//   request AAD  = "TSS1" || session ID || u64 seq || method || 00 || path
//   response AAD = "TSS1" || session ID || u64 seq || u16 status
//
// Sequence numbers start at 1; 0 is kInvalidArgument. A record that does
// not open is Status::SignatureInvalid. Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/bytes.hpp"
#include "common/registration/key_schedule.hpp"
#include "common/secure_bytes.hpp"
#include "common/status.hpp"

namespace tessera::registration {

inline constexpr std::string_view kRecordContext = "TSS1";

Bytes RequestAad(ByteView session_id, std::uint64_t sequence, std::string_view method,
                 std::string_view path);
Bytes ResponseAad(ByteView session_id, std::uint64_t sequence, std::uint16_t status);

// `key` is RecordKey(SES, direction).
[[nodiscard]] Result<Bytes> SealRecord(ByteView key, Direction direction, std::uint64_t sequence,
                                       ByteView aad, ByteView plaintext);
[[nodiscard]] Result<SecureBytes> OpenRecord(ByteView key, Direction direction,
                                             std::uint64_t sequence, ByteView aad, ByteView sealed);

}  // namespace tessera::registration
