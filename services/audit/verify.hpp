// VerifyLog: the audit log of a Database checked offline (docs/audit.md
// "Verifying"), as `tessera audit verify` runs it: the checkpoints and the
// records read in one read transaction, in pages, through ChainVerifier
// (chain_verifier.hpp, which says what is checked). Stateless; thread-safe
// as the Database is.
#pragma once

#include <cstdint>

#include "common/bytes.hpp"
#include "common/status.hpp"
#include "services/audit/chain_verifier.hpp"
#include "services/directory/database.hpp"

namespace tessera::audit {

struct VerifyOptions {
  std::int64_t from = 1;
  Bytes pinned_key;          // DER SubjectPublicKeyInfo; required
  std::int64_t page = 1000;  // records per query
};

// kInvalidArgument without a pinned key or with from < 1; the database's
// errors. A broken chain is an Ok result with `broken` set.
Result<VerifyReport> VerifyLog(directory::Database& db, const VerifyOptions& options);

}  // namespace tessera::audit
