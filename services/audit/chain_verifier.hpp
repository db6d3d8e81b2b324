// Offline verification of the audit log (docs/audit.md "Verifying"): the
// hash chain, seq continuity and the signed checkpoints, checked against a
// pinned checkpoint key. `tessera audit verify` is a thin front end.
//
// The walk starts at the newest checkpoint at or before `from` (or at record
// 1 when there is none), so its start is anchored by a signature: that
// record's hash must be the signed head, and its own prev_hash is then not
// needed. From there every record must
//   - have the next seq (a smaller or larger one is a reorder or a gap);
//   - hash, recomputed from its fields (audit_hash.hpp), to its stored hash;
//   - carry as prev_hash the stored hash of the record before (32 zero bytes
//     for record 1);
// and every checkpoint on the walk must be signed by the pinned key (a
// checkpoint naming another key fails even if its signature is good), its
// signature must verify, and its head_hash must be the hash of its record.
// A checkpoint past the last record means records were cut from the end.
// Records after the newest checkpoint are the "unsigned tail": reported, not
// a failure (a checkpoint will cover them). The first failure ends the walk
// and names its record.
//
// ChainVerifier is fed the records one at a time (it holds none of them);
// VerifyLog (verify.hpp) feeds it from a Database. Single-threaded.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/bytes.hpp"
#include "common/status.hpp"
#include "services/directory/stores/audit_store.hpp"

namespace tessera::audit {

struct Break {
  std::int64_t seq = 0;  // the first broken record
  std::string what;      // what is wrong with it, for a human
};

struct VerifyReport {
  std::int64_t from = 1;               // as asked
  std::int64_t start = 1;              // the first record checked
  std::int64_t anchor_checkpoint = 0;  // the checkpoint `start` is; 0: from record 1
  std::int64_t last_seq = 0;           // the last record read; 0: none
  std::int64_t records_checked = 0;
  std::int64_t checkpoints_checked = 0;  // on the walk, signatures verified
  std::int64_t last_checkpoint = 0;      // the newest checkpoint's seq; 0: none
  std::optional<Break> broken;

  bool intact() const { return !broken.has_value(); }
  // Records after the newest checkpoint: [last_checkpoint + 1, last_seq].
  std::int64_t unsigned_records() const {
    return last_seq > last_checkpoint ? last_seq - last_checkpoint : 0;
  }
};

class ChainVerifier {
 public:
  // `pinned_key`: DER SubjectPublicKeyInfo every checkpoint must be signed
  // with. `from` >= 1.
  ChainVerifier(std::vector<directory::AuditCheckpoint> checkpoints, Bytes pinned_key,
                std::int64_t from);

  // The seq to feed records from (the anchor).
  std::int64_t start() const { return report_.start; }
  // Feed records in ascending seq order, starting at start(). False once the
  // chain is broken (further records are ignored).
  bool Add(const directory::AuditRow& row);
  // Checks what only the end can tell (checkpoints past the last record).
  VerifyReport Finish();

 private:
  void Fail(std::int64_t seq, std::string what);
  bool CheckCheckpoints(const directory::AuditRow& row, const Bytes& computed);

  std::multimap<std::int64_t, directory::AuditCheckpoint> checkpoints_;
  Bytes pinned_key_;
  VerifyReport report_;
  std::int64_t expected_ = 1;
  Bytes prev_hash_;                 // stored hash of the record before
  std::int64_t last_anchored_ = 0;  // the last checkpoint the walk passed
};

}  // namespace tessera::audit
