#include "services/audit/audit_hash.hpp"

#include <string_view>

#include "common/crypto/hash.hpp"

namespace tessera::audit {
namespace {

// Every field fits in 32 bits: the log's limits (audit_log.cpp) are far
// below 4 GiB, and so is any hash.
void PutField(Bytes& out, ByteView value) {
  PutU32(out, static_cast<std::uint32_t>(value.size()));
  Append(out, value);
}

void PutText(Bytes& out, std::string_view value) { PutField(out, AsBytes(value)); }

// Two's complement, so a negative number (never stored, but encodable)
// stays distinct from every positive one.
void PutI64(Bytes& out, std::int64_t value) { PutU64(out, static_cast<std::uint64_t>(value)); }

}  // namespace

Bytes GenesisHash() {
  // Parentheses: braces would make a two-byte vector {32, 0}.
  return Bytes(kHashSize, 0);  // NOLINT(modernize-return-braced-init-list)
}

Bytes EncodeRecord(const directory::AuditRow& row) {
  Bytes out;
  out.reserve(64 + row.actor.size() + row.action.size() + row.object.size() +
              row.request_id.size() + row.details.size() + row.prev_hash.size());
  PutText(out, kRecordTag);
  PutI64(out, row.seq);
  PutI64(out, row.time);
  PutText(out, row.actor);
  PutText(out, row.action);
  PutText(out, row.object);
  PutText(out, row.request_id);
  PutText(out, row.details);
  PutField(out, row.prev_hash);
  return out;
}

Result<Bytes> RecordHash(const directory::AuditRow& row) {
  return crypto::DigestOnce(crypto::Hash::kSha256, EncodeRecord(row));
}

Bytes EncodeCheckpoint(std::int64_t seq, std::int64_t time, ByteView head_hash) {
  Bytes out;
  PutText(out, kCheckpointTag);
  PutI64(out, seq);
  PutI64(out, time);
  PutField(out, head_hash);
  return out;
}

}  // namespace tessera::audit
