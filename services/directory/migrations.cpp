#include "services/directory/migrations.hpp"

#include <string_view>
#include <utility>

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

// Version 3 (seed 000, the CMS; cms_store.hpp): what users showed and the
// token a certificate's key lives on; the CMS's token inventory, officers,
// E-form nonces and requests, and the bindings of users to tokens. The
// partial unique indexes are the rule two nodes could race on: a user has
// at most one live binding, a token at most one, and a token at most one
// active officer. {HEX32 c} and {IDENT c} are checks on column c (32
// lower-case hex digits; [A-Za-z0-9._@-]{1,128}) in each dialect.
constexpr std::string_view kCmsTemplate = R"sql(
ALTER TABLE users ADD COLUMN organization TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN document TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN photo_hash {BLOB}
  CHECK (photo_hash IS NULL OR length(photo_hash) = 32);
ALTER TABLE certificates ADD COLUMN token_serial {INT}
  CHECK (token_serial BETWEEN 0 AND 4294967295);
CREATE INDEX certificates_by_token ON certificates (token_serial)
  WHERE token_serial IS NOT NULL;
CREATE TABLE cms_tokens (
  serial {INT} PRIMARY KEY CHECK (serial BETWEEN 0 AND 4294967295),
  token_key {BLOB} NOT NULL,
  attestation {BLOB} NOT NULL,
  attestation_ca {BLOB} NOT NULL,
  chuid {BLOB} NOT NULL,
  transport TEXT NOT NULL CHECK (transport IN ('sim', 'pcsc', 'usb')),
  state TEXT NOT NULL CHECK (state IN ('inventory', 'bound', 'active', 'revoked')),
  user_id TEXT REFERENCES users (id),
  registrations {INT} NOT NULL CHECK (registrations >= 1),
  registered_at {INT} NOT NULL,
  updated_at {INT} NOT NULL,
  revoked_at {INT},
  revoked_reason {INT} CHECK (revoked_reason BETWEEN 0 AND 10 AND revoked_reason <> 7),
  CHECK (user_id IS NOT NULL OR state NOT IN ('bound', 'active'))
){STRICT};
CREATE TABLE officers (
  id TEXT PRIMARY KEY CHECK ({IDENT id}),
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('officer', 'administrator', 'auditor')),
  token_serial {INT} NOT NULL CHECK (token_serial BETWEEN 0 AND 4294967295),
  ca TEXT NOT NULL,
  cert_serial {BLOB} NOT NULL CHECK (length(cert_serial) BETWEEN 1 AND 20),
  certificate {BLOB} NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('active', 'revoked')),
  created_at {INT} NOT NULL,
  updated_at {INT} NOT NULL,
  UNIQUE (ca, cert_serial)
){STRICT};
CREATE UNIQUE INDEX officers_active_token ON officers (token_serial) WHERE state = 'active';
CREATE TABLE cms_nonces (
  nonce {BLOB} PRIMARY KEY CHECK (length(nonce) BETWEEN 16 AND 64),
  officer_id TEXT NOT NULL REFERENCES officers (id),
  issued_at {INT} NOT NULL,
  expires_at {INT} NOT NULL CHECK (expires_at >= issued_at),
  used_at {INT}
){STRICT};
CREATE INDEX cms_nonces_by_expiry ON cms_nonces (expires_at);
CREATE TABLE cms_requests (
  id TEXT PRIMARY KEY CHECK ({HEX32 id}),
  user_id TEXT NOT NULL REFERENCES users (id),
  token_serial {INT} NOT NULL REFERENCES cms_tokens (serial)
    CHECK (token_serial BETWEEN 0 AND 4294967295),
  officer_id TEXT NOT NULL REFERENCES officers (id),
  state TEXT NOT NULL CHECK (state IN ('v2-sent', 'bound', 'active', 'revoked')),
  eform_v1 {BLOB} NOT NULL,
  eform_v2 {BLOB} NOT NULL,
  eform_v2_signed {BLOB},
  ca TEXT,
  cert_serial {BLOB} CHECK (length(cert_serial) BETWEEN 1 AND 20),
  created_at {INT} NOT NULL,
  updated_at {INT} NOT NULL,
  CHECK ((ca IS NULL) = (cert_serial IS NULL))
){STRICT};
CREATE TABLE bindings (
  id TEXT PRIMARY KEY CHECK ({HEX32 id}),
  user_id TEXT NOT NULL REFERENCES users (id),
  token_serial {INT} NOT NULL REFERENCES cms_tokens (serial)
    CHECK (token_serial BETWEEN 0 AND 4294967295),
  state TEXT NOT NULL CHECK (state IN ('pending', 'active', 'revoked')),
  ca TEXT NOT NULL,
  cert_serial {BLOB} NOT NULL CHECK (length(cert_serial) BETWEEN 1 AND 20),
  created_at {INT} NOT NULL,
  updated_at {INT} NOT NULL,
  activated_at {INT},
  revoked_at {INT},
  revoked_reason {INT} CHECK (revoked_reason BETWEEN 0 AND 10 AND revoked_reason <> 7),
  CHECK (state <> 'revoked' OR revoked_at IS NOT NULL)
){STRICT};
CREATE UNIQUE INDEX bindings_live_user ON bindings (user_id)
  WHERE state IN ('pending', 'active');
