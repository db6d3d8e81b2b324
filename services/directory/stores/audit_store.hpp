// The audit aggregate in the directory: the hash-chained records and the
// signed checkpoints of services/audit (docs/audit.md).
//
// The store keeps what it is given; services/audit computes the hashes and
// signatures and checks them. `seq` is 1, 2, 3... with no gaps: AppendAudit
// is given the next number by the caller, who read the head in the same
// transaction, and a taken seq is kAlreadyExists (two nodes raced; the
// transaction is retried). Runs inside a Database transaction. Stateless.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/bytes.hpp"
#include "common/status.hpp"
#include "services/directory/database.hpp"

namespace tessera::directory {

struct AuditRow {
  std::int64_t seq = 0;
  std::int64_t time = 0;  // unix seconds
  std::string actor;
  std::string action;
  std::string object;
  std::string request_id;
  std::string details;  // JSON text, may be empty
  Bytes prev_hash;      // hash of record seq-1 (32 zero bytes for seq 1)
  Bytes hash;           // hash of this record (services/audit)
  bool operator==(const AuditRow&) const = default;
};

struct AuditCheckpoint {
  std::int64_t seq = 0;  // the record whose hash was signed
  std::int64_t time = 0;
  Bytes head_hash;
  std::string hsm;        // HSM token name
  std::string key_label;  // the signing key's label
  Bytes public_key;       // DER SubjectPublicKeyInfo of that key (verify pins it)
  Bytes signature;
  bool operator==(const AuditCheckpoint&) const = default;
};

Status AppendAudit(SqlTransaction& tx, const AuditRow& row);
// The record with the highest seq, none when the log is empty.
Result<std::optional<AuditRow>> AuditHead(SqlTransaction& tx);
// Records with seq >= from, ascending, at most `limit`.
Result<std::vector<AuditRow>> ListAudit(SqlTransaction& tx, std::int64_t from, std::int64_t limit);

Status InsertCheckpoint(SqlTransaction& tx, const AuditCheckpoint& checkpoint);
Result<std::optional<AuditCheckpoint>> LatestCheckpoint(SqlTransaction& tx);
Result<std::vector<AuditCheckpoint>> ListCheckpoints(SqlTransaction& tx);

}  // namespace tessera::directory
