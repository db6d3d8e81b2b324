#include "services/audit/checkpointer.hpp"

#include <utility>
#include <vector>

#include "services/audit/audit_hash.hpp"
#include "services/audit/chain_verifier.hpp"
#include "services/audit/verify.hpp"

namespace tessera::audit {
namespace {

constexpr std::int64_t kPage = 1000;

// The head to sign, after the records since the last checkpoint were found
// intact under `public_key`; nullopt when there is nothing new to sign.
Result<std::optional<directory::AuditRow>> IntactHead(directory::SqlTransaction& tx,
                                                      const Bytes& public_key) {
  TESSERA_ASSIGN_OR_RETURN(std::optional<directory::AuditRow> head, directory::AuditHead(tx));
  if (!head) return std::optional<directory::AuditRow>();
  TESSERA_ASSIGN_OR_RETURN(std::optional<directory::AuditCheckpoint> latest,
                           directory::LatestCheckpoint(tx));
  if (latest && latest->seq >= head->seq) return std::optional<directory::AuditRow>();
  std::vector<directory::AuditCheckpoint> anchor;
  if (latest) anchor.push_back(*latest);
  ChainVerifier verifier(std::move(anchor), public_key, latest ? latest->seq : 1);
  std::int64_t next = verifier.start();
  while (next <= head->seq) {
    TESSERA_ASSIGN_OR_RETURN(std::vector<directory::AuditRow> rows,
                             directory::ListAudit(tx, next, kPage));
    if (rows.empty()) break;
    for (const directory::AuditRow& row : rows) {
      if (row.seq > head->seq) break;
      if (!verifier.Add(row)) break;
    }
    next = rows.back().seq + 1;
    if (static_cast<std::int64_t>(rows.size()) < kPage) break;
  }
  VerifyReport report = verifier.Finish();
  if (report.broken) {
    return Status::Corrupt("refusing to sign the audit head: record " +
                           std::to_string(report.broken->seq) + ": " + report.broken->what);
  }
  if (report.last_seq != head->seq) {
    return Status::Corrupt("refusing to sign the audit head: the walk ended at record " +
                           std::to_string(report.last_seq) + ", the head is record " +
                           std::to_string(head->seq));
  }
  return head;
}

}  // namespace

Checkpointer::Checkpointer(directory::Database& db, HsmOpener open, CheckpointerOptions options)
    : db_(db), open_(std::move(open)), options_(std::move(options)) {}

Checkpointer::Checkpointer(directory::Database& db, const runtime::HsmAccess& access,
                           const CheckpointerOptions& options)
    : Checkpointer(
          db, [&access, name = options.hsm] { return access.Open(name); }, options) {}

Result<std::optional<directory::AuditCheckpoint>> Checkpointer::MaybeCheckpoint(std::int64_t now) {
  std::unique_lock<std::mutex> lock(mu_, std::try_to_lock);
  if (!lock.owns_lock()) return std::optional<directory::AuditCheckpoint>();
  TESSERA_ASSIGN_OR_RETURN(bool due, Due(now));
  if (!due) return std::optional<directory::AuditCheckpoint>();
  return CheckpointLocked(now);
}

Result<std::optional<directory::AuditCheckpoint>> Checkpointer::CheckpointNow(std::int64_t now) {
  std::lock_guard<std::mutex> lock(mu_);
  return CheckpointLocked(now);
}

Result<bool> Checkpointer::Due(std::int64_t now) {
  bool due = false;
  TESSERA_RETURN_IF_ERROR(db_.Read([&](directory::SqlTransaction& tx) -> Status {
    due = false;
    TESSERA_ASSIGN_OR_RETURN(std::optional<directory::AuditRow> head, directory::AuditHead(tx));
    if (!head) return Status::Ok();
    TESSERA_ASSIGN_OR_RETURN(std::optional<directory::AuditCheckpoint> latest,
                             directory::LatestCheckpoint(tx));
    const std::int64_t signed_seq = latest ? latest->seq : 0;
    if (head->seq <= signed_seq) return Status::Ok();
    if (head->seq - signed_seq >= options_.policy.every_records) {
      due = true;
      return Status::Ok();
    }
    TESSERA_ASSIGN_OR_RETURN(std::vector<directory::AuditRow> oldest,
                             directory::ListAudit(tx, signed_seq + 1, 1));
    due = !oldest.empty() && now - oldest.front().time >= options_.policy.every_seconds;
    return Status::Ok();
  }));
  return due;
}

Status Checkpointer::EnsureKey() {
  if (!token_) {
    TESSERA_ASSIGN_OR_RETURN(hsm::HsmToken token, open_());
    token_.emplace(std::move(token));
  }
  if (!key_) {
    TESSERA_ASSIGN_OR_RETURN(CheckpointKey key,
                             FindCheckpointKey(token_->session(), options_.key_label));
    key_.emplace(std::move(key));
  }
  return Status::Ok();
}

void Checkpointer::DropSession() {
  key_.reset();
  token_.reset();
}

Result<std::optional<directory::AuditCheckpoint>> Checkpointer::CheckpointLocked(std::int64_t now) {
  // The key first: the walk before signing is pinned to it.
  Status ready = EnsureKey();
  if (!ready.ok()) {
    DropSession();
    return ready;
  }
  const Bytes public_key = key_->public_key;
  std::optional<directory::AuditRow> head;
  TESSERA_RETURN_IF_ERROR(db_.Read([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(head, IntactHead(tx, public_key));
    return Status::Ok();
  }));
  if (!head) return std::optional<directory::AuditCheckpoint>();

  directory::AuditCheckpoint checkpoint;
  checkpoint.seq = head->seq;
  checkpoint.time = now;
  checkpoint.head_hash = head->hash;
  checkpoint.hsm = options_.hsm;
  checkpoint.key_label = options_.key_label;
  auto signature =
      hsm::SignForX509(token_->session(), key_->key,
                       EncodeCheckpoint(checkpoint.seq, checkpoint.time, checkpoint.head_hash));
  if (!signature.ok()) {
    // The session may be dead (HSM restarted): open a new one next time.
    DropSession();
    return signature.status();
  }
  checkpoint.public_key = public_key;
  checkpoint.signature = std::move(signature).value();

  Status stored = db_.Transact(
      [&](directory::SqlTransaction& tx) { return directory::InsertCheckpoint(tx, checkpoint); });
  // Another node signed the same head first: the head is signed all the same.
  if (stored.code() == Code::kAlreadyExists) return std::optional<directory::AuditCheckpoint>();
  TESSERA_RETURN_IF_ERROR(stored);
  return std::optional<directory::AuditCheckpoint>(std::move(checkpoint));
}

}  // namespace tessera::audit
