#include "services/audit/verify.hpp"

#include <optional>
#include <utility>
#include <vector>

#include "services/directory/stores/audit_store.hpp"

namespace tessera::audit {

Result<VerifyReport> VerifyLog(directory::Database& db, const VerifyOptions& options) {
  if (options.pinned_key.empty()) {
    return Status::InvalidArgument("verifying the audit log needs a pinned checkpoint key");
  }
  if (options.from < 1) return Status::InvalidArgument("--from must be 1 or more");
  if (options.page < 1) return Status::InvalidArgument("the page size must be 1 or more");
  std::optional<VerifyReport> report;
  // One read transaction: the walk sees one snapshot of the log, however
  // many writers append meanwhile.
  TESSERA_RETURN_IF_ERROR(db.Read([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(std::vector<directory::AuditCheckpoint> checkpoints,
                             directory::ListCheckpoints(tx));
    ChainVerifier verifier(std::move(checkpoints), options.pinned_key, options.from);
    std::int64_t next = verifier.start();
    for (;;) {
      TESSERA_ASSIGN_OR_RETURN(std::vector<directory::AuditRow> rows,
                               directory::ListAudit(tx, next, options.page));
      bool going = true;
      for (const directory::AuditRow& row : rows) {
        going = verifier.Add(row);
        if (!going) break;
      }
      if (!going || static_cast<std::int64_t>(rows.size()) < options.page) break;
      next = rows.back().seq + 1;
    }
    report = verifier.Finish();
    return Status::Ok();
  }));
  return std::move(*report);
}

}  // namespace tessera::audit
