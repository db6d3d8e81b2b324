// The audit log (docs/audit.md): every state change of the services appends
// one record, inside the same directory transaction as the change, so a
// change and its record commit together or not at all.
//
// A record's hash is SHA-256 over a fixed canonical encoding of (seq, time,
// actor, action, object, request_id, details, prev_hash) (audit_hash.hpp);
// prev_hash is the hash of the record before, 32 zero bytes for record 1.
// Checkpoints (checkpointer.hpp) sign the head inside an HSM; `tessera audit
// verify` checks both offline (verify.hpp). Stateless.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.hpp"
#include "services/directory/database.hpp"

namespace tessera::audit {

struct AuditEvent {
  std::string actor;       // who: "cli:root", a certificate subject, "tesserad"
  std::string action;      // what: "ca.issue", "ca.revoke", "ca.init", "crl.issue"...
  std::string object;      // on what: "ca/NAME/serial/HEX"
  std::string request_id;  // the HTTP request ID, or the CLI's own
  std::string details;     // JSON text, may be empty
};

// The checks Append makes: a non-empty action of [a-z0-9._-], at most 64
// bytes; actor and object at most 1024 bytes, request_id 256, details 64 KiB;
// every field UTF-8 without NUL (what PostgreSQL's TEXT keeps byte for byte).
// kInvalidArgument naming the field.
Status ValidateEvent(const AuditEvent& event);

// Reads the head in `tx`, chains the record to it and stores it. Returns the
// new record's seq. A race with another node surfaces as kAborted/
// kAlreadyExists and the caller's transaction is retried.
Result<std::int64_t> Append(directory::SqlTransaction& tx, const AuditEvent& event,
                            std::int64_t now);

}  // namespace tessera::audit