CREATE UNIQUE INDEX bindings_live_token ON bindings (token_serial)
  WHERE state IN ('pending', 'active');
CREATE INDEX bindings_by_user ON bindings (user_id, created_at);
CREATE INDEX bindings_by_token ON bindings (token_serial, created_at);
)sql";

// Version 4 (seed 001, the registration gateway; reg_store.hpp): the
// gateway's server rows, enrolment codes (their SHA-256 only),
// registrations, registered users with their UIDC, applications,
// entitlements and login sessions. The partial unique index is the rule two
// confirms could race on: a user has at most one active registration.
constexpr std::string_view kRegistrationTemplate = R"sql(
CREATE TABLE reg_servers (
  name TEXT PRIMARY KEY CHECK ({IDENT name}),
  hsm TEXT NOT NULL,
  key_label TEXT NOT NULL,
  kek_label TEXT NOT NULL,
  uidc_label TEXT NOT NULL,
  ca TEXT NOT NULL,
  cert_serial {BLOB} NOT NULL CHECK (length(cert_serial) BETWEEN 1 AND 20),
  certificate {BLOB} NOT NULL,
  created_at {INT} NOT NULL,
  UNIQUE (ca, cert_serial)
){STRICT};
CREATE TABLE reg_users (
  user_id TEXT PRIMARY KEY REFERENCES users (id),
  user_id_code TEXT NOT NULL UNIQUE CHECK (length(user_id_code) BETWEEN 8 AND 28),
  config_version {INT} NOT NULL DEFAULT 0 CHECK (config_version >= 0),
  created_at {INT} NOT NULL,
  updated_at {INT} NOT NULL
){STRICT};
CREATE TABLE reg_codes (
  code_hash {BLOB} PRIMARY KEY CHECK (length(code_hash) = 32),
  user_id TEXT NOT NULL REFERENCES users (id),
  issued_by TEXT NOT NULL,
  issued_at {INT} NOT NULL,
  expires_at {INT} NOT NULL CHECK (expires_at > issued_at),
  used_at {INT},
  registration_id TEXT CHECK (registration_id IS NULL OR {HEX32 registration_id})
){STRICT};
CREATE TABLE reg_registrations (
  id TEXT PRIMARY KEY CHECK ({HEX32 id}),
  server TEXT NOT NULL REFERENCES reg_servers (name),
  server_hello {BLOB} NOT NULL,
  server_nonce {BLOB} NOT NULL UNIQUE CHECK (length(server_nonce) = 32),
  state TEXT NOT NULL CHECK (state IN ('started', 'refused', 'pending', 'active', 'superseded',
                                       'expired', 'revoked')),
  user_id TEXT REFERENCES users (id),
  credential TEXT CHECK (credential IN ('code', 'cms', 'open')),
  code_hash {BLOB},
  token_serial {INT} CHECK (token_serial BETWEEN 0 AND 4294967295),
  transcript_hash {BLOB},
  confirm_hash {BLOB},
  k_wrapped {BLOB},
  created_at {INT} NOT NULL,
  expires_at {INT} NOT NULL,
  updated_at {INT} NOT NULL,
  confirmed_at {INT},
  CHECK (state IN ('started', 'refused', 'expired') OR k_wrapped IS NOT NULL)
){STRICT};
CREATE UNIQUE INDEX reg_registrations_active_user ON reg_registrations (user_id)
  WHERE state = 'active';
