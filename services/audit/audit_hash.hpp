// The canonical encodings of the audit log (docs/audit.md "Encodings"): the
// bytes a record's hash is taken over, and the bytes a checkpoint signs.
//
// Both are unambiguous by construction: every text or byte field is a
// 4-byte big-endian length followed by its bytes, every integer a fixed
// 8-byte big-endian two's-complement value, and each encoding opens with its
// own length-prefixed domain-separation tag, so no record encoding is ever a
// checkpoint encoding or a message of another protocol.
//
//   record     = field("tessera-audit-v1") || i64(seq) || i64(time)
//                || field(actor) || field(action) || field(object)
//                || field(request_id) || field(details) || field(prev_hash)
//   hash       = SHA-256(record)
//   checkpoint = field("tessera-audit-checkpoint-v1") || i64(seq) || i64(time)
//                || field(head_hash)
//   field(x)   = u32be(len(x)) || x        i64(v) = u64be(uint64(v))
//
// Stateless; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/bytes.hpp"
#include "common/status.hpp"
#include "services/directory/stores/audit_store.hpp"

namespace tessera::audit {

inline constexpr const char* kRecordTag = "tessera-audit-v1";
inline constexpr const char* kCheckpointTag = "tessera-audit-checkpoint-v1";
inline constexpr std::size_t kHashSize = 32;  // SHA-256

// The prev_hash of record 1.
Bytes GenesisHash();

// The record encoding of `row` (its `hash` field is not part of it).
Bytes EncodeRecord(const directory::AuditRow& row);
// SHA-256 of EncodeRecord(row); kInternal only if OpenSSL fails.
Result<Bytes> RecordHash(const directory::AuditRow& row);

// The bytes a checkpoint's signature covers.
Bytes EncodeCheckpoint(std::int64_t seq, std::int64_t time, ByteView head_hash);

}  // namespace tessera::audit
