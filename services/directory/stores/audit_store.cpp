#include "services/directory/stores/audit_store.hpp"

#include <string_view>

namespace tessera::directory {
namespace {

constexpr std::string_view kAuditSelect =
    "SELECT seq, time, actor, action, object, request_id, details, prev_hash, hash FROM audit ";
constexpr std::string_view kCheckpointSelect =
    "SELECT seq, time, head_hash, hsm, key_label, public_key, signature FROM audit_checkpoints ";

Result<AuditRow> DecodeAudit(const SqlRow& row) {
  AuditRow out;
  TESSERA_ASSIGN_OR_RETURN(out.seq, row.Int(0));
  TESSERA_ASSIGN_OR_RETURN(out.time, row.Int(1));
  TESSERA_ASSIGN_OR_RETURN(out.actor, row.Text(2));
  TESSERA_ASSIGN_OR_RETURN(out.action, row.Text(3));
  TESSERA_ASSIGN_OR_RETURN(out.object, row.Text(4));
  TESSERA_ASSIGN_OR_RETURN(out.request_id, row.Text(5));
  TESSERA_ASSIGN_OR_RETURN(out.details, row.Text(6));
  TESSERA_ASSIGN_OR_RETURN(out.prev_hash, row.Blob(7));
  TESSERA_ASSIGN_OR_RETURN(out.hash, row.Blob(8));
  return out;
}

Result<AuditCheckpoint> DecodeCheckpoint(const SqlRow& row) {
  AuditCheckpoint out;
  TESSERA_ASSIGN_OR_RETURN(out.seq, row.Int(0));
  TESSERA_ASSIGN_OR_RETURN(out.time, row.Int(1));
  TESSERA_ASSIGN_OR_RETURN(out.head_hash, row.Blob(2));
  TESSERA_ASSIGN_OR_RETURN(out.hsm, row.Text(3));
  TESSERA_ASSIGN_OR_RETURN(out.key_label, row.Text(4));
  TESSERA_ASSIGN_OR_RETURN(out.public_key, row.Blob(5));
  TESSERA_ASSIGN_OR_RETURN(out.signature, row.Blob(6));
  return out;
}

}  // namespace

Status AppendAudit(SqlTransaction& tx, const AuditRow& row) {
  if (row.seq < 1) {
    return Status::InvalidArgument("audit seq " + std::to_string(row.seq) + " is below 1");
  }
  TESSERA_ASSIGN_OR_RETURN(auto taken, tx.Query("SELECT 1 FROM audit WHERE seq = $1", {row.seq}));
  if (!taken.empty()) {
    return Status::AlreadyExists("audit record " + std::to_string(row.seq) +
                                 " exists already (another writer appended first)");
  }
  return tx
      .Execute(
          "INSERT INTO audit (seq, time, actor, action, object, request_id, details, prev_hash, "
          "hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
          {row.seq, row.time, row.actor, row.action, row.object, row.request_id, row.details,
           row.prev_hash, row.hash})
      .status();
}

Result<std::optional<AuditRow>> AuditHead(SqlTransaction& tx) {
  TESSERA_ASSIGN_OR_RETURN(auto rows,
                           tx.Query(std::string(kAuditSelect) + "ORDER BY seq DESC LIMIT 1"));
  if (rows.empty()) return std::optional<AuditRow>();
  TESSERA_ASSIGN_OR_RETURN(AuditRow head, DecodeAudit(rows.front()));
  return std::optional<AuditRow>(std::move(head));
}

Result<std::vector<AuditRow>> ListAudit(SqlTransaction& tx, std::int64_t from, std::int64_t limit) {
  TESSERA_ASSIGN_OR_RETURN(
      auto rows,
      tx.Query(std::string(kAuditSelect) + "WHERE seq >= $1 ORDER BY seq LIMIT $2", {from, limit}));
  return DecodeAll<AuditRow>(rows, DecodeAudit);
}

Status InsertCheckpoint(SqlTransaction& tx, const AuditCheckpoint& checkpoint) {
  TESSERA_ASSIGN_OR_RETURN(
      auto taken, tx.Query("SELECT 1 FROM audit_checkpoints WHERE seq = $1", {checkpoint.seq}));
  if (!taken.empty()) {
    return Status::AlreadyExists("a checkpoint of audit record " + std::to_string(checkpoint.seq) +
                                 " exists already");
  }
  return tx
      .Execute(
          "INSERT INTO audit_checkpoints (seq, time, head_hash, hsm, key_label, public_key, "
          "signature) VALUES ($1, $2, $3, $4, $5, $6, $7)",
          {checkpoint.seq, checkpoint.time, checkpoint.head_hash, checkpoint.hsm,
           checkpoint.key_label, checkpoint.public_key, checkpoint.signature})
      .status();
}

Result<std::optional<AuditCheckpoint>> LatestCheckpoint(SqlTransaction& tx) {
  TESSERA_ASSIGN_OR_RETURN(auto rows,
                           tx.Query(std::string(kCheckpointSelect) + "ORDER BY seq DESC LIMIT 1"));
  if (rows.empty()) return std::optional<AuditCheckpoint>();
  TESSERA_ASSIGN_OR_RETURN(AuditCheckpoint latest, DecodeCheckpoint(rows.front()));
  return std::optional<AuditCheckpoint>(std::move(latest));
}

Result<std::vector<AuditCheckpoint>> ListCheckpoints(SqlTransaction& tx) {
  TESSERA_ASSIGN_OR_RETURN(auto rows, tx.Query(std::string(kCheckpointSelect) + "ORDER BY seq"));
  return DecodeAll<AuditCheckpoint>(rows, DecodeCheckpoint);
}

}  // namespace tessera::directory