CREATE INDEX reg_registrations_open ON reg_registrations (expires_at)
  WHERE state IN ('started', 'pending');
CREATE TABLE reg_apps (
  name TEXT PRIMARY KEY CHECK ({IDENT name}),
  base_url TEXT NOT NULL CHECK (base_url LIKE 'http://%' OR base_url LIKE 'https://%'),
  settings TEXT NOT NULL DEFAULT '{}',
  created_at {INT} NOT NULL,
  updated_at {INT} NOT NULL
){STRICT};
CREATE TABLE reg_entitlements (
  user_id TEXT NOT NULL REFERENCES users (id),
  app TEXT NOT NULL REFERENCES reg_apps (name),
  paths TEXT NOT NULL DEFAULT '["/"]',
  granted_by TEXT NOT NULL,
  granted_at {INT} NOT NULL,
  PRIMARY KEY (user_id, app)
){STRICT};
CREATE TABLE reg_sessions (
  id TEXT PRIMARY KEY CHECK ({HEX32 id}),
  registration_id TEXT REFERENCES reg_registrations (id),
  state TEXT NOT NULL CHECK (state IN ('handshake', 'open', 'closed')),
  mac_hash {BLOB} NOT NULL CHECK (length(mac_hash) = 32),
  keys_wrapped {BLOB} NOT NULL,
  c2s_seq {INT} NOT NULL DEFAULT 0 CHECK (c2s_seq >= 0),
  created_at {INT} NOT NULL,
  expires_at {INT} NOT NULL,
  last_used_at {INT} NOT NULL,
  closed_at {INT},
  CHECK (state <> 'closed' OR closed_at IS NOT NULL)
){STRICT};
CREATE INDEX reg_sessions_live ON reg_sessions (expires_at) WHERE state <> 'closed';
)sql";

