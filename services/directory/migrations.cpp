#include "services/directory/migrations.hpp"

#include <string_view>

namespace tessera::directory {
namespace {

// Version 1, SQLite: the tokens table as the first directories have it. The
// literal sizes are history, not a copy of kUidSize/kCryptogramSize.
constexpr std::string_view kTokensSqlite = R"sql(
CREATE TABLE tokens (
  uid BLOB NOT NULL UNIQUE CHECK (length(uid) = 16),
  serial INTEGER NOT NULL UNIQUE CHECK (serial BETWEEN 0 AND 4294967295),
  cryptogram BLOB NOT NULL CHECK (length(cryptogram) = 384),
  krk_version INTEGER NOT NULL CHECK (krk_version BETWEEN 0 AND 255),
  mk_version INTEGER NOT NULL CHECK (mk_version BETWEEN 0 AND 255),
  target_mk_version INTEGER CHECK (target_mk_version BETWEEN 0 AND 255),
  lifecycle TEXT NOT NULL
    CHECK (lifecycle IN ('personalizing', 'personalized', 'terminated')),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  CHECK (target_mk_version IS NULL OR lifecycle = 'personalized')
) STRICT;
PRAGMA application_id = 1414743122;
)sql";

// Version 1, PostgreSQL: the same table and checks (length(bytea) is bytes).
constexpr std::string_view kTokensPostgres = R"sql(
CREATE TABLE tokens (
  uid BYTEA NOT NULL UNIQUE CHECK (length(uid) = 16),
  serial BIGINT NOT NULL UNIQUE CHECK (serial BETWEEN 0 AND 4294967295),
  cryptogram BYTEA NOT NULL CHECK (length(cryptogram) = 384),
  krk_version BIGINT NOT NULL CHECK (krk_version BETWEEN 0 AND 255),
  mk_version BIGINT NOT NULL CHECK (mk_version BETWEEN 0 AND 255),
  target_mk_version BIGINT CHECK (target_mk_version BETWEEN 0 AND 255),
  lifecycle TEXT NOT NULL
    CHECK (lifecycle IN ('personalizing', 'personalized', 'terminated')),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  CHECK (target_mk_version IS NULL OR lifecycle = 'personalized')
);
)sql";

// Version 2: users, the CA aggregate (CAs, certificates, revocations, CRLs)
// and the audit log with its checkpoints.
constexpr std::string_view kStoresTemplate = R"sql(
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  display_name TEXT NOT NULL,
  email TEXT NOT NULL,
  created_at {INT} NOT NULL
){STRICT};
CREATE TABLE cas (
  name TEXT PRIMARY KEY,
  parent TEXT REFERENCES cas (name),
  hsm TEXT NOT NULL,
  key_label TEXT NOT NULL,
  key_type TEXT NOT NULL CHECK (key_type IN ('p256', 'p384', 'rsa3072')),
  certificate {BLOB} NOT NULL,
  ocsp_key_label TEXT NOT NULL,
  ocsp_certificate {BLOB} NOT NULL,
  created_at {INT} NOT NULL
){STRICT};
CREATE TABLE certificates (
  ca TEXT NOT NULL REFERENCES cas (name),
  serial {BLOB} NOT NULL CHECK (length(serial) BETWEEN 1 AND 20),
  profile TEXT NOT NULL,
  subject TEXT NOT NULL,
  not_before {INT} NOT NULL,
  not_after {INT} NOT NULL,
  der {BLOB} NOT NULL,
  user_id TEXT,
  issued_at {INT} NOT NULL,
  UNIQUE (ca, serial)
){STRICT};
CREATE INDEX certificates_by_issue ON certificates (ca, issued_at, serial);
CREATE TABLE revocations (
  ca TEXT NOT NULL,
  serial {BLOB} NOT NULL,
  revoked_at {INT} NOT NULL,
  reason {INT} NOT NULL CHECK (reason BETWEEN 0 AND 10 AND reason <> 7),
  UNIQUE (ca, serial),
  FOREIGN KEY (ca, serial) REFERENCES certificates (ca, serial)
){STRICT};
CREATE TABLE crls (
  ca TEXT NOT NULL REFERENCES cas (name),
  number {INT} NOT NULL CHECK (number >= 0),
  this_update {INT} NOT NULL,
  next_update {INT} NOT NULL,
  der {BLOB} NOT NULL,
  UNIQUE (ca, number)
){STRICT};
CREATE TABLE audit (
  seq {INT} PRIMARY KEY CHECK (seq >= 1),
  time {INT} NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  object TEXT NOT NULL,
  request_id TEXT NOT NULL,
  details TEXT NOT NULL,
  prev_hash {BLOB} NOT NULL,
  hash {BLOB} NOT NULL
){STRICT};
CREATE TABLE audit_checkpoints (
  seq {INT} PRIMARY KEY CHECK (seq >= 1),
  time {INT} NOT NULL,
  head_hash {BLOB} NOT NULL,
  hsm TEXT NOT NULL,
  key_label TEXT NOT NULL,
  public_key {BLOB} NOT NULL,
  signature {BLOB} NOT NULL
){STRICT};
)sql";

void ReplaceAll(std::string& text, std::string_view from, std::string_view to) {
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

std::string Dialect(std::string_view sql, Backend backend) {
  std::string out(sql);
  const bool lite = backend == Backend::kSqlite;
  ReplaceAll(out, "{INT}", lite ? "INTEGER" : "BIGINT");
  ReplaceAll(out, "{BLOB}", lite ? "BLOB" : "BYTEA");
  ReplaceAll(out, "{STRICT}", lite ? " STRICT" : "");
  return out;
}

}  // namespace

std::vector<Migration> Migrations(Backend backend) {
  const bool lite = backend == Backend::kSqlite;
  return {
      {1, std::string(lite ? kTokensSqlite : kTokensPostgres)},
      {2, Dialect(kStoresTemplate, backend)},
  };
}

Status SchemaTooNew(const std::string& where, std::int64_t version) {
  return Status::ConditionsNotSatisfied(
      where + " has directory schema version " + std::to_string(version) +
      ", newer than this tessera knows (" + std::to_string(kSchemaVersion) +
      "); use a newer tessera. It was left as it was");
}

Status SchemaTooOld(const std::string& where, std::int64_t version) {
  return Status::ConditionsNotSatisfied(
      where + " has directory schema version " + std::to_string(version) + ", older than " +
      std::to_string(kSchemaVersion) + "; run `tessera directory migrate` first");
}

}  // namespace tessera::directory
