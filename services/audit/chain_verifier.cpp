#include "services/audit/chain_verifier.hpp"

#include <algorithm>
#include <utility>

#include "services/audit/audit_hash.hpp"
#include "services/audit/audit_key.hpp"

namespace tessera::audit {
namespace {

std::string Short(ByteView hash) {
  return ToHex(hash.first(std::min<std::size_t>(hash.size(), 8)));
}

std::string Seq(std::int64_t seq) { return std::to_string(seq); }

}  // namespace

ChainVerifier::ChainVerifier(std::vector<directory::AuditCheckpoint> checkpoints, Bytes pinned_key,
                             std::int64_t from)
    : pinned_key_(std::move(pinned_key)) {
  report_.from = from;
  for (directory::AuditCheckpoint& c : checkpoints) {
    report_.last_checkpoint = std::max(report_.last_checkpoint, c.seq);
    // The anchor: the newest checkpoint at or before `from`.
    if (c.seq <= from && c.seq > report_.anchor_checkpoint) report_.anchor_checkpoint = c.seq;
    checkpoints_.emplace(c.seq, std::move(c));
  }
  report_.start = report_.anchor_checkpoint > 0 ? report_.anchor_checkpoint : 1;
  expected_ = report_.start;
}

void ChainVerifier::Fail(std::int64_t seq, std::string what) {
  if (!report_.broken) report_.broken = Break{seq, std::move(what)};
}

bool ChainVerifier::Add(const directory::AuditRow& row) {
  if (report_.broken) return false;
  if (row.seq > expected_) {
    Fail(expected_,
         "record " + Seq(expected_) + " is missing: the next record in the log is " + Seq(row.seq));
    return false;
  }
  if (row.seq < expected_) {
    Fail(row.seq, "record " + Seq(row.seq) + " comes again after record " + Seq(expected_ - 1) +
                      ": the log is out of order");
    return false;
  }
  auto computed = RecordHash(row);
  if (!computed.ok()) {
    Fail(row.seq,
         "record " + Seq(row.seq) + " could not be hashed: " + computed.status().message());
    return false;
  }
  if (*computed != row.hash) {
    Fail(row.seq, "record " + Seq(row.seq) + " does not hash to its stored hash (stored " +
                      Short(row.hash) + "..., computed " + Short(*computed) +
                      "...): a field was changed");
    return false;
  }
  // Record 1 chains to the genesis hash; the anchor's link is vouched for by
  // the checkpoint that signed its hash; every other record chains to the
  // record before.
  const bool anchored_start = row.seq == report_.start && report_.anchor_checkpoint > 0;
  if (row.seq == 1 && row.prev_hash != GenesisHash()) {
    Fail(1, "record 1 has prev_hash " + Short(row.prev_hash) +
                "..., not 32 zero bytes: records before it were removed");
    return false;
  }
  if (row.seq > 1 && !anchored_start && row.prev_hash != prev_hash_) {
    Fail(row.seq, "record " + Seq(row.seq) + " has prev_hash " + Short(row.prev_hash) +
                      "..., not the hash of record " + Seq(row.seq - 1) + " (" + Short(prev_hash_) +
                      "...): the chain is broken here");
    return false;
  }
  if (!CheckCheckpoints(row, *computed)) return false;
  prev_hash_ = row.hash;
  report_.last_seq = row.seq;
  ++report_.records_checked;
  ++expected_;
  return true;
}

bool ChainVerifier::CheckCheckpoints(const directory::AuditRow& row, const Bytes& computed) {
  auto [begin, end] = checkpoints_.equal_range(row.seq);
  for (auto it = begin; it != end; ++it) {
    const directory::AuditCheckpoint& c = it->second;
    const std::string name = "checkpoint at record " + Seq(c.seq);
    if (c.public_key != pinned_key_) {
      Fail(c.seq, name + " is signed by key " + KeyFingerprint(c.public_key) +
                      ", not the pinned key " + KeyFingerprint(pinned_key_));
      return false;
    }
    Status signature = VerifyCheckpointSignature(
        pinned_key_, EncodeCheckpoint(c.seq, c.time, c.head_hash), c.signature);
    if (!signature.ok()) {
      Fail(c.seq, name + ": the signature does not verify with the pinned key (" +
                      signature.message() + ")");
      return false;
    }
    if (c.head_hash != computed) {
      Fail(c.seq, "record " + Seq(c.seq) + " hashes to " + Short(computed) +
                      "..., not to the signed head " + Short(c.head_hash) + "... of its " +
                      "checkpoint: records " + Seq(last_anchored_ + 1) + " to " + Seq(c.seq) +
                      " were rewritten after they were signed");
      return false;
    }
    ++report_.checkpoints_checked;
    last_anchored_ = c.seq;
  }
  return true;
}

VerifyReport ChainVerifier::Finish() {
  if (report_.broken) return report_;
  if (report_.records_checked == 0 && report_.anchor_checkpoint > 0) {
    Fail(report_.start, "record " + Seq(report_.start) +
                            " is missing: a checkpoint signed it, and no record follows");
    return report_;
  }
  if (report_.last_checkpoint > report_.last_seq) {
    Fail(report_.last_seq + 1,
         "record " + Seq(report_.last_seq + 1) + " is missing: the log ends at record " +
             Seq(report_.last_seq) + " but a checkpoint signed record " +
             Seq(report_.last_checkpoint) + "; records were cut from the end");
  }
  return report_;
}

}  // namespace tessera::audit