// Version 5 (issue 15, the soft-token service; softtoken_store.hpp): the
// service's issuers, its channel-1 nonces, the requests (a device's, then
// matched with an ID token's) and the soft tokens issued, each with its
// place in a status list. The partial unique index is the rule two
// requests could race on: a handle names at most one pending request, and
// UNIQUE (status_list, status_index) gives each token its own bit. A
// request's token_id has no foreign key (st_tokens refers to st_requests;
// a cycle would need deferred checks); a token outlives its request (ON
// DELETE SET NULL). {CROCKFORD c n} checks that c is n characters of
// Crockford base32 (0-9 A-Z without I L O U).
constexpr std::string_view kSoftTokenTemplate = R"sql(
CREATE TABLE st_issuers (
  name TEXT PRIMARY KEY CHECK ({IDENT name}),
  hsm TEXT NOT NULL,
  hsm_key_id {BLOB} NOT NULL CHECK (length(hsm_key_id) BETWEEN 1 AND 64),
  ca TEXT NOT NULL,
  cert_serial {BLOB} NOT NULL CHECK (length(cert_serial) BETWEEN 1 AND 20),
  created_at {INT} NOT NULL,
  UNIQUE (ca, cert_serial)
){STRICT};
CREATE TABLE st_nonces (
  nonce {BLOB} PRIMARY KEY CHECK (length(nonce) BETWEEN 16 AND 64),
  created_at {INT} NOT NULL,
  expires_at {INT} NOT NULL CHECK (expires_at > created_at),
  used_at {INT}
){STRICT};
CREATE INDEX st_nonces_by_expiry ON st_nonces (expires_at);
CREATE TABLE st_requests (
  id TEXT PRIMARY KEY CHECK ({HEX32 id}),
  handle TEXT NOT NULL CHECK ({CROCKFORD handle 3}),
  otp_hash {BLOB} NOT NULL CHECK (length(otp_hash) = 32),
  tries_left {INT} NOT NULL CHECK (tries_left >= 0),
  state TEXT NOT NULL CHECK (state IN ('pending', 'matched', 'issued', 'burned', 'expired',
                                       'refused')),
  device_serial {INT} NOT NULL CHECK (device_serial BETWEEN 0 AND 4294967295),
  device_slot TEXT NOT NULL CHECK (length(device_slot) = 2),
  device_key {BLOB} NOT NULL CHECK (length(device_key) > 0),
  manufacturer TEXT NOT NULL,
  channel1 {BLOB} NOT NULL CHECK (length(channel1) = 32),
  deliver TEXT NOT NULL CHECK (deliver IN ('device', 'computer', 'both')),
  format TEXT NOT NULL CHECK (format IN ('sd-jwt-vc', 'x509')),
  created_at {INT} NOT NULL,
  expires_at {INT} NOT NULL CHECK (expires_at > created_at),
  updated_at {INT} NOT NULL,
  id_ca TEXT,
  id_cert_serial {BLOB} CHECK (length(id_cert_serial) BETWEEN 1 AND 20),
  user_id TEXT REFERENCES users (id),
  card_serial {INT} CHECK (card_serial BETWEEN 0 AND 4294967295),
  attributes TEXT,
  comparison TEXT CHECK ({CROCKFORD comparison 6}),
  confirm_hash {BLOB} CHECK (length(confirm_hash) = 32),
  token_id TEXT CHECK ({HEX32 token_id}),
  delivered_device {INT} NOT NULL DEFAULT 0 CHECK (delivered_device IN (0, 1)),
  delivered_computer {INT} NOT NULL DEFAULT 0 CHECK (delivered_computer IN (0, 1)),
  CHECK ((id_ca IS NULL) = (id_cert_serial IS NULL)),
  CHECK (state NOT IN ('matched', 'issued') OR (id_ca IS NOT NULL AND user_id IS NOT NULL
         AND card_serial IS NOT NULL AND comparison IS NOT NULL AND confirm_hash IS NOT NULL)),
  CHECK (state <> 'issued' OR token_id IS NOT NULL),
  CHECK (state <> 'burned' OR tries_left = 0)
){STRICT};
CREATE UNIQUE INDEX st_requests_pending_handle ON st_requests (handle) WHERE state = 'pending';
CREATE INDEX st_requests_by_expiry ON st_requests (expires_at);
CREATE TABLE st_tokens (
  id TEXT PRIMARY KEY CHECK ({HEX32 id}),
  request_id TEXT REFERENCES st_requests (id) ON DELETE SET NULL,
  issuer TEXT NOT NULL REFERENCES st_issuers (name),
  format TEXT NOT NULL CHECK (format IN ('sd-jwt-vc', 'x509')),
  status_list TEXT NOT NULL CHECK ({IDENT status_list}),
  status_index {INT} NOT NULL CHECK (status_index BETWEEN 0 AND 4294967295),
  user_id TEXT NOT NULL REFERENCES users (id),
  card_serial {INT} NOT NULL CHECK (card_serial BETWEEN 0 AND 4294967295),
  source_ca TEXT NOT NULL,
  source_serial {BLOB} NOT NULL CHECK (length(source_serial) BETWEEN 1 AND 20),
  device_key_sha256 {BLOB} NOT NULL CHECK (length(device_key_sha256) = 32),
  cert_ca TEXT,
  cert_serial {BLOB} CHECK (length(cert_serial) BETWEEN 1 AND 20),
  issued_at {INT} NOT NULL,
  expires_at {INT} NOT NULL CHECK (expires_at > issued_at),
  revoked_at {INT},
  content TEXT,
  UNIQUE (status_list, status_index),
  FOREIGN KEY (source_ca, source_serial) REFERENCES certificates (ca, serial),
  CHECK ((cert_ca IS NULL) = (cert_serial IS NULL)),
  CHECK (format = 'x509' OR cert_ca IS NULL)
){STRICT};
CREATE INDEX st_tokens_by_card ON st_tokens (card_serial, issued_at);
CREATE INDEX st_tokens_by_request ON st_tokens (request_id) WHERE request_id IS NOT NULL;
CREATE INDEX st_tokens_x509_live ON st_tokens (expires_at)
  WHERE format = 'x509' AND revoked_at IS NULL;
)sql";

void ReplaceAll(std::string& text, std::string_view from, std::string_view to) {
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

// Each "{KIND column}" in `text` becomes `check(column)`.
void ReplaceChecks(std::string& text, std::string_view kind,
                   std::string (*check)(const std::string& column)) {
  const std::string open = "{" + std::string(kind) + " ";
  for (std::size_t at = text.find(open); at != std::string::npos; at = text.find(open, at)) {
    const std::size_t end = text.find('}', at);
    const std::string column = text.substr(at + open.size(), end - at - open.size());
    const std::string replacement = check(column);
    text.replace(at, end + 1 - at, replacement);
    at += replacement.size();
  }
}

// "column n" -> {"column", "n"}.
std::pair<std::string, std::string> ColumnAndLength(const std::string& spec) {
  const std::size_t space = spec.find(' ');
  return {spec.substr(0, space), spec.substr(space + 1)};
}

std::string Dialect(std::string_view sql, Backend backend) {
  std::string out(sql);
  const bool lite = backend == Backend::kSqlite;
  ReplaceAll(out, "{INT}", lite ? "INTEGER" : "BIGINT");
  ReplaceAll(out, "{BLOB}", lite ? "BLOB" : "BYTEA");
  ReplaceAll(out, "{STRICT}", lite ? " STRICT" : "");
  // SQLite has GLOB (case-sensitive; [^...] a negated class), PostgreSQL
  // POSIX regular expressions.
  if (lite) {
    ReplaceChecks(out, "HEX32", [](const std::string& c) {
      return "length(" + c + ") = 32 AND " + c + " NOT GLOB '*[^0-9a-f]*'";
    });
    ReplaceChecks(out, "IDENT", [](const std::string& c) {
      return "length(" + c + ") BETWEEN 1 AND 128 AND " + c + " NOT GLOB '*[^A-Za-z0-9._@-]*'";
    });
    ReplaceChecks(out, "CROCKFORD", [](const std::string& spec) {
      const auto [c, n] = ColumnAndLength(spec);
      return "length(" + c + ") = " + n + " AND " + c + " NOT GLOB '*[^0-9A-HJKMNP-TV-Z]*'";
    });
  } else {
    ReplaceChecks(out, "HEX32", [](const std::string& c) { return c + " ~ '^[0-9a-f]{32}$'"; });
    ReplaceChecks(out, "IDENT",
                  [](const std::string& c) { return c + " ~ '^[A-Za-z0-9._@-]{1,128}$'"; });
    ReplaceChecks(out, "CROCKFORD", [](const std::string& spec) {
      const auto [c, n] = ColumnAndLength(spec);
      return c + " ~ '^[0-9A-HJKMNP-TV-Z]{" + n + "}$'";
    });
  }
  return out;
}

}  // namespace

std::vector<Migration> Migrations(Backend backend) {
  const bool lite = backend == Backend::kSqlite;
  return {
      {1, std::string(lite ? kTokensSqlite : kTokensPostgres)},
      {2, Dialect(kStoresTemplate, backend)},
      {3, Dialect(kCmsTemplate, backend)},
      {4, Dialect(kRegistrationTemplate, backend)},
      {5, Dialect(kSoftTokenTemplate, backend)},
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
